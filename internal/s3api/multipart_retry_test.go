package s3api_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/hoard-s3/hoard/internal/checksum"
)

// An SDK retries CompleteMultipartUpload when the first answer is lost:
// the retry must get the first answer while the object is the upload's.
func TestCompleteRetriedAfterSuccess(t *testing.T) {
	e := newEnv(t)
	id := e.createUpload("k", func(in *s3.CreateMultipartUploadInput) {
		in.ChecksumAlgorithm = types.ChecksumAlgorithmCrc32c
	})
	p1, p2 := partBytes(1, 5*mib), partBytes(2, 100)
	parts := e.uploadAll("k", id, [][]byte{p1, p2})
	for i, p := range [][]byte{p1, p2} {
		parts[i].ChecksumCRC32C = aws.String(sumOf(checksum.CRC32C, string(p)))
	}
	first, err := e.complete("k", id, parts)
	wantNoErr(t, err)
	again, err := e.complete("k", id, parts)
	wantNoErr(t, err)
	if aws.ToString(again.ETag) != multipartETag(p1, p2) || aws.ToString(again.ETag) != aws.ToString(first.ETag) ||
		aws.ToString(again.ChecksumCRC32C) != aws.ToString(first.ChecksumCRC32C) || again.ChecksumType != types.ChecksumTypeComposite {
		t.Fatalf("retry answered ETag %s checksum %s type %s; first %s %s", aws.ToString(again.ETag),
			aws.ToString(again.ChecksumCRC32C), again.ChecksumType, aws.ToString(first.ETag), aws.ToString(first.ChecksumCRC32C))
	}
	// A part read names the part's checksum and the object's type.
	part, body, err := e.get("k", func(in *s3.GetObjectInput) {
		in.PartNumber, in.ChecksumMode = aws.Int32(2), types.ChecksumModeEnabled
	})
	wantNoErr(t, err)
	if body != string(p2) || aws.ToString(part.ChecksumCRC32C) != sumOf(checksum.CRC32C, string(p2)) || part.ChecksumType != types.ChecksumTypeComposite {
		t.Fatalf("part 2: %d bytes, checksum %s type %s", len(body), aws.ToString(part.ChecksumCRC32C), part.ChecksumType)
	}
	head, err := e.c.HeadObject(e.ctx, &s3.HeadObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("k"), ChecksumMode: types.ChecksumModeEnabled})
	wantNoErr(t, err)
	if aws.ToString(head.ChecksumCRC32C) != aws.ToString(first.ChecksumCRC32C) || head.ChecksumType != types.ChecksumTypeComposite {
		t.Fatalf("head: checksum %s type %s", aws.ToString(head.ChecksumCRC32C), head.ChecksumType)
	}
	e.put("k", "replaced")
	_, err = e.complete("k", id, parts)
	wantStatusCode(t, err, 404, "NoSuchUpload")
	if e.mustGet("k") != "replaced" {
		t.Fatal("a retried complete changed the object")
	}
}

// Re-uploading part 1 while its first upload is still in flight: the list
// names both, the one that finished last is the part.
func TestCompleteListsPartTwice(t *testing.T) {
	e := newEnv(t)
	id := e.createUpload("k")
	b, err := e.uploadPart("k", id, 1, []byte("BBBBBBBB"))
	wantNoErr(t, err)
	a, err := e.uploadPart("k", id, 1, []byte("AAAAAAAA"))
	wantNoErr(t, err)
	_, err = e.complete("k", id, []types.CompletedPart{
		{PartNumber: aws.Int32(1), ETag: b.ETag}, {PartNumber: aws.Int32(1), ETag: a.ETag},
	})
	wantNoErr(t, err)
	if got := e.mustGet("k"); got != "AAAAAAAA" {
		t.Fatalf("object holds %q", got)
	}
}

func TestCompleteEmptyBody(t *testing.T) {
	e := newEnv(t)
	id := e.createUpload("k")
	for _, body := range []string{"", "  \n"} {
		r := e.signedDo("POST", "/"+e.bucket+"/k?uploadId="+id, []byte(body), nil)
		r.wantError(t, 400, "MalformedXML")
	}
	if !strings.Contains(string(e.signedDo("GET", "/"+e.bucket+"/k?uploadId="+id, nil, nil).body), id) {
		t.Fatal("the upload is gone after a refused complete")
	}
}
