package e2e

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// restoreArgs make restores take a second and a restore "day" last four.
var restoreArgs = []string{"--restore-delay", "Standard=1s", "--restore-delay", "Expedited=1s", "--restore-day", "4s"}

func randomData(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func putClass(t testing.TB, c *s3.Client, bucket, key string, data []byte, class types.StorageClass) {
	t.Helper()
	_, err := c.PutObject(testContext(t), &s3.PutObjectInput{Bucket: &bucket, Key: &key, Body: bytes.NewReader(data), StorageClass: class})
	if err != nil {
		t.Fatalf("put %s as %s: %v", key, class, err)
	}
}

func getBytes(t testing.TB, c *s3.Client, bucket, key string) ([]byte, error) {
	t.Helper()
	out, err := c.GetObject(testContext(t), &s3.GetObjectInput{Bucket: &bucket, Key: &key})
	if err != nil {
		return nil, err
	}
	defer out.Body.Close()
	return io.ReadAll(out.Body)
}

func headObject(t testing.TB, c *s3.Client, bucket, key string) *s3.HeadObjectOutput {
	t.Helper()
	h, err := c.HeadObject(testContext(t), &s3.HeadObjectInput{Bucket: &bucket, Key: &key})
	if err != nil {
		t.Fatalf("head %s: %v", key, err)
	}
	return h
}

// TestStorageClasses writes an object in every class and reads the class
// back from every operation that reports it.
func TestStorageClasses(t *testing.T) {
	p := startHoard(t, startOpts{})
	c := p.client()
	ctx := testContext(t)
	createBucket(t, c, "classes")
	b := "classes"
	classes := []types.StorageClass{"STANDARD", "REDUCED_REDUNDANCY", "STANDARD_IA", "ONEZONE_IA",
		"INTELLIGENT_TIERING", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE"}
	for i, class := range classes {
		data := randomData(100+i*40000, uint64(i))
		putClass(t, c, b, string(class), data, class)
		h := headObject(t, c, b, string(class))
		if want := class; class == "STANDARD" && h.StorageClass != "" || class != "STANDARD" && h.StorageClass != want {
			t.Errorf("HEAD %s: x-amz-storage-class %q", class, h.StorageClass)
		}
		got, err := getBytes(t, c, b, string(class))
		if class == "GLACIER" || class == "DEEP_ARCHIVE" {
			assertErrorCode(t, "GET of "+string(class), err, "InvalidObjectState")
			continue
		}
		if err != nil || !bytes.Equal(got, data) {
			t.Errorf("GET %s: %d bytes, %v", class, len(got), err)
		}
	}
	v2, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: &b})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range v2.Contents {
		if string(o.StorageClass) != *o.Key {
			t.Errorf("ListObjectsV2 %s: class %q", *o.Key, o.StorageClass)
		}
	}
	v1, err := c.ListObjects(ctx, &s3.ListObjectsInput{Bucket: &b})
	if err != nil || len(v1.Contents) != len(classes) {
		t.Fatalf("ListObjects: %v", err)
	}
	for _, o := range v1.Contents {
		if string(o.StorageClass) != *o.Key {
			t.Errorf("ListObjects %s: class %q", *o.Key, o.StorageClass)
		}
	}
	vs, err := c.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: &b})
	if err != nil || len(vs.Versions) != len(classes) {
		t.Fatalf("ListObjectVersions: %v", err)
	}
	for _, v := range vs.Versions {
		if string(v.StorageClass) != *v.Key {
			t.Errorf("ListObjectVersions %s: class %q", *v.Key, v.StorageClass)
		}
	}
	attrs, err := c.GetObjectAttributes(ctx, &s3.GetObjectAttributesInput{Bucket: &b, Key: aws.String("ONEZONE_IA"),
		ObjectAttributes: []types.ObjectAttributes{types.ObjectAttributesStorageClass}})
	if err != nil || attrs.StorageClass != "ONEZONE_IA" {
		t.Errorf("GetObjectAttributes: %v %v", attrs, err)
	}
	attrs, err = c.GetObjectAttributes(ctx, &s3.GetObjectAttributesInput{Bucket: &b, Key: aws.String("STANDARD"),
		ObjectAttributes: []types.ObjectAttributes{types.ObjectAttributesStorageClass}})
	if err != nil || attrs.StorageClass != "STANDARD" {
		t.Errorf("GetObjectAttributes of STANDARD: %v %v", attrs, err)
	}
	t.Run("copy", func(t *testing.T) { testCopyClasses(t, c, b) })
	t.Run("multipart", func(t *testing.T) { testMultipartClass(t, c, b) })
	t.Run("invalid", func(t *testing.T) { testInvalidClass(t, c, b) })
}

