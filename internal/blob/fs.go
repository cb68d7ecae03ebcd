package blob

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
)

// File is an open file as the store uses it. *os.File satisfies it.
type File interface {
	io.Writer
	io.ReaderAt
	Sync() error
	Close() error
	Stat() (fs.FileInfo, error)
}

// FS is the filesystem seam, in the spirit of Pebble's vfs.FS: the few
// operations the store needs, so that tests can inject failures (see
// package faultfs) and other layouts can be plugged in later.
type FS interface {
	// Create creates a new file for reading and writing; it fails if the
	// file exists.
	Create(name string) (File, error)
	// Open opens an existing file for reading.
	Open(name string) (File, error)
	Rename(oldname, newname string) error
	Remove(name string) error
	// Mkdir creates one directory; it fails with fs.ErrExist if it exists.
	Mkdir(name string) error
	MkdirAll(name string) error
	ReadDir(name string) ([]fs.DirEntry, error)
	Stat(name string) (fs.FileInfo, error)
	// SyncDir makes the directory's entries (creations, renames) durable.
	SyncDir(name string) error
}

// OS is the real filesystem.
var OS FS = osFS{}

// Data files are private to the server process.
const (
	filePerm = 0o600
	dirPerm  = 0o700
)

type osFS struct{}

func (osFS) Create(name string) (File, error) {
	return os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, filePerm)
}

func (osFS) Open(name string) (File, error)             { return os.Open(name) }
func (osFS) Rename(oldname, newname string) error       { return os.Rename(oldname, newname) }
func (osFS) Remove(name string) error                   { return os.Remove(name) }
func (osFS) Mkdir(name string) error                    { return os.Mkdir(name, dirPerm) }
func (osFS) MkdirAll(name string) error                 { return os.MkdirAll(name, dirPerm) }
func (osFS) ReadDir(name string) ([]fs.DirEntry, error) { return os.ReadDir(name) }
func (osFS) Stat(name string) (fs.FileInfo, error)      { return os.Stat(name) }

func (osFS) SyncDir(name string) error {
	d, err := os.Open(name)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

// wrapErr adds context and, when the disk is full, ErrNoSpace so that
// callers can answer with the right S3 error whatever the step that failed.
func wrapErr(op, id string, err error) error {
	if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) {
		return fmt.Errorf("blob: %s %s: %w: %w", op, id, ErrNoSpace, err)
	}
	return fmt.Errorf("blob: %s %s: %w", op, id, err)
}
