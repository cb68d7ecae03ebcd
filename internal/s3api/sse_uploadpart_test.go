package s3api_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// TestUploadPartRefusesSSEHeader: a multipart upload's encryption is set
// when it is created; S3 answers UploadPart carrying
// x-amz-server-side-encryption (of either kind) with 400 InvalidArgument,
// stores no part, and accepts the part sent without it.
func TestUploadPartRefusesSSEHeader(t *testing.T) {
	e := newEnv(t)
	id := e.createUpload("enc", func(in *s3.CreateMultipartUploadInput) { in.ServerSideEncryption = types.ServerSideEncryptionAes256 })
	target := "/" + e.bucket + "/enc?partNumber=1&uploadId=" + id
	for _, hdr := range []map[string]string{
		{"X-Amz-Server-Side-Encryption": "AES256"},
		{"X-Amz-Server-Side-Encryption": "aws:kms", "X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id": "alias/aws/s3"},
	} {
		d := e.signedDo("PUT", target, []byte("part body"), hdr).wantError(t, 400, "InvalidArgument")
		if d.Message != "x-amz-server-side-encryption header is not supported for this operation." {
			t.Errorf("message %q", d.Message)
		}
	}
	parts, err := e.c.ListParts(e.ctx, &s3.ListPartsInput{Bucket: &e.bucket, Key: strPtr("enc"), UploadId: &id})
	if err != nil || len(parts.Parts) != 0 {
		t.Fatalf("refused parts were stored: %v %+v", err, parts)
	}
	r := e.signedDo("PUT", target, []byte("part body"), nil)
	if r.status != 200 || r.header.Get("X-Amz-Server-Side-Encryption") != "AES256" {
		t.Fatalf("part without the header: %d %q %s", r.status, r.header.Get("X-Amz-Server-Side-Encryption"), r.body)
	}
}

func strPtr(s string) *string { return &s }
