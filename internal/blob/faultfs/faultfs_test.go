package faultfs_test

import (
	"errors"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/hoard-s3/hoard/internal/blob"
	"github.com/hoard-s3/hoard/internal/blob/faultfs"
)

func TestShortWriteAndCount(t *testing.T) {
	dir := t.TempDir()
	f := faultfs.New(blob.OS)
	if err := f.MkdirAll(filepath.Join(dir, "a", "b")); err != nil {
		t.Fatal(err)
	}
	file, err := f.Create(filepath.Join(dir, "a", "b", "x"))
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	f.FailWritesAfter(10)
	if n, err := file.Write(make([]byte, 6)); n != 6 || err != nil {
		t.Fatalf("first write = %d, %v", n, err)
	}
	n, err := file.Write(make([]byte, 6))
	if n != 4 || !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("write crossing the limit = %d, %v; want 4, ENOSPC", n, err)
	}
	if n, err := f.CountFiles(dir); n != 1 || err != nil {
		t.Fatalf("CountFiles = %d, %v", n, err)
	}
	f.Reset()
	if _, err := file.Write([]byte("ok")); err != nil {
		t.Fatalf("write after Reset: %v", err)
	}
}
