package console

import (
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

type bucketJSON struct {
	Name    string `json:"name"`
	Created string `json:"created,omitempty"`
}

func (c *Console) listBuckets(w http.ResponseWriter, r *http.Request, s *session) {
	out := []bucketJSON{}
	p := s3.NewListBucketsPaginator(c.s3Client(s), &s3.ListBucketsInput{MaxBuckets: aws.Int32(1000)})
	for p.HasMorePages() && len(out) < 10000 {
		page, err := p.NextPage(r.Context())
		if err != nil {
			writeAPIError(w, err)
			return
		}
		for _, b := range page.Buckets {
			bj := bucketJSON{Name: aws.ToString(b.Name)}
			if b.CreationDate != nil {
				bj.Created = b.CreationDate.UTC().Format(time.RFC3339)
			}
			out = append(out, bj)
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"buckets": out})
}

type bucketInput struct {
	Name string `json:"name"`
	// ObjectLock creates the bucket with object lock (and so versioning).
	ObjectLock bool `json:"objectLock,omitempty"`
}

func (c *Console) createBucket(w http.ResponseWriter, r *http.Request, s *session) {
	var in bucketInput
	if !decodeJSON(w, r, &in) {
		return
	}
	if msg := bucketNameProblem(in.Name); msg != "" {
		writeError(w, http.StatusBadRequest, "InvalidBucketName", msg)
		return
	}
	cb := &s3.CreateBucketInput{Bucket: aws.String(in.Name)}
	if in.ObjectLock {
		cb.ObjectLockEnabledForBucket = aws.Bool(true)
	}
	if _, err := c.s3Client(s).CreateBucket(r.Context(), cb); err != nil {
		writeAPIError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"name": in.Name})
}

// deleteBucket deletes an empty bucket; S3 refuses a non-empty one and the
// page says what to do about it.
func (c *Console) deleteBucket(w http.ResponseWriter, r *http.Request, s *session) {
	var in bucketInput
	if !decodeJSON(w, r, &in) {
		return
	}
	if !plausibleBucket(in.Name) {
		writeError(w, http.StatusBadRequest, "InvalidBucketName", "That is not a bucket name.")
		return
	}
	_, err := c.s3Client(s).DeleteBucket(r.Context(), &s3.DeleteBucketInput{Bucket: aws.String(in.Name)})
	if apiCode(err) == "BucketNotEmpty" {
		writeError(w, http.StatusConflict, "BucketNotEmpty",
			"The bucket is not empty: delete its objects (and abort its unfinished uploads) first, then delete the bucket.")
		return
	}
	if err != nil {
		writeAPIError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
}

// bucketNameProblem explains, in S3's rules, why name is not a valid
// bucket name ("" when it is).
func bucketNameProblem(name string) string {
	switch {
	case len(name) < 3 || len(name) > 63:
		return "Bucket names must be between 3 and 63 characters long."
	case strings.Trim(name, "abcdefghijklmnopqrstuvwxyz0123456789.-") != "":
		return "Bucket names can consist only of lowercase letters, numbers, dots (.) and hyphens (-)."
	case !alnum(name[0]) || !alnum(name[len(name)-1]):
		return "Bucket names must begin and end with a letter or number."
	case strings.Contains(name, ".."):
		return "Bucket names must not contain two adjacent periods."
	case net.ParseIP(name) != nil:
		return "Bucket names must not be formatted as an IP address (for example, 192.168.5.4)."
	case strings.HasPrefix(name, "xn--") || strings.HasPrefix(name, "sthree-") || strings.HasPrefix(name, "amzn-s3-demo-"):
		return "Bucket names must not start with the prefix xn--, sthree- or amzn-s3-demo-."
	case strings.HasSuffix(name, "-s3alias") || strings.HasSuffix(name, "--ol-s3") || strings.HasSuffix(name, ".mrap") || strings.HasSuffix(name, "--x-s3"):
		return "Bucket names must not end with the suffix -s3alias, --ol-s3, .mrap or --x-s3."
	}
	return ""
}

func alnum(b byte) bool { return b >= 'a' && b <= 'z' || b >= '0' && b <= '9' }

// plausibleBucket bounds bucket names taken from requests for reads and
// deletes (legacy names may break today's creation rules).
func plausibleBucket(name string) bool {
	return len(name) >= 1 && len(name) <= 255 && !strings.ContainsAny(name, "/?#\x00")
}
