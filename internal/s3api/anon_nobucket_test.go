package s3api_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// TestAnonymousMissingBucket: S3 tells an anonymous caller that a bucket
// does not exist (404 NoSuchBucket) rather than 403, also right after the
// bucket was deleted; an existing private bucket still answers 403, and
// an anonymous CreateBucket is refused.
func TestAnonymousMissingBucket(t *testing.T) {
	e := newEnv(t)
	gone := e.newBucket()
	if _, err := e.c.DeleteBucket(e.ctx, &s3.DeleteBucketInput{Bucket: aws.String(gone)}); err != nil {
		t.Fatalf("delete bucket: %v", err)
	}
	e.put("foo", "private")
	for _, tc := range []struct {
		method, path string
		status       int
		code         string
	}{
		{"GET", "/" + gone + "/foo", 404, "NoSuchBucket"},
		{"DELETE", "/" + gone + "/foo", 404, "NoSuchBucket"},
		{"PUT", "/" + gone + "/foo", 404, "NoSuchBucket"},
		{"GET", "/never-made-bucket?list-type=2", 404, "NoSuchBucket"},
		{"HEAD", "/never-made-bucket", 404, ""},
		{"PUT", "/never-made-bucket", 403, "AccessDenied"},
		{"GET", "/" + e.bucket + "/foo", 403, "AccessDenied"},
		{"GET", "/" + e.bucket + "/missing", 403, "AccessDenied"},
	} {
		req, err := http.NewRequestWithContext(e.ctx, tc.method, e.srv.URL+tc.path, strings.NewReader(""))
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", tc.method, tc.path, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.status || !strings.Contains(string(body), "<Code>"+tc.code+"</Code>") && tc.code != "" {
			t.Errorf("%s %s: %d %s, want %d %s", tc.method, tc.path, resp.StatusCode, body, tc.status, tc.code)
		}
	}
}
