package s3api_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// TestContentEncodingKeptAsSent: S3 stores Content-Encoding as the client
// wrote it and drops only the aws-chunked token, which describes the
// transfer.
func TestContentEncodingKeptAsSent(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct{ sent, want string }{
		{"gzip", "gzip"},
		{"deflate, gzip", "deflate, gzip"},
		{"deflate,gzip", "deflate,gzip"},
		{"gzip, aws-chunked", "gzip"},
		{"aws-chunked, deflate,gzip", "deflate, gzip"},
		{"aws-chunked", ""},
		{"aws-chunked, aws-chunked", ""},
	} {
		e.put("enc", "body", func(in *s3.PutObjectInput) { in.ContentEncoding = aws.String(tc.sent) })
		out, err := e.c.HeadObject(e.ctx, &s3.HeadObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("enc")})
		if err != nil {
			t.Fatalf("head after %q: %v", tc.sent, err)
		}
		if got := aws.ToString(out.ContentEncoding); got != tc.want {
			t.Errorf("Content-Encoding %q stored as %q, want %q", tc.sent, got, tc.want)
		}
	}
}
