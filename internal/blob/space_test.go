package blob_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/hoard-s3/hoard/internal/blob"
)

// spaceFS reports a settable amount of free space on a 1 GiB disk.
type spaceFS struct {
	blob.FS
	avail atomic.Uint64
}

func (f *spaceFS) Space(string) (uint64, uint64, error) { return f.avail.Load(), 1 << 30, nil }

func TestReserveRefusesWrites(t *testing.T) {
	ctx := context.Background()
	fsys := &spaceFS{FS: blob.OS}
	fsys.avail.Store(1 << 30)
	d, root := openDir(t, fsys)
	reserve := blob.DefaultReserve(1 << 30)
	if reserve != 160<<20 {
		t.Fatalf("reserve of a 1 GiB disk: %d", reserve)
	}

	// Below the reserve nothing starts.
	fsys.avail.Store(reserve - 1)
	if _, err := d.Create(ctx); !errors.Is(err, blob.ErrNoSpace) {
		t.Fatalf("create below the reserve: %v", err)
	}

	// A write that would cross it fails and leaves no temporary file.
	fsys.avail.Store(reserve + 3<<20)
	w, err := d.Create(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(make([]byte, 2<<20)); err != nil {
		t.Fatalf("write within the free space: %v", err)
	}
	fsys.avail.Store(reserve + 512<<10)
	if _, err := w.Write(make([]byte, 2<<20)); !errors.Is(err, blob.ErrNoSpace) {
		t.Fatalf("write into the reserve: %v", err)
	}
	if err := w.Commit(ctx); !errors.Is(err, blob.ErrNoSpace) {
		t.Fatalf("commit after a refused write: %v", err)
	}
	if tmp, _ := os.ReadDir(filepath.Join(root, "tmp")); len(tmp) != 0 {
		t.Fatalf("%d temporary files left", len(tmp))
	}

	// Space freed: writes go through again.
	fsys.avail.Store(1 << 30)
	if err := writeAll(ctx, d, make([]byte, 3<<20)); err != nil {
		t.Fatalf("write after space was freed: %v", err)
	}
}

func TestDefaultReserve(t *testing.T) {
	for _, tt := range []struct{ total, want uint64 }{
		{64 << 20, 32 << 20}, {1 << 30, 160 << 20}, {10 << 30, 512 << 20}, {1 << 40, 2 << 30},
	} {
		if got := blob.DefaultReserve(tt.total); got != tt.want {
			t.Errorf("DefaultReserve(%d) = %d, want %d", tt.total, got, tt.want)
		}
	}
}
