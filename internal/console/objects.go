package console

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// maxKeyLen is S3's limit on an object key, in bytes.
const maxKeyLen = 1024

type objectJSON struct {
	Key      string `json:"key"`
	Size     int64  `json:"size"`
	Modified string `json:"modified,omitempty"`
	ETag     string `json:"etag,omitempty"`
	Class    string `json:"storageClass,omitempty"`
}

// listObjects returns one page of a listing (never the whole bucket): the
// page asks for the next one with the continuation token.
func (c *Console) listObjects(w http.ResponseWriter, r *http.Request, s *session) {
	q := r.URL.Query()
	bucket, prefix, token := q.Get("bucket"), q.Get("prefix"), q.Get("token")
	if !plausibleBucket(bucket) || !validKey(prefix, true) || len(token) > 4096 {
		writeError(w, http.StatusBadRequest, "InvalidInput", "Bad bucket, prefix or page token.")
		return
	}
	in := &s3.ListObjectsV2Input{Bucket: &bucket, MaxKeys: aws.Int32(pageSize(q))}
	if prefix != "" {
		in.Prefix = &prefix
	}
	in.Delimiter = pageDelimiter(q)
	if token != "" {
		in.ContinuationToken = &token
	}
	out, err := c.s3Client(s).ListObjectsV2(r.Context(), in)
	if err != nil {
		writeAPIError(w, err)
		return
	}
	folders := []string{}
	for _, p := range out.CommonPrefixes {
		folders = append(folders, aws.ToString(p.Prefix))
	}
	objects := []objectJSON{}
	for _, o := range out.Contents {
		oj := objectJSON{Key: aws.ToString(o.Key), Size: aws.ToInt64(o.Size), ETag: aws.ToString(o.ETag), Class: string(o.StorageClass)}
		if o.LastModified != nil {
			oj.Modified = o.LastModified.UTC().Format(time.RFC3339)
		}
		objects = append(objects, oj)
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"folders": folders, "objects": objects,
		"next": aws.ToString(out.NextContinuationToken), "truncated": aws.ToBool(out.IsTruncated),
	})
}

// validKey bounds keys taken from requests: valid UTF-8, no NUL, at most
// 1,024 bytes; empty only where a prefix may be empty.
func validKey(k string, emptyOK bool) bool {
	if k == "" {
		return emptyOK
	}
	return len(k) <= maxKeyLen && utf8.ValidString(k) && !strings.ContainsRune(k, 0)
}

// objectDetails answers what HEAD and GetObjectTagging tell about one
// object, or about one version of it when versionId is given.
func (c *Console) objectDetails(w http.ResponseWriter, r *http.Request, s *session) {
	q := r.URL.Query()
	bucket, key, version := q.Get("bucket"), q.Get("key"), q.Get("versionId")
	if !plausibleBucket(bucket) || !validKey(key, false) || version != "" && !validVersionID(version) {
		writeError(w, http.StatusBadRequest, "InvalidInput", "Bad bucket, key or version id.")
		return
	}
	var vid *string
	if version != "" {
		vid = &version
	}
	cl := c.s3Client(s)
	h, err := cl.HeadObject(r.Context(), &s3.HeadObjectInput{Bucket: &bucket, Key: &key, VersionId: vid, ChecksumMode: types.ChecksumModeEnabled})
	if err != nil {
		writeAPIError(w, err)
		return
	}
	d := map[string]any{
		"key": key, "size": aws.ToInt64(h.ContentLength), "etag": aws.ToString(h.ETag),
		"contentType": aws.ToString(h.ContentType), "metadata": h.Metadata,
		"encryption": string(h.ServerSideEncryption), "kmsKeyId": aws.ToString(h.SSEKMSKeyId),
		"storageClass": string(h.StorageClass), "versionId": aws.ToString(h.VersionId),
		"checksums": checksums(h), "restore": aws.ToString(h.Restore),
		"archiveStatus": string(h.ArchiveStatus),
	}
	if h.LastModified != nil {
		d["modified"] = h.LastModified.UTC().Format(time.RFC3339)
	}
	if h.ObjectLockMode != "" {
		d["lockMode"] = string(h.ObjectLockMode)
	}
	if h.ObjectLockRetainUntilDate != nil {
		d["retainUntil"] = h.ObjectLockRetainUntilDate.UTC().Format(time.RFC3339)
	}
	if h.ObjectLockLegalHoldStatus != "" {
		d["legalHold"] = string(h.ObjectLockLegalHoldStatus)
	}
	tags := map[string]string{}
	if t, err := cl.GetObjectTagging(r.Context(), &s3.GetObjectTaggingInput{Bucket: &bucket, Key: &key, VersionId: vid}); err == nil {
		for _, tg := range t.TagSet {
			tags[aws.ToString(tg.Key)] = aws.ToString(tg.Value)
		}
	}
	d["tags"] = tags
	writeJSON(w, http.StatusOK, d)
}

func checksums(h *s3.HeadObjectOutput) map[string]string {
	m := map[string]string{}
	for name, v := range map[string]*string{
		"CRC32": h.ChecksumCRC32, "CRC32C": h.ChecksumCRC32C, "CRC64NVME": h.ChecksumCRC64NVME,
		"SHA1": h.ChecksumSHA1, "SHA256": h.ChecksumSHA256,
	} {
		if v != nil && *v != "" {
			m[name] = *v
		}
	}
	if h.ChecksumType != "" && len(m) > 0 {
		m["type"] = string(h.ChecksumType)
	}
	return m
}

type deleteInput struct {
	Bucket string   `json:"bucket"`
	Keys   []string `json:"keys"`
}

