package e2e

import (
	"bytes"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

const (
	lcCrashSingles   = 150
	lcCrashMultipart = 3
)

// TestLifecycleTransitionCrash kills the server (SIGKILL) while its
// lifecycle worker moves many objects, multipart ones among them, to a
// directory tier; after a restart every object reads back whole, and
// once orphans are collected each data file exists exactly once, in one
// tier or the other.
func TestLifecycleTransitionCrash(t *testing.T) {
	cold := filepath.Join(t.TempDir(), "cold")
	args := []string{"--tier", "cold=dir:" + cold, "--class-tier", "GLACIER_IR=cold",
		"--orphan-grace", "1s", "--lifecycle-day", "1s"}
	p := startHoard(t, startOpts{args: args})
	c := p.client()
	b := "aging"
	createBucket(t, c, b)
	want := map[string][]byte{}
	files := 0
	for i := range lcCrashSingles {
		key := fmt.Sprintf("s%03d", i)
		want[key] = randomData(130<<10, uint64(300+i))
		putClass(t, c, b, key, want[key], "")
		files++
	}
	for i := range lcCrashMultipart {
		key := fmt.Sprintf("m%d", i)
		want[key] = putMultipart(t, c, b, key, uint64(i))
		files += 2
	}
	_, err := c.PutBucketLifecycleConfiguration(testContext(t), &s3.PutBucketLifecycleConfigurationInput{Bucket: &b,
		LifecycleConfiguration: &types.BucketLifecycleConfiguration{Rules: []types.LifecycleRule{{
			ID: aws.String("cool"), Status: types.ExpirationStatusEnabled, Filter: &types.LifecycleRuleFilter{Prefix: aws.String("")},
			Transitions: []types.Transition{{Days: aws.Int32(0), StorageClass: types.TransitionStorageClassGlacierIr}},
		}}}})
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for blobFilesIn(t, cold) < files/4 {
		if time.Now().After(deadline) {
			t.Fatal("the worker moved nothing")
		}
		time.Sleep(time.Millisecond)
	}
	p.kill()
	movedAtKill := blobFilesIn(t, cold)
	if movedAtKill >= files {
		t.Log("every transition finished before the kill; the crash hit none")
	}
	time.Sleep(1200 * time.Millisecond) // older than --orphan-grace
	p = startHoard(t, startOpts{dataDir: p.DataDir, args: args})
	c = p.client()
	for key, data := range want {
		got, err := getBytes(t, c, b, key)
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("%s after the crash: %d bytes, %v", key, len(got), err)
		}
		if h := headObject(t, c, b, key); h.StorageClass != "" && h.StorageClass != types.StorageClassGlacierIr {
			t.Fatalf("%s: class %q", key, h.StorageClass)
		}
	}
	blobs := filepath.Join(p.DataDir, "blobs")
	deadline = time.Now().Add(8 * time.Second)
	for {
		hot, cool := blobFilesIn(t, blobs), blobFilesIn(t, cold)
		if hot+cool == files {
			t.Logf("%d of %d data files in the tier at the kill; after the restart %d in the data directory, %d in the tier",
				movedAtKill, files, hot, cool)
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d data files in the data directory and %d in the tier for %d: copies left in two tiers", hot, cool, files)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// putMultipart uploads a two-part object (5 MiB and 100 KiB) and returns
// its data.
func putMultipart(t *testing.T, c *s3.Client, b, key string, seed uint64) []byte {
	t.Helper()
	ctx := testContext(t)
	up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: &b, Key: &key})
	if err != nil {
		t.Fatal(err)
	}
	parts := [][]byte{randomData(5<<20, seed+900), randomData(100<<10, seed+950)}
	var done []types.CompletedPart
	for i, p := range parts {
		n := int32(i + 1)
		out, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: &b, Key: &key, UploadId: up.UploadId, PartNumber: &n, Body: bytes.NewReader(p)})
		if err != nil {
			t.Fatal(err)
		}
		done = append(done, types.CompletedPart{PartNumber: &n, ETag: out.ETag})
	}
	_, err = c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: &b, Key: &key, UploadId: up.UploadId,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: done}})
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Join(parts, nil)
}
