package s3api_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/hoard-s3/hoard/internal/testserver"
)

// TestEmptyBodyWithUnsignedTrailer is what boto3 sends over HTTPS for an
// empty object: an unsigned aws-chunked body of only the final chunk and
// the trailing checksum, with and without a Content-Length.
func TestEmptyBodyWithUnsignedTrailer(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct {
		name, crc string
		chunked   bool
		status    int
	}{
		{"content-length", "AAAAAA==", false, 200},
		{"transfer-encoding", "AAAAAA==", true, 200},
		{"wrong-checksum", "BBBBBB==", false, 400},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := "0\r\nx-amz-checksum-crc32:" + tc.crc + "\r\n\r\n"
			req, _ := http.NewRequest("PUT", e.srv.URL+"/"+e.bucket+"/"+tc.name, strings.NewReader(body))
			req.Header.Set("X-Amz-Content-Sha256", "STREAMING-UNSIGNED-PAYLOAD-TRAILER")
			req.Header.Set("Content-Encoding", "aws-chunked")
			req.Header.Set("X-Amz-Trailer", "x-amz-checksum-crc32")
			req.Header.Set("X-Amz-Decoded-Content-Length", "0")
			if tc.chunked {
				req.ContentLength, req.TransferEncoding = -1, []string{"chunked"}
			}
			creds := aws.Credentials{AccessKeyID: testserver.AccessKey, SecretAccessKey: testserver.SecretKey}
			if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, "STREAMING-UNSIGNED-PAYLOAD-TRAILER", "s3", testserver.Region, time.Now()); err != nil {
				t.Fatal(err)
			}
			resp, err := e.srv.HTTPClient().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tc.status, b)
			}
			head, err := e.c.HeadObject(e.ctx, &s3.HeadObjectInput{Bucket: aws.String(e.bucket), Key: aws.String(tc.name)})
			if tc.status != 200 {
				if httpStatus(err) != 404 {
					t.Fatalf("refused PUT left an object: %v", err)
				}
				return
			}
			wantNoErr(t, err)
			if aws.ToInt64(head.ContentLength) != 0 {
				t.Fatalf("size %d", aws.ToInt64(head.ContentLength))
			}
		})
	}
}