// deleteObjects deletes up to 1,000 keys in one DeleteObjects call and
// reports each failure.
func (c *Console) deleteObjects(w http.ResponseWriter, r *http.Request, s *session) {
	var in deleteInput
	if !decodeJSON(w, r, &in) {
		return
	}
	if !plausibleBucket(in.Bucket) || len(in.Keys) == 0 || len(in.Keys) > 1000 {
		writeError(w, http.StatusBadRequest, "InvalidInput", "Give a bucket and 1 to 1,000 keys.")
		return
	}
	ids := make([]types.ObjectIdentifier, 0, len(in.Keys))
	for _, k := range in.Keys {
		if !validKey(k, false) {
			writeError(w, http.StatusBadRequest, "InvalidInput", "A key is empty, too long or not valid UTF-8.")
			return
		}
		ids = append(ids, types.ObjectIdentifier{Key: aws.String(k)})
	}
	// Not quiet: on a versioned bucket the answer says which deletes only
	// wrote a delete marker, so the page can say the object is restorable.
	out, err := c.s3Client(s).DeleteObjects(r.Context(), &s3.DeleteObjectsInput{
		Bucket: &in.Bucket, Delete: &types.Delete{Objects: ids, Quiet: aws.Bool(false)},
	})
	if err != nil {
		writeAPIError(w, err)
		return
	}
	failed := []map[string]string{}
	for _, e := range out.Errors {
		failed = append(failed, map[string]string{"key": aws.ToString(e.Key), "code": aws.ToString(e.Code), "message": aws.ToString(e.Message)})
	}
	markers := 0
	for _, d := range out.Deleted {
		if aws.ToBool(d.DeleteMarker) && aws.ToString(d.VersionId) == "" {
			markers++
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"deleted": len(in.Keys) - len(failed), "markers": markers, "errors": failed})
}

type folderInput struct {
	Bucket string `json:"bucket"`
	Prefix string `json:"prefix"`
	Name   string `json:"name"`
}

// createFolder writes the zero-byte "prefix/name/" object S3 consoles use
// to show an empty folder.
func (c *Console) createFolder(w http.ResponseWriter, r *http.Request, s *session) {
	var in folderInput
	if !decodeJSON(w, r, &in) {
		return
	}
	name := strings.Trim(in.Name, "/")
	key := in.Prefix + name + "/"
	if !plausibleBucket(in.Bucket) || name == "" || strings.Contains(name, "/") || !validKey(key, false) {
		writeError(w, http.StatusBadRequest, "InvalidInput", "A folder name must be non-empty, without '/', and the whole key at most 1,024 bytes.")
		return
	}
	_, err := c.s3Client(s).PutObject(r.Context(), &s3.PutObjectInput{Bucket: &in.Bucket, Key: &key, Body: strings.NewReader("")})
	if err != nil {
		writeAPIError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"key": key})
}

type shareInput struct {
	Bucket    string `json:"bucket"`
	Key       string `json:"key"`
	VersionID string `json:"versionId"`
	Seconds   int    `json:"seconds"`
	Download  bool   `json:"download"`
}

// share presigns a GET for the object (or one version of it): a download (short-lived, saved as
// an attachment) or a share link with the chosen expiry (at most 7 days).
// The signature is the signed-in user's, so the link grants only what the
// user may read, and only while the user's key stays valid.
func (c *Console) share(w http.ResponseWriter, r *http.Request, s *session) {
	var in shareInput
	if !decodeJSON(w, r, &in) {
		return
	}
	exp := time.Duration(in.Seconds) * time.Second
	if in.Download {
		exp = 5 * time.Minute
	}
	if !plausibleBucket(in.Bucket) || !validKey(in.Key, false) || exp < time.Second || exp > maxShareExpiry ||
		in.VersionID != "" && !validVersionID(in.VersionID) {
		writeError(w, http.StatusBadRequest, "InvalidInput", "Give a bucket, a key, a valid version id if any, and an expiry from 1 second to 7 days.")
		return
	}
	if s.creds.SessionToken != "" && time.Until(s.expires) < exp {
		exp = time.Until(s.expires).Truncate(time.Second) // a link cannot outlive temporary credentials
	}
	get := &s3.GetObjectInput{Bucket: &in.Bucket, Key: &in.Key}
	if in.VersionID != "" {
		get.VersionId = &in.VersionID
	}
	if in.Download {
		name := in.Key[strings.LastIndex(in.Key, "/")+1:]
		get.ResponseContentDisposition = aws.String(contentDisposition(name))
	}
	req, err := c.presigner(r, s, exp).PresignGetObject(r.Context(), get)
	if err != nil {
		writeAPIError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"url": req.URL, "expires": time.Now().Add(exp).UTC().Format(time.RFC3339)})
}

// contentDisposition names the saved file, with an ASCII fallback and the
// exact name in RFC 5987 form.
func contentDisposition(name string) string {
	ascii := strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' {
			return '_'
		}
		return r
	}, name)
	return `attachment; filename="` + ascii + `"; filename*=UTF-8''` + pathEscape(name)
}

func pathEscape(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if ch >= 'A' && ch <= 'Z' || ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9' || strings.IndexByte("-_.~", ch) >= 0 {
			b.WriteByte(ch)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[ch>>4])
		b.WriteByte(hex[ch&15])
	}
	return b.String()
}

// pageSize is a listing page's size: the "size" parameter, 1 to 1000, or 200.
func pageSize(q url.Values) int32 {
	size, err := strconv.Atoi(q.Get("size"))
	if err != nil || size < 1 || size > 1000 {
		return 200
	}
	return int32(size)
}

// pageDelimiter lists a folder ("/") unless the page asks for a flat
// listing of everything under the prefix.
func pageDelimiter(q url.Values) *string {
	if q.Get("flat") == "1" {
		return nil
	}
	return aws.String("/")
}
