package object

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestUsageConcurrentWorkload runs random writers of every kind on a few
// keys at once (so they collide), with folds running beside them, and
// then checks that the counters equal a full recount. With
// HOARD_TEST_META=postgres it runs on PostgreSQL, where the writers'
// transactions conflict and retry.
func TestUsageConcurrentWorkload(t *testing.T) {
	e := newEnv(t)
	e.minPartSize = 1
	for _, b := range []string{"bkt", "two"} {
		e.bucket(t, b)
	}
	if err := e.PutBucketVersioning(ctx, "bkt", VersioningEnabled); err != nil {
		t.Fatal(err)
	}
	const writers, ops = 4, 60
	var wg sync.WaitGroup
	errs := make(chan error, writers*ops)
	stop := make(chan struct{})
	folded := make(chan struct{})
	go func() {
		defer close(folded)
		for {
			select {
			case <-stop:
				return
			case <-time.After(time.Millisecond):
			}
			if _, err := e.FoldUsage(ctx); err != nil {
				errs <- fmt.Errorf("fold: %w", err)
			}
		}
	}()
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(w), 42))
			for i := range ops {
				if err := randomWrite(e, r, i); err != nil && strings.Contains(err.Error(), "usage") {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(stop)
	<-folded
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	for _, b := range []string{"bkt", "two"} {
		checkRecount(t, e.Service, b)
	}
}

var raceKeys = []string{"a/b/1", "a/b/2", "a/c/3", "d/4", "top"}

// randomWrite does one random write. Its errors are those of a busy
// store (a key deleted meanwhile, an upload completed by another
// writer); only a counter failure matters to the test.
func randomWrite(e *testEnv, r *rand.Rand, i int) error {
	bucket := []string{"bkt", "two"}[r.IntN(2)]
	key := raceKeys[r.IntN(len(raceKeys))]
	size := r.IntN(3000)
	switch op := r.IntN(10); op {
	case 0, 1, 2:
		class := []string{"", ClassStandardIA, ClassGlacierIR}[r.IntN(3)]
		_, err := e.PutObject(ctx, PutInput{Bucket: bucket, Key: key, Body: bytes.NewReader(make([]byte, size)),
			Size: int64(size), StorageClass: class})
		return err
	case 3:
		_, err := e.DeleteObject(ctx, DeleteInput{Bucket: bucket, Key: key})
		return err
	case 4:
		return deleteRandomVersion(e, r, bucket, key)
	case 5:
		_, err := e.CopyObject(ctx, CopyInput{SrcBucket: bucket, SrcKey: key, DstBucket: "two", DstKey: raceKeys[r.IntN(len(raceKeys))]})
		return err
	case 6:
		_, err := e.Transition(ctx, TransitionInput{Bucket: bucket, Key: key, StorageClass: ClassOneZoneIA})
		return err
	case 7:
		_, err := e.DeleteObjects(ctx, bucket, []DeleteInput{{Key: key}, {Key: raceKeys[r.IntN(len(raceKeys))]}})
		return err
	default:
		return randomUpload(e, r, bucket, key, size)
	}
}

func deleteRandomVersion(e *testEnv, r *rand.Rand, bucket, key string) error {
	vs, err := e.ListObjectVersions(ctx, ListVersionsInput{Bucket: bucket, Prefix: key, MaxKeys: 20})
	if err != nil || len(vs.Versions) == 0 {
		return err
	}
	v := vs.Versions[r.IntN(len(vs.Versions))]
	_, err = e.DeleteObject(ctx, DeleteInput{Bucket: bucket, Key: v.Key, VersionID: v.VersionID})
	return err
}

// randomUpload starts an upload, uploads parts, and completes, aborts or
// leaves it.
func randomUpload(e *testEnv, r *rand.Rand, bucket, key string, size int) error {
	up, err := e.CreateMultipartUpload(ctx, CreateMultipartInput{Bucket: bucket, Key: key})
	if err != nil {
		return err
	}
	var parts []*PartInfo
	for n := 1; n <= 1+r.IntN(3); n++ {
		p, err := e.UploadPart(context.Background(), UploadPartInput{Bucket: bucket, Key: key, UploadID: up.UploadID,
			PartNumber: n, Body: bytes.NewReader(make([]byte, size+n)), Size: int64(size + n)})
		if err != nil {
			return err
		}
		parts = append(parts, p)
	}
	switch r.IntN(3) {
	case 0:
		_, err = e.CompleteMultipartUpload(ctx, CompleteMultipartInput{Bucket: bucket, Key: key, UploadID: up.UploadID, Parts: completed(parts...)})
	case 1:
		err = e.AbortMultipartUpload(ctx, bucket, key, up.UploadID)
	}
	return err
}
