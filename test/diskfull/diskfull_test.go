// Package diskfull fills a small file system made for the test (a tmpfs
// mount; the test needs root and skips without it) and checks how the
// server behaves: uploads that do not fit answer 507 XHoardStorageFull and
// leave nothing behind, reads and listings keep working, small metadata
// writes still land (the data files leave a reserve to the metadata
// engine), and uploads succeed again once space is freed. A restart on a
// disk still full fails at once with a clear message; SIGTERM stops a
// start-up that hangs.
package diskfull

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/hoard-s3/hoard/internal/testserver"
)

const fsSize = 512 << 20

func mountTmpfs(t *testing.T, size int) string {
	dir := t.TempDir()
	out, err := exec.Command("mount", "-t", "tmpfs", "-o", fmt.Sprintf("size=%d", size), "tmpfs", dir).CombinedOutput()
	if err != nil {
		t.Skipf("cannot mount a %d MiB tmpfs for the disk-full test (needs root): %v: %s", size>>20, err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", dir, err, out)
		}
	})
	return dir
}

func TestDiskFull(t *testing.T) {
	mnt := mountTmpfs(t, fsSize)
	data := filepath.Join(mnt, "data")
	// Registered after the unmount so that it runs first.
	srv := testserver.Start(t, testserver.WithDataDir(data))
	c := srv.Client(func(o *s3.Options) { o.Retryer = aws.NopRetryer{} })
	ctx := testserver.Context(t)
	mustPut := func(key string, body []byte) {
		t.Helper()
		if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("full"), Key: aws.String(key), Body: bytes.NewReader(body)}); err != nil {
			t.Fatalf("put %s: %v", key, err)
		}
	}
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("full")}); err != nil {
		t.Fatal(err)
	}
	small := []byte("small object kept inline in metadata")
	mustPut("small", small)
	big := bytes.Repeat([]byte("0123456789abcdef"), 1<<16) // 1 MiB: a data file
	mustPut("big", big)

	// Fill the disk with 8 MiB uploads until one is refused.
	chunk := bytes.Repeat([]byte{0xA5}, 8<<20)
	filled := 0
	for ; filled < fsSize/len(chunk)+1; filled++ {
		_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("full"), Key: aws.String(fmt.Sprintf("fill/%03d", filled)), Body: bytes.NewReader(chunk)})
		if err == nil {
			continue
		}
		expectStorageFull(t, err)
		break
	}
	if filled == 0 || filled > fsSize/len(chunk) {
		t.Fatalf("%d uploads of 8 MiB before the disk was full", filled)
	}
	t.Logf("disk full after %d uploads of 8 MiB", filled)

	// Nothing half-written: no temporary data file, and exactly one data
	// file per stored large object.
	if tmp, _ := os.ReadDir(filepath.Join(data, "blobs", "tmp")); len(tmp) != 0 {
		t.Errorf("%d temporary data files left after the refused upload", len(tmp))
	}
	if n := countBlobs(t, filepath.Join(data, "blobs")); n != filled+1 {
		t.Errorf("%d data files, want %d", n, filled+1)
	}
	if _, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("full"), Key: aws.String(fmt.Sprintf("fill/%03d", filled))}); err == nil {
		t.Errorf("the refused upload is visible")
	}

	// A multipart part that does not fit is refused the same way.
	up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("full"), Key: aws.String("mp")})
	if err != nil {
		t.Fatalf("create upload on a full disk: %v", err)
	}
	_, err = c.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String("full"), Key: aws.String("mp"), UploadId: up.UploadId,
		PartNumber: aws.Int32(1), Body: bytes.NewReader(chunk)})
	expectStorageFull(t, err)

	// Reads, listings and small (metadata-only) writes keep working.
	expectBody(t, c, ctx, "small", small)
	expectBody(t, c, ctx, "big", big)
	expectBody(t, c, ctx, "fill/000", chunk)
	list, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("full"), Prefix: aws.String("fill/")})
	if err != nil || len(list.Contents) != filled {
		t.Fatalf("list on a full disk: %v, %d keys, want %d", err, len(list.Contents), filled)
	}
	mustPut("small-2", small)
	expectBody(t, c, ctx, "small-2", small)

	// Free space; large uploads succeed again.
	for i := 0; i < 4; i++ {
		if _, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("full"), Key: aws.String(fmt.Sprintf("fill/%03d", i))}); err != nil {
			t.Fatalf("delete on a full disk: %v", err)
		}
	}
	mustPut("after", chunk)
	expectBody(t, c, ctx, "after", chunk)
	if _, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String("full"), Key: aws.String("mp"), UploadId: up.UploadId,
		PartNumber: aws.Int32(1), Body: bytes.NewReader(chunk)}); err != nil {
		t.Fatalf("upload part after freeing space: %v", err)
	}
}

func expectStorageFull(t *testing.T, err error) {
	t.Helper()
	var api smithy.APIError
	var resp *smithyhttp.ResponseError
	if !errors.As(err, &api) || api.ErrorCode() != "XHoardStorageFull" || !errors.As(err, &resp) || resp.HTTPStatusCode() != 507 {
		t.Fatalf("upload on a full disk: %v; want 507 XHoardStorageFull", err)
	}
}

func expectBody(t *testing.T, c *s3.Client, ctx context.Context, key string, want []byte) {
	t.Helper()
	out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("full"), Key: aws.String(key)})
	if err != nil {
		t.Fatalf("get %s: %v", key, err)
	}
	defer out.Body.Close()
	got, err := io.ReadAll(out.Body)
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("get %s: %d bytes, err %v; want %d bytes", key, len(got), err, len(want))
	}
}

// countBlobs counts committed data files (root/aa/bb/<id>).
func countBlobs(t *testing.T, root string) int {
	matches, err := filepath.Glob(filepath.Join(root, "??", "??", "*"))
	if err != nil {
		t.Fatal(err)
	}
	return len(matches)
}
