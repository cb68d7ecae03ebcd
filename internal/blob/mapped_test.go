package blob_test

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/hoard-s3/hoard/internal/blob"
)

type slicer interface {
	Slice(off, n int64) ([]byte, error)
}

// blobFile finds the data file of a committed blob.
func blobFile(t *testing.T, root, id string) string {
	t.Helper()
	var found string
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Name() == id {
			found = p
		}
		return nil
	})
	if found == "" {
		t.Fatalf("no file for blob %s", id)
	}
	return found
}

func TestMappedSlices(t *testing.T) {
	d, _ := openDir(t, blob.OS)
	data := randBytes(9<<20+12345, 7)
	big := put(t, d, data, 1<<20)
	small := put(t, d, data[:1<<20], 1<<20)

	r, err := d.Open(context.Background(), small)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := r.(slicer); ok {
		t.Error("a 1 MiB blob is mapped; it should be read with ReadAt")
	}
	r.Close()

	r, err = d.Open(context.Background(), big)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	s, ok := r.(slicer)
	if !ok {
		t.Fatal("a 9 MiB blob on the OS file system is not mapped")
	}
	// In order, backwards, across the 4 MiB windows, to the last byte.
	for _, c := range []struct{ off, n int64 }{
		{0, 100}, {4<<20 - 10, 20}, {1 << 20, 6 << 20}, {100, 1}, {int64(len(data)) - 1, 1},
		{0, int64(len(data))}, {int64(len(data)), 0}, {8 << 20, 1<<20 + 12345},
	} {
		b, err := s.Slice(c.off, c.n)
		if err != nil {
			t.Fatalf("Slice(%d, %d): %v", c.off, c.n, err)
		}
		if !bytes.Equal(b, data[c.off:c.off+c.n]) {
			t.Fatalf("Slice(%d, %d): wrong bytes", c.off, c.n)
		}
	}
	for _, c := range []struct{ off, n int64 }{{-1, 1}, {0, int64(len(data)) + 1}, {int64(len(data)), 1}, {5, -1}} {
		if _, err := s.Slice(c.off, c.n); err == nil {
			t.Errorf("Slice(%d, %d) outside the blob succeeded", c.off, c.n)
		}
	}
}

// A page that cannot be read (here: the file shrank under the map; on a
// real disk, an I/O error) faults; inside GuardFaults that is an error of
// the read, not the end of the process.
func TestMappedFaultIsAnError(t *testing.T) {
	d, root := openDir(t, blob.OS)
	data := randBytes(8<<20, 3)
	id := put(t, d, data, 1<<20)
	r, err := d.Open(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	b, err := r.(slicer).Slice(0, 4<<20)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(blobFile(t, root, id), 4096); err != nil {
		t.Fatal(err)
	}
	var sum byte
	_, err = blob.GuardFaults(func() (int, error) {
		for _, c := range b {
			sum += c
		}
		return len(b), nil
	})
	if !errors.Is(err, blob.ErrMappedRead) {
		t.Fatalf("read past the end of a shrunk map: %v, want ErrMappedRead", err)
	}
	// Panics that are not memory faults are not swallowed.
	defer func() {
		if recover() == nil {
			t.Error("a plain panic was recovered by GuardFaults")
		}
	}()
	blob.GuardFaults(func() (int, error) { panic("not a fault") })
}
