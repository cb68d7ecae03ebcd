// Package faultfs wraps a blob.FS and injects the failures a real disk
// produces (full disk, failed fsync, failed rename) so that tests of the
// store and the layers above can check that nothing partial survives.
package faultfs

import (
	"io/fs"
	"path/filepath"
	"sync"
	"syscall"

	"github.com/hoard-s3/hoard/internal/blob"
)

// FS is a blob.FS that fails on command. The zero configuration passes
// every call through. It is safe for concurrent use.
type FS struct {
	inner blob.FS

	mu          sync.Mutex
	writes      int   // Write calls seen
	written     int64 // bytes written
	failWriteAt int   // fail the Write call with this number; 0 = never
	byteLimit   int64 // fail writes beyond this many bytes; -1 = no limit
	failCreate  bool
	failSync    bool
	failSyncDir bool
	failRename  bool
}

var _ blob.FS = (*FS)(nil)

// New wraps inner.
func New(inner blob.FS) *FS { return &FS{inner: inner, byteLimit: -1} }

// FailNthWrite makes the nth Write call from now on (n >= 1) fail with
// ENOSPC, writing nothing.
func (f *FS) FailNthWrite(n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failWriteAt = f.writes + n
}

// FailWritesAfter lets n more bytes be written and then fails every write
// with ENOSPC, as a disk that fills up does: the write that crosses the
// limit is short.
func (f *FS) FailWritesAfter(n int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.byteLimit = f.written + n
}

// FailCreate makes Create fail with ENOSPC.
func (f *FS) FailCreate(on bool) { f.set(&f.failCreate, on) }

// FailSync makes File.Sync fail with EIO.
func (f *FS) FailSync(on bool) { f.set(&f.failSync, on) }

// FailSyncDir makes SyncDir fail with EIO.
func (f *FS) FailSyncDir(on bool) { f.set(&f.failSyncDir, on) }

// FailRename makes Rename fail with EIO.
func (f *FS) FailRename(on bool) { f.set(&f.failRename, on) }

// Reset stops every injected failure.
func (f *FS) Reset() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failWriteAt, f.byteLimit = 0, -1
	f.failCreate, f.failSync, f.failSyncDir, f.failRename = false, false, false, false
}

func (f *FS) set(flag *bool, on bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	*flag = on
}

func (f *FS) flag(flag *bool) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return *flag
}

// CountFiles returns the number of regular files under dir, recursively.
func (f *FS) CountFiles(dir string) (int, error) {
	entries, err := f.inner.ReadDir(dir)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, e := range entries {
		switch {
		case e.IsDir():
			m, err := f.CountFiles(filepath.Join(dir, e.Name()))
			if err != nil {
				return 0, err
			}
			n += m
		case e.Type().IsRegular():
			n++
		}
	}
	return n, nil
}

func (f *FS) Create(name string) (blob.File, error) {
	if f.flag(&f.failCreate) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: syscall.ENOSPC}
	}
	file, err := f.inner.Create(name)
	if err != nil {
		return nil, err
	}
	return &faultFile{File: file, fs: f, name: name}, nil
}

func (f *FS) Open(name string) (blob.File, error) { return f.inner.Open(name) }

func (f *FS) Rename(oldname, newname string) error {
	if f.flag(&f.failRename) {
		return &fs.PathError{Op: "rename", Path: oldname, Err: syscall.EIO}
	}
	return f.inner.Rename(oldname, newname)
}

func (f *FS) Remove(name string) error                   { return f.inner.Remove(name) }
func (f *FS) Mkdir(name string) error                    { return f.inner.Mkdir(name) }
func (f *FS) MkdirAll(name string) error                 { return f.inner.MkdirAll(name) }
func (f *FS) ReadDir(name string) ([]fs.DirEntry, error) { return f.inner.ReadDir(name) }
func (f *FS) Stat(name string) (fs.FileInfo, error)      { return f.inner.Stat(name) }

func (f *FS) SyncDir(name string) error {
	if f.flag(&f.failSyncDir) {
		return &fs.PathError{Op: "sync", Path: name, Err: syscall.EIO}
	}
	return f.inner.SyncDir(name)
}

// allow decides how much of a write of n bytes may go through.
func (f *FS) allow(n int) (int, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.writes++
	if f.writes == f.failWriteAt {
		return 0, false
	}
	if f.byteLimit >= 0 && f.written+int64(n) > f.byteLimit {
		ok := int(max(f.byteLimit-f.written, 0))
		f.written += int64(ok)
		return ok, false
	}
	f.written += int64(n)
	return n, true
}

type faultFile struct {
	blob.File
	fs   *FS
	name string
}

func (w *faultFile) Write(p []byte) (int, error) {
	n, ok := w.fs.allow(len(p))
	if ok {
		return w.File.Write(p)
	}
	m, err := w.File.Write(p[:n])
	if err != nil {
		return m, err
	}
	return m, &fs.PathError{Op: "write", Path: w.name, Err: syscall.ENOSPC}
}

func (w *faultFile) Sync() error {
	if w.fs.flag(&w.fs.failSync) {
		return &fs.PathError{Op: "sync", Path: w.name, Err: syscall.EIO}
	}
	return w.File.Sync()
}
