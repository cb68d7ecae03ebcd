package console

import (
	"mime"
	"net/http"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// The browser uploads straight to the S3 endpoint: the console starts a
// multipart upload, presigns UploadPart URLs a few at a time (each valid
// for PartURLExpiry), and completes or aborts the upload. No object byte
// passes through the console.

const maxParts = 10000

type uploadInput struct {
	Bucket      string `json:"bucket"`
	Key         string `json:"key"`
	ContentType string `json:"contentType"`
	UploadID    string `json:"uploadId"`
	Parts       []int  `json:"parts"`
	Done        []struct {
		Part int    `json:"part"`
		ETag string `json:"etag"`
	} `json:"done"`
}

// valid checks the fields every upload call has.
func (in *uploadInput) valid(needID bool) bool {
	if !plausibleBucket(in.Bucket) || !validKey(in.Key, false) || len(in.UploadID) > 1024 {
		return false
	}
	if needID && in.UploadID == "" {
		return false
	}
	if in.ContentType != "" {
		if _, _, err := mime.ParseMediaType(in.ContentType); err != nil || len(in.ContentType) > 256 {
			return false
		}
	}
	return true
}

func (c *Console) startUpload(w http.ResponseWriter, r *http.Request, s *session) {
	var in uploadInput
	if !decodeJSON(w, r, &in) {
		return
	}
	if !in.valid(false) {
		writeError(w, http.StatusBadRequest, "InvalidInput", "Bad bucket, key or content type.")
		return
	}
	cin := &s3.CreateMultipartUploadInput{Bucket: &in.Bucket, Key: &in.Key}
	if in.ContentType != "" {
		cin.ContentType = &in.ContentType
	}
	out, err := c.s3Client(s).CreateMultipartUpload(r.Context(), cin)
	if err != nil {
		writeAPIError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"uploadId": aws.ToString(out.UploadId)})
}

// presignParts presigns UploadPart for up to 100 part numbers at once.
func (c *Console) presignParts(w http.ResponseWriter, r *http.Request, s *session) {
	var in uploadInput
	if !decodeJSON(w, r, &in) {
		return
	}
	if !in.valid(true) || len(in.Parts) == 0 || len(in.Parts) > 100 {
		writeError(w, http.StatusBadRequest, "InvalidInput", "Give a bucket, key, upload id and 1 to 100 part numbers.")
		return
	}
	ps := c.presigner(r, s, c.cfg.PartURLExpiry)
	urls := make(map[int]string, len(in.Parts))
	for _, n := range in.Parts {
		if n < 1 || n > maxParts {
			writeError(w, http.StatusBadRequest, "InvalidInput", "Part numbers run from 1 to 10,000.")
			return
		}
		req, err := ps.PresignUploadPart(r.Context(), &s3.UploadPartInput{
			Bucket: &in.Bucket, Key: &in.Key, UploadId: &in.UploadID, PartNumber: aws.Int32(int32(n)),
		})
		if err != nil {
			writeAPIError(w, err)
			return
		}
		urls[n] = req.URL
	}
	writeJSON(w, http.StatusOK, map[string]any{"urls": urls, "expiresIn": int(c.cfg.PartURLExpiry.Seconds())})
}

func (c *Console) completeUpload(w http.ResponseWriter, r *http.Request, s *session) {
	var in uploadInput
	if !decodeJSON(w, r, &in) {
		return
	}
	if !in.valid(true) || len(in.Done) == 0 || len(in.Done) > maxParts {
		writeError(w, http.StatusBadRequest, "InvalidInput", "Give a bucket, key, upload id and 1 to 10,000 parts.")
		return
	}
	parts := make([]types.CompletedPart, 0, len(in.Done))
	for _, p := range in.Done {
		if p.Part < 1 || p.Part > maxParts || p.ETag == "" || len(p.ETag) > 128 {
			writeError(w, http.StatusBadRequest, "InvalidInput", "Each part needs a number from 1 to 10,000 and its ETag.")
			return
		}
		parts = append(parts, types.CompletedPart{PartNumber: aws.Int32(int32(p.Part)), ETag: aws.String(p.ETag)})
	}
	sort.Slice(parts, func(i, j int) bool { return *parts[i].PartNumber < *parts[j].PartNumber })
	out, err := c.s3Client(s).CompleteMultipartUpload(r.Context(), &s3.CompleteMultipartUploadInput{
		Bucket: &in.Bucket, Key: &in.Key, UploadId: &in.UploadID,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: parts},
	})
	if err != nil {
		writeAPIError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"etag": aws.ToString(out.ETag)})
}

func (c *Console) abortUpload(w http.ResponseWriter, r *http.Request, s *session) {
	var in uploadInput
	if !decodeJSON(w, r, &in) {
		return
	}
	if !in.valid(true) {
		writeError(w, http.StatusBadRequest, "InvalidInput", "Give a bucket, key and upload id.")
		return
	}
	_, err := c.s3Client(s).AbortMultipartUpload(r.Context(), &s3.AbortMultipartUploadInput{
		Bucket: &in.Bucket, Key: &in.Key, UploadId: &in.UploadID,
	})
	if err != nil && apiCode(err) != "NoSuchUpload" {
		writeAPIError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
}

// presignSingle presigns one PUT for a file smaller than a part. The
// content type is signed, so the browser must send exactly it.
func (c *Console) presignSingle(w http.ResponseWriter, r *http.Request, s *session) {
	var in uploadInput
	if !decodeJSON(w, r, &in) {
		return
	}
	if !in.valid(false) {
		writeError(w, http.StatusBadRequest, "InvalidInput", "Bad bucket, key or content type.")
		return
	}
	put := &s3.PutObjectInput{Bucket: &in.Bucket, Key: &in.Key}
	if in.ContentType != "" {
		put.ContentType = &in.ContentType
	}
	req, err := c.presigner(r, s, c.cfg.PartURLExpiry).PresignPutObject(r.Context(), put)
	if err != nil {
		writeAPIError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"url": req.URL})
}
