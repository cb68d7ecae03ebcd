package lifecycle_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hoard-s3/hoard/internal/blob"
	"github.com/hoard-s3/hoard/internal/lifecycle"
	"github.com/hoard-s3/hoard/internal/meta/pebblemeta"
	"github.com/hoard-s3/hoard/internal/object"
)

type engines struct {
	store *pebblemeta.Store
	svc   *object.Service
}

func openEngines(t *testing.T, dir string) *engines {
	t.Helper()
	store, err := pebblemeta.OpenWith(filepath.Join(dir, "meta"), pebblemeta.Options{})
	if err != nil {
		t.Fatal(err)
	}
	blobs, err := blob.OpenDir(filepath.Join(dir, "blobs"), blob.OS)
	if err != nil {
		t.Fatal(err)
	}
	return &engines{store: store, svc: object.New(store, blobs, object.Config{})}
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// fill makes a bucket of n objects under one expiry rule that is due.
func fill(t *testing.T, ctx context.Context, svc *object.Service, bucket string, n int) {
	t.Helper()
	if err := svc.CreateBucket(ctx, bucket, "us-east-1", "owner"); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		body := fmt.Sprint(i)
		if _, err := svc.PutObject(ctx, object.PutInput{Bucket: bucket, Key: fmt.Sprintf("k%05d", i),
			Body: strings.NewReader(body), Size: int64(len(body))}); err != nil {
			t.Fatal(err)
		}
	}
	err := svc.PutBucketLifecycle(ctx, bucket, &object.LifecycleConfiguration{Rules: []object.LifecycleRule{{
		ID: "past", Enabled: true, Expiration: &object.LifecycleExpiration{Date: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)},
	}}})
	if err != nil {
		t.Fatal(err)
	}
}

func remaining(t *testing.T, ctx context.Context, svc *object.Service, bucket string) int {
	t.Helper()
	n, after := 0, ""
	for {
		page, err := svc.ListObjects(ctx, object.ListInput{Bucket: bucket, After: after, MaxKeys: 1000})
		if err != nil {
			t.Fatal(err)
		}
		n += len(page.Objects)
		if !page.IsTruncated {
			return n
		}
		after = page.NextMarker
	}
}

// TestRestartResumes stops a pass midway (as a shutdown does), reopens
// the engines and checks that the next worker, another gateway in effect,
// resumes after the recorded cursor instead of starting over. While the
// first pass runs, its lease keeps another gateway off the bucket.
func TestRestartResumes(t *testing.T) {
	t.Parallel()
	const n = 3000
	ctx := context.Background()
	dir := t.TempDir()
	en := openEngines(t, dir)
	fill(t, ctx, en.svc, "big", n)

	cfg := lifecycle.Config{Batch: 100, Rate: 4000, ScanRate: 100000, Lease: time.Hour, Logger: quiet()}
	first := lifecycle.New(en.svc, en.store, cfg)
	passCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		first.Pass(passCtx)
	}()
	var key string
	for key == "" || key < "k00500" {
		time.Sleep(5 * time.Millisecond)
		var err error
		if _, key, err = first.Cursor(ctx, "big"); err != nil {
			t.Fatal(err)
		}
	}
	other := lifecycle.New(en.svc, en.store, cfg)
	if st, err := other.Pass(ctx); err != nil || st.Buckets != 0 {
		t.Fatalf("pass under another's lease: %+v %v", st, err)
	}
	stop()
	<-done
	if err := en.store.Close(); err != nil {
		t.Fatal(err)
	}

	en = openEngines(t, dir)
	defer en.store.Close()
	phase, key, err := lifecycle.New(en.svc, en.store, cfg).Cursor(ctx, "big")
	if err != nil || phase != "versions" || key == "" {
		t.Fatalf("cursor after stop: %q %q %v", phase, key, err)
	}
	left := remaining(t, ctx, en.svc, "big")
	if left == 0 || left == n {
		t.Fatalf("%d of %d objects left after the interrupted pass", left, n)
	}
	// The stopped pass gave its lease back: no waiting for it to expire.
	second := lifecycle.New(en.svc, en.store, cfg)
	st, err := second.Pass(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Scanned >= n || st.Expired != left {
		t.Fatalf("resumed pass scanned %d and expired %d; %d were left of %d", st.Scanned, st.Expired, left, n)
	}
	if r := remaining(t, ctx, en.svc, "big"); r != 0 {
		t.Fatalf("%d objects left after the resumed pass", r)
	}
	if phase, _, _ := second.Cursor(ctx, "big"); phase != "" {
		t.Fatalf("cursor phase %q after a finished pass", phase)
	}
	// A finished pass is not repeated at once.
	if st, err := second.Pass(ctx); err != nil || st.Buckets != 0 {
		t.Fatalf("pass right after a finished one: %+v %v", st, err)
	}
}
