package e2e

import (
	"bytes"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// awsMultipartConfig makes the CLI split at 5 MiB ("MB" is binary to the
// aws CLI) and keep six requests in flight, as a mobile or browser client
// uploading parts in parallel would.
const awsMultipartConfig = `[default]
region = us-east-1
s3 =
  multipart_chunksize = 5MB
  multipart_threshold = 5MB
  max_concurrent_requests = 6
`

// TestAWSCLIMultipart200MB copies 200 MiB up and down with the aws CLI in
// 5 MiB parts, six at a time: 40 parts up, 40 ranged GETs down.
func TestAWSCLIMultipart200MB(t *testing.T) {
	if !haveAWS() {
		t.Skip("aws CLI not on PATH; skipping (CI installs it)")
	}
	const size = 200 << 20
	p := startHoard(t, startOpts{})
	work := t.TempDir()
	cfg := filepath.Join(work, "config")
	if err := os.WriteFile(cfg, []byte(awsMultipartConfig), 0o600); err != nil {
		t.Fatal(err)
	}
	cli := newAWSCLI(t, p).withEnv("AWS_CONFIG_FILE=" + cfg)
	src, dst := filepath.Join(work, "up.bin"), filepath.Join(work, "down.bin")
	// Two files of 200 MiB plus the server's copy: removed as soon as done.
	defer os.Remove(src)
	defer os.Remove(dst)
	want := writeRandomFile(t, src, size, 3)

	cli.run("s3", "mb", "s3://cli-bucket")
	cli.run("s3", "cp", "--no-progress", src, "s3://cli-bucket/big.bin")
	if etag := headSizeETag(t, cli, "big.bin", size); !strings.HasSuffix(etag, `-40"`) {
		t.Errorf("ETag %s, want the 40-part form (200 MiB in 5 MiB parts)", etag)
	}
	cli.run("s3", "cp", "--no-progress", "s3://cli-bucket/big.bin", dst)
	if got := fileSHA256(t, dst); got != want {
		t.Errorf("200 MiB object came back with SHA-256 %s, want %s", got, want)
	}
	cli.run("s3", "rm", "s3://cli-bucket/big.bin")
}

// TestMultipartSpaceFreed checks that the data files of parts go away when
// they can no longer be read: replaced parts, aborted uploads, parts left
// out of Complete, and the parts of a deleted multipart object.
func TestMultipartSpaceFreed(t *testing.T) {
	const bucket = "mpspace"
	p := startHoard(t, startOpts{})
	c := p.client()
	createBucket(t, c, bucket)
	_, base := countBlobFiles(t, p.DataDir)
	expectFiles := func(want int, what string) {
		t.Helper()
		waitFor(t, 5*time.Second, fmt.Sprintf("%d data files %s", want, what), func() bool {
			_, n := countBlobFiles(t, p.DataDir)
			return n == want
		})
	}

	id := createUpload(t, c, bucket, "aborted")
	for n := 1; n <= 4; n++ {
		uploadPart(t, c, bucket, "aborted", id, mpPartSpec{seed: 1, number: n, size: 5 << 20})
	}
	expectFiles(base+4, "after four parts")
	uploadPart(t, c, bucket, "aborted", id, mpPartSpec{seed: 2, number: 2, size: 5 << 20})
	expectFiles(base+4, "after part 2 was replaced")
	if _, err := c.AbortMultipartUpload(testContext(t), &s3.AbortMultipartUploadInput{
		Bucket: aws.String(bucket), Key: aws.String("aborted"), UploadId: aws.String(id)}); err != nil {
		t.Fatalf("AbortMultipartUpload: %v", err)
	}
	expectFiles(base, "after the abort")

	id = createUpload(t, c, bucket, "completed")
	specs := make([]mpPartSpec, 4)
	etags := make([]string, 4)
	for i := range specs {
		specs[i] = mpPartSpec{seed: 3, number: i + 1, size: 5 << 20}
		etags[i] = uploadPart(t, c, bucket, "completed", id, specs[i])
	}
	expectFiles(base+4, "after four parts")
	// Parts 2 and 4 are left out; the object is parts 1 and 3.
	kept := []mpPartSpec{specs[0], specs[2]}
	completeUpload(t, c, bucket, "completed", id, kept, []string{etags[0], etags[2]})
	expectFiles(base+2, "after completing with two of four parts")
	if err := verifyObject(t, c, bucket, "completed", kept); err != nil {
		t.Error(err)
	}
	if _, err := c.DeleteObject(testContext(t), &s3.DeleteObjectInput{
		Bucket: aws.String(bucket), Key: aws.String("completed")}); err != nil {
		t.Fatalf("DeleteObject: %v", err)
	}
	expectFiles(base, "after deleting the multipart object")
}

// mpPartSpec names one deterministic part body: its content follows from
// seed and number, so the tests keep no copy of what they sent.
type mpPartSpec struct{ seed, number, size int }

func (s mpPartSpec) body() []byte {
	b := make([]byte, s.size)
	_, _ = rand.NewChaCha8([32]byte{'m', 'p', byte(s.seed), byte(s.seed >> 8), byte(s.number), byte(s.number >> 8)}).Read(b)
	return b
}

// etag is the part's ETag: the quoted hex MD5 of its body.
func (s mpPartSpec) etag() string {
	sum := md5.Sum(s.body())
	return `"` + hex.EncodeToString(sum[:]) + `"`
}

// expectedObject returns the SHA-256, multipart ETag and size of the object
// that completing with parts yields.
func expectedObject(parts []mpPartSpec) (sha string, etag string, size int64) {
	h, md5s := sha256.New(), md5.New()
	for _, s := range parts {
		b := s.body()
		h.Write(b)
		sum := md5.Sum(b)
		md5s.Write(sum[:])
		size += int64(len(b))
	}
	return hex.EncodeToString(h.Sum(nil)), fmt.Sprintf(`"%s-%d"`, hex.EncodeToString(md5s.Sum(nil)), len(parts)), size
}

func createUpload(t testing.TB, c *s3.Client, bucket, key string) string {
	t.Helper()
	out, err := c.CreateMultipartUpload(testContext(t), &s3.CreateMultipartUploadInput{
		Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		t.Fatalf("CreateMultipartUpload %s: %v", key, err)
	}
	return aws.ToString(out.UploadId)
}

// uploadPart uploads s and checks the ETag answered; it returns the ETag.
func uploadPart(t testing.TB, c *s3.Client, bucket, key, id string, s mpPartSpec) string {
	t.Helper()
	out, err := c.UploadPart(testContext(t), &s3.UploadPartInput{Bucket: aws.String(bucket), Key: aws.String(key),
		UploadId: aws.String(id), PartNumber: aws.Int32(int32(s.number)), Body: bytes.NewReader(s.body())})
	if err != nil {
		t.Fatalf("UploadPart %s #%d: %v", key, s.number, err)
	}
	if got, want := aws.ToString(out.ETag), s.etag(); got != want {
		t.Errorf("UploadPart %s #%d: ETag %s, want %s", key, s.number, got, want)
	}
	return aws.ToString(out.ETag)
}

func completeUpload(t testing.TB, c *s3.Client, bucket, key, id string, parts []mpPartSpec, etags []string) {
	t.Helper()
	done := make([]types.CompletedPart, len(parts))
	for i, s := range parts {
		done[i] = types.CompletedPart{PartNumber: aws.Int32(int32(s.number)), ETag: aws.String(etags[i])}
	}
	out, err := c.CompleteMultipartUpload(testContext(t), &s3.CompleteMultipartUploadInput{
		Bucket: aws.String(bucket), Key: aws.String(key), UploadId: aws.String(id),
		MultipartUpload: &types.CompletedMultipartUpload{Parts: done}})
	if err != nil {
		t.Fatalf("CompleteMultipartUpload %s: %v", key, err)
	}
	if _, etag, _ := expectedObject(parts); aws.ToString(out.ETag) != etag {
		t.Errorf("CompleteMultipartUpload %s: ETag %s, want %s", key, aws.ToString(out.ETag), etag)
	}
}

// verifyObject reads key and compares it with the parts it was completed
// from: content, size and ETag.
func verifyObject(t testing.TB, c *s3.Client, bucket, key string, parts []mpPartSpec) error {
	wantSHA, wantETag, wantSize := expectedObject(parts)
	out, err := c.GetObject(testContext(t), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		return fmt.Errorf("get %s: %w", key, err)
	}
	defer out.Body.Close()
	h := sha256.New()
	n, err := io.Copy(h, out.Body)
	if err != nil {
		return fmt.Errorf("read %s: %w", key, err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); n != wantSize || got != wantSHA {
		return fmt.Errorf("%s: %d bytes with SHA-256 %s, want %d bytes with %s", key, n, got, wantSize, wantSHA)
	}
	if got := aws.ToString(out.ETag); got != wantETag {
		return fmt.Errorf("%s: ETag %s, want %s", key, got, wantETag)
	}
	return nil
}
