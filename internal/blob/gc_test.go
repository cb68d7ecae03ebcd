package blob_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/hoard-s3/hoard/internal/blob"
)

func TestGC(t *testing.T) {
	ctx := context.Background()
	d, root := openDir(t, blob.OS)
	keep := put(t, d, []byte("referenced"), 10)
	drop1 := put(t, d, []byte("orphan 1"), 8)
	drop2 := put(t, d, []byte("orphan 2"), 8)
	// Files the store never wrote are not its to remove.
	foreign := []string{filepath.Join(root, "README"), filepath.Join(root, keep[:2], keep[2:4], "notes.txt")}
	for _, p := range foreign {
		if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	refs := map[string]bool{keep: true}
	referenced := func(_ context.Context, id string) (bool, error) { return refs[id], nil }

	// Young blobs are protected by the grace period.
	d.Grace = time.Hour
	if n, err := d.GC(ctx, referenced); err != nil || n != 0 {
		t.Fatalf("GC within grace removed %d (%v)", n, err)
	}

	d.Grace = 0
	n, err := d.GC(ctx, referenced)
	if err != nil || n != 2 {
		t.Fatalf("GC removed %d (%v), want 2", n, err)
	}
	for _, id := range []string{drop1, drop2} {
		if _, err := d.Open(ctx, id); !errors.Is(err, blob.ErrNotFound) {
			t.Fatalf("orphan %s survived GC: %v", id, err)
		}
	}
	if string(readAll(t, d, keep)) != "referenced" {
		t.Fatal("referenced blob lost")
	}
	for _, p := range foreign {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("GC removed a foreign file: %v", err)
		}
	}
}

func TestGCTempFiles(t *testing.T) {
	ctx := context.Background()
	d, root := openDir(t, blob.OS)
	w, err := d.Create(ctx)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = w.Write([]byte("in progress"))
	none := func(context.Context, string) (bool, error) { return false, nil }
	if n, err := d.GC(ctx, none); err != nil || n != 0 {
		t.Fatalf("GC removed a fresh temporary file: %d (%v)", n, err)
	}
	blob.SetClock(d, func() time.Time { return time.Now().Add(25 * time.Hour) })
	if n, err := d.GC(ctx, none); err != nil || n != 1 {
		t.Fatalf("GC of a stale temporary file removed %d (%v), want 1", n, err)
	}
	if n := countFiles(t, filepath.Join(root, "tmp")); n != 0 {
		t.Fatalf("%d temporary files left", n)
	}
	if err := w.Commit(ctx); err == nil {
		t.Fatal("Commit of a collected temporary file succeeded")
	}
}

func TestGCStopsOnLookupError(t *testing.T) {
	ctx := context.Background()
	d, _ := openDir(t, blob.OS)
	d.Grace = 0
	id := put(t, d, []byte("data"), 4)
	boom := errors.New("metadata unavailable")
	_, err := d.GC(ctx, func(context.Context, string) (bool, error) { return false, boom })
	if !errors.Is(err, boom) {
		t.Fatalf("GC error = %v, want the lookup error", err)
	}
	if string(readAll(t, d, id)) != "data" {
		t.Fatal("blob removed although its lookup failed")
	}
}