func testCopyClasses(t *testing.T, c *s3.Client, b string) {
	ctx := testContext(t)
	src := b + "/STANDARD_IA"
	if _, err := c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: &b, Key: aws.String("copied"), CopySource: &src, StorageClass: "GLACIER_IR"}); err != nil {
		t.Fatal(err)
	}
	if h := headObject(t, c, b, "copied"); h.StorageClass != "GLACIER_IR" {
		t.Errorf("copy with a class: %q", h.StorageClass)
	}
	// Without a class the copy is STANDARD, as on S3.
	if _, err := c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: &b, Key: aws.String("copied2"), CopySource: &src}); err != nil {
		t.Fatal(err)
	}
	if h := headObject(t, c, b, "copied2"); h.StorageClass != "" {
		t.Errorf("copy without a class: %q", h.StorageClass)
	}
	// Onto itself with a new class: allowed, the class changes.
	self := b + "/copied2"
	if _, err := c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: &b, Key: aws.String("copied2"), CopySource: &self, StorageClass: "ONEZONE_IA"}); err != nil {
		t.Fatal(err)
	}
	if h := headObject(t, c, b, "copied2"); h.StorageClass != "ONEZONE_IA" {
		t.Errorf("copy onto itself: %q", h.StorageClass)
	}
	// An archived source is refused until restored.
	arch := b + "/GLACIER"
	_, err := c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: &b, Key: aws.String("fromglacier"), CopySource: &arch})
	assertErrorCode(t, "copy of an archived object", err, "InvalidObjectState")
}

func testMultipartClass(t *testing.T, c *s3.Client, b string) {
	ctx := testContext(t)
	key := "mp"
	up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: &b, Key: &key, StorageClass: "STANDARD_IA"})
	if err != nil {
		t.Fatal(err)
	}
	data := randomData(6<<20, 9)
	var parts []types.CompletedPart
	for i, chunk := range [][]byte{data[:5<<20], data[5<<20:]} {
		n := int32(i + 1)
		out, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: &b, Key: &key, UploadId: up.UploadId, PartNumber: &n, Body: bytes.NewReader(chunk)})
		if err != nil {
			t.Fatal(err)
		}
		parts = append(parts, types.CompletedPart{ETag: out.ETag, PartNumber: &n, ChecksumCRC64NVME: out.ChecksumCRC64NVME})
	}
	lp, err := c.ListParts(ctx, &s3.ListPartsInput{Bucket: &b, Key: &key, UploadId: up.UploadId})
	if err != nil || lp.StorageClass != "STANDARD_IA" {
		t.Errorf("ListParts class %q, %v", lp.StorageClass, err)
	}
	lu, err := c.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: &b})
	if err != nil || len(lu.Uploads) != 1 || lu.Uploads[0].StorageClass != "STANDARD_IA" {
		t.Errorf("ListMultipartUploads: %+v %v", lu, err)
	}
	if _, err := c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: &b, Key: &key, UploadId: up.UploadId,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: parts}}); err != nil {
		t.Fatal(err)
	}
	if h := headObject(t, c, b, key); h.StorageClass != "STANDARD_IA" {
		t.Errorf("completed upload: class %q", h.StorageClass)
	}
	if got, err := getBytes(t, c, b, key); err != nil || !bytes.Equal(got, data) {
		t.Errorf("GET of the multipart object: %v", err)
	}
}

func testInvalidClass(t *testing.T, c *s3.Client, b string) {
	ctx := testContext(t)
	_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: &b, Key: aws.String("bad"), Body: strings.NewReader("x"), StorageClass: "COLD"})
	assertErrorCode(t, "PUT with a bad class", err, "InvalidStorageClass")
	src := b + "/STANDARD"
	_, err = c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: &b, Key: aws.String("bad"), CopySource: &src, StorageClass: "OUTPOSTS"})
	assertErrorCode(t, "copy with a bad class", err, "InvalidStorageClass")
	_, err = c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: &b, Key: aws.String("bad"), StorageClass: "EXPRESS_ONEZONE"})
	assertErrorCode(t, "CreateMultipartUpload with a bad class", err, "InvalidStorageClass")
	if _, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &b, Key: aws.String("bad")}); err == nil {
		t.Error("a refused write stored an object")
	}
	_, err = c.RestoreObject(ctx, &s3.RestoreObjectInput{Bucket: &b, Key: aws.String("STANDARD"), RestoreRequest: &types.RestoreRequest{Days: aws.Int32(1)}})
	assertErrorCode(t, "restore of a STANDARD object", err, "InvalidObjectState")
}

// restore asks for a restore and returns the HTTP status S3 answered.
func restore(t testing.TB, c *s3.Client, bucket, key string, days int32) error {
	t.Helper()
	_, err := c.RestoreObject(testContext(t), &s3.RestoreObjectInput{Bucket: &bucket, Key: &key,
		RestoreRequest: &types.RestoreRequest{Days: &days, GlacierJobParameters: &types.GlacierJobParameters{Tier: types.TierStandard}}})
	return err
}

