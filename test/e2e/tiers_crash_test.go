package e2e

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
)

const (
	crashTierObjects = 80
	crashTierMovers  = 6
)

// TestTransitionCrash kills the server (SIGKILL) while many objects move
// to a directory tier, then checks after a restart that every object
// reads back whole and that, once orphans are collected, each object's
// data exists exactly once: in one tier, not in two.
func TestTransitionCrash(t *testing.T) {
	cold := filepath.Join(t.TempDir(), "cold")
	args := []string{"--tier", "cold=dir:" + cold, "--class-tier", "STANDARD_IA=cold", "--orphan-grace", "1s"}
	p := startHoard(t, startOpts{args: args})
	c := p.client()
	b := "moving"
	createBucket(t, c, b)
	data := make([][]byte, crashTierObjects)
	for i := range data {
		data[i] = randomData(96<<10, uint64(100+i))
		putClass(t, c, b, fmt.Sprintf("k%03d", i), data[i], "")
	}
	var next, moved atomic.Int64
	acked := make([]atomic.Bool, crashTierObjects)
	var wg sync.WaitGroup
	for range crashTierMovers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= crashTierObjects {
					return
				}
				key := fmt.Sprintf("k%03d", i)
				src := b + "/" + key
				_, err := c.CopyObject(testContext(t), &s3.CopyObjectInput{Bucket: &b, Key: &key, CopySource: &src, StorageClass: "STANDARD_IA"})
				if err != nil {
					return // the server is gone
				}
				acked[i].Store(true)
				moved.Add(1)
			}
		}()
	}
	for moved.Load() < crashTierObjects/4 {
		time.Sleep(time.Millisecond)
	}
	p.kill()
	wg.Wait()
	if moved.Load() == crashTierObjects {
		t.Log("every transition finished before the kill; the crash hit none")
	}
	time.Sleep(1200 * time.Millisecond) // older than --orphan-grace
	p = startHoard(t, startOpts{dataDir: p.DataDir, args: args})
	c = p.client()
	for i := range data {
		key := fmt.Sprintf("k%03d", i)
		got, err := getBytes(t, c, b, key)
		if err != nil || !bytes.Equal(got, data[i]) {
			t.Fatalf("%s after the crash: %d bytes, %v", key, len(got), err)
		}
		h := headObject(t, c, b, key)
		if acked[i].Load() && h.StorageClass != "STANDARD_IA" {
			t.Errorf("%s: acknowledged move lost (class %q)", key, h.StorageClass)
		}
	}
	blobs := filepath.Join(p.DataDir, "blobs")
	deadline := time.Now().Add(15 * time.Second)
	for {
		hot, cool := blobFilesIn(t, blobs), blobFilesIn(t, cold)
		if hot+cool == crashTierObjects {
			t.Logf("after the crash: %d objects moved, %d data files in the data directory, %d in the tier", moved.Load(), hot, cool)
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d data files in the data directory and %d in the tier for %d objects: copies left in two tiers", hot, cool, crashTierObjects)
		}
		time.Sleep(200 * time.Millisecond)
	}
	// The remaining moves finish after the restart. A move the kill
	// interrupted holds its key for a few seconds more (409
	// OperationAborted meanwhile).
	for i := range data {
		key := fmt.Sprintf("k%03d", i)
		src := b + "/" + key
		retryUntil := time.Now().Add(15 * time.Second)
		for {
			_, err := c.CopyObject(testContext(t), &s3.CopyObjectInput{Bucket: &b, Key: aws.String(key), CopySource: &src, StorageClass: "STANDARD_IA"})
			var api smithy.APIError
			if err != nil && errors.As(err, &api) && api.ErrorCode() == "OperationAborted" && time.Now().Before(retryUntil) {
				time.Sleep(200 * time.Millisecond)
				continue
			}
			if err != nil {
				if h := headObject(t, c, b, key); h.StorageClass != "STANDARD_IA" {
					t.Fatalf("move %s after the restart: %v", key, err)
				}
			}
			break
		}
	}
	if hot, cool := blobFilesIn(t, blobs), blobFilesIn(t, cold); hot != 0 || cool != crashTierObjects {
		t.Errorf("after every move: %d data files in the data directory, %d in the tier", hot, cool)
	}
}
