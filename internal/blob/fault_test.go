package blob_test

import (
	"context"
	"errors"
	"testing"

	"github.com/hoard-s3/hoard/internal/blob"
	"github.com/hoard-s3/hoard/internal/blob/faultfs"
)

// TestFaults checks that every injected failure fails the write and leaves
// no file behind, committed or temporary.
func TestFaults(t *testing.T) {
	tests := []struct {
		name    string
		inject  func(*faultfs.FS)
		noSpace bool // the error must wrap ErrNoSpace
	}{
		{"disk fills mid-write", func(f *faultfs.FS) { f.FailWritesAfter(100 << 10) }, true},
		{"disk fills at the final flush", func(f *faultfs.FS) { f.FailWritesAfter(3 << 20) }, true},
		{"first write fails", func(f *faultfs.FS) { f.FailNthWrite(1) }, true},
		{"third write fails", func(f *faultfs.FS) { f.FailNthWrite(3) }, true},
		{"create fails", func(f *faultfs.FS) { f.FailCreate(true) }, true},
		{"fsync fails", func(f *faultfs.FS) { f.FailSync(true) }, false},
		{"rename fails", func(f *faultfs.FS) { f.FailRename(true) }, false},
		{"directory fsync fails", func(f *faultfs.FS) { f.FailSyncDir(true) }, false},
	}
	data := randBytes(3<<20+100, 7)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			ffs := faultfs.New(blob.OS)
			d, root := openDir(t, ffs)
			tt.inject(ffs)
			err := writeAll(ctx, d, data)
			if err == nil {
				t.Fatal("write succeeded despite the injected failure")
			}
			if tt.noSpace != errors.Is(err, blob.ErrNoSpace) {
				t.Fatalf("error %v: wraps ErrNoSpace = %v, want %v", err, !tt.noSpace, tt.noSpace)
			}
			if n, err := ffs.CountFiles(root); err != nil || n != 0 {
				t.Fatalf("%d files left (%v)", n, err)
			}
			// Once the fault clears the store works again.
			ffs.Reset()
			if err := writeAll(ctx, d, data[:1000]); err != nil {
				t.Fatalf("write after Reset: %v", err)
			}
		})
	}
}

// writeAll writes data in 512 KiB chunks and commits, aborting on failure
// as a caller would.
func writeAll(ctx context.Context, d *blob.Dir, data []byte) error {
	w, err := d.Create(ctx)
	if err != nil {
		return err
	}
	for rest := data; len(rest) > 0; {
		n := min(512<<10, len(rest))
		if _, err := w.Write(rest[:n]); err != nil {
			_ = w.Abort()
			return err
		}
		rest = rest[n:]
	}
	if err := w.Commit(ctx); err != nil {
		_ = w.Abort()
		return err
	}
	return nil
}

// TestFailedWriterStaysFailed checks that a writer that hit an error cannot
// be committed later, even once the disk has room again.
func TestFailedWriterStaysFailed(t *testing.T) {
	ctx := context.Background()
	ffs := faultfs.New(blob.OS)
	d, root := openDir(t, ffs)
	w, err := d.Create(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ffs.FailNthWrite(1)
	if _, err := w.Write(make([]byte, 2<<20)); !errors.Is(err, blob.ErrNoSpace) {
		t.Fatalf("Write: %v", err)
	}
	ffs.Reset()
	if err := w.Commit(ctx); !errors.Is(err, blob.ErrNoSpace) {
		t.Fatalf("Commit after a failed Write: %v", err)
	}
	if n, _ := ffs.CountFiles(root); n != 0 {
		t.Fatalf("%d files left", n)
	}
}