// waitRestore polls HEAD until x-amz-restore says the restore is done.
func waitRestore(t testing.TB, c *s3.Client, bucket, key string, within time.Duration) *s3.HeadObjectOutput {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		h := headObject(t, c, bucket, key)
		if r := aws.ToString(h.Restore); strings.HasPrefix(r, `ongoing-request="false"`) {
			return h
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not restored within %v (x-amz-restore %q)", key, within, aws.ToString(h.Restore))
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// TestRestoreRoundTrip archives an object, restores it, reads it with the
// SDK and the aws CLI, and sees the restored copy expire.
func TestRestoreRoundTrip(t *testing.T) {
	p := startHoard(t, startOpts{args: restoreArgs})
	c := p.client()
	b := "archive"
	createBucket(t, c, b)
	data := randomData(300<<10, 3)
	putClass(t, c, b, "k", data, "GLACIER")
	if h := headObject(t, c, b, "k"); h.Restore != nil {
		t.Fatalf("x-amz-restore before any restore: %q", *h.Restore)
	}
	// Three "days" of four seconds: time enough for the clients below.
	if err := restore(t, c, b, "k", 3); err != nil {
		t.Fatalf("restore: %v", err)
	}
	if h := headObject(t, c, b, "k"); aws.ToString(h.Restore) != `ongoing-request="true"` {
		t.Errorf("x-amz-restore while restoring: %q", aws.ToString(h.Restore))
	}
	assertErrorCode(t, "second restore", restore(t, c, b, "k", 1), "RestoreAlreadyInProgress")
	_, err := getBytes(t, c, b, "k")
	assertErrorCode(t, "GET while restoring", err, "InvalidObjectState")
	h := waitRestore(t, c, b, "k", 10*time.Second)
	if !strings.Contains(aws.ToString(h.Restore), `expiry-date="`) || h.StorageClass != "GLACIER" {
		t.Errorf("restored: x-amz-restore %q, class %q", aws.ToString(h.Restore), h.StorageClass)
	}
	if got, err := getBytes(t, c, b, "k"); err != nil || !bytes.Equal(got, data) {
		t.Fatalf("GET after restore: %v", err)
	}
	if haveAWS() {
		cli := newAWSCLI(t, p)
		out, _, err := cli.shell("aws --endpoint-url " + p.URL + " s3 cp s3://archive/k - | sha256sum")
		if err != nil || !strings.HasPrefix(out, sha256hex(data)) {
			t.Errorf("aws s3 cp after restore: %q %v", out, err)
		}
	}
	if _, err := exec.LookPath("rclone"); err == nil {
		work := t.TempDir()
		rc := rcloneRunner(t, p, work)
		rc("copy", "hoard:archive/k", filepath.Join(work, "down"))
		if got, err := os.ReadFile(filepath.Join(work, "down", "k")); err != nil || !bytes.Equal(got, data) {
			t.Errorf("rclone copy after restore: %v", err)
		}
	}
	// A restore of a restored object answers 200 and sets a new expiry.
	raw := rawRestore(t, p, b, "k", 1)
	if raw != 200 {
		t.Errorf("restore of a restored object: HTTP %d, want 200", raw)
	}
	deadline := time.Now().Add(15 * time.Second)
	for {
		_, err := getBytes(t, c, b, "k")
		if err != nil {
			assertErrorCode(t, "GET after expiry", err, "InvalidObjectState")
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("restored copy never expired")
		}
		time.Sleep(300 * time.Millisecond)
	}
	for i := 0; ; i++ {
		if h := headObject(t, c, b, "k"); h.Restore == nil {
			break
		}
		if i > 20 {
			t.Fatal("x-amz-restore still sent after expiry")
		}
		time.Sleep(200 * time.Millisecond)
	}
	if raw := rawRestore(t, p, b, "k", 1); raw != 202 {
		t.Errorf("restore after expiry: HTTP %d, want 202", raw)
	}
	waitRestore(t, c, b, "k", 10*time.Second)
	if got, err := getBytes(t, c, b, "k"); err != nil || !bytes.Equal(got, data) {
		t.Fatalf("GET after the second restore: %v", err)
	}
}

// rawRestore asks for a restore and returns the HTTP status of the answer
// (the SDK hides 200 versus 202).
func rawRestore(t testing.TB, p *proc, bucket, key string, days int32) int {
	t.Helper()
	out, err := p.client().RestoreObject(testContext(t), &s3.RestoreObjectInput{Bucket: &bucket, Key: &key,
		RestoreRequest: &types.RestoreRequest{Days: &days}})
	if err != nil {
		t.Fatalf("restore %s: %v", key, err)
	}
	return awsmiddleware.GetRawResponse(out.ResultMetadata).(*smithyhttp.Response).StatusCode
}

func sha256hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}
