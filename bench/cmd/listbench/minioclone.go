package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync/atomic"
	"syscall"
	"time"
)

// A single-drive MinIO keeps each object as DATA/BUCKET/KEY/xl.meta, and
// an empty object's xl.meta names neither its bucket nor its key (its data
// is inline and empty; the version is the null version). Copying the
// xl.meta of key(0), PUT through the API, into the directory of every other
// key therefore gives, once MinIO starts, the bucket that PUTs of the same
// empty objects would have made: it lists, HEADs, GETs and deletes them
// like any other object. The server must be stopped while this runs.

// cloneMinio fills o.bucket in the MinIO data directory o.data up to
// o.keys keys by copying the xl.meta of key(0).
func cloneMinio(ctx context.Context, o options) (loadStats, error) {
	if err := checkSingleDrive(o.data); err != nil {
		return loadStats{}, err
	}
	bdir := filepath.Join(o.data, o.bucket)
	tmpl, err := os.ReadFile(filepath.Join(bdir, filepath.FromSlash(key(0)), "xl.meta"))
	if err != nil {
		return loadStats{}, fmt.Errorf("template object (PUT %s first): %w", key(0), err)
	}
	// A listing cache written before the copy would not know the new keys.
	if err := os.RemoveAll(filepath.Join(o.data, ".minio.sys", "buckets", o.bucket, ".metacache")); err != nil {
		return loadStats{}, fmt.Errorf("drop listing cache: %w", err)
	}
	if err := makeParents(bdir, o.keys); err != nil {
		return loadStats{}, err
	}
	var done atomic.Int64
	stop := progress(o, &done)
	defer stop()
	start := time.Now()
	// Key 0 is the template itself.
	err = forEachKey(ctx, o, 1, func(_, i int) error {
		if err := writeMeta(bdir, key(i), tmpl); err != nil {
			return err
		}
		done.Add(1)
		return nil
	})
	if err != nil {
		return loadStats{}, err
	}
	return loadStats{keys: o.keys, versions: max(o.versions, 1), elapsed: time.Since(start)}, nil
}

// checkSingleDrive refuses anything but a single-drive deployment: with
// erasure sets each object is split over drives chosen by a hash of its
// name, which a copy of one file cannot reproduce.
func checkSingleDrive(data string) error {
	b, err := os.ReadFile(filepath.Join(data, ".minio.sys", "format.json"))
	if err != nil {
		return fmt.Errorf("not a MinIO data directory: %w", err)
	}
	var f struct{ Format string }
	if err := json.Unmarshal(b, &f); err != nil {
		return fmt.Errorf("read MinIO format.json: %w", err)
	}
	if f.Format != "xl-single" {
		return fmt.Errorf("MinIO format %q: only a single drive (xl-single) can be filled by copying", f.Format)
	}
	return nil
}

// makeParents creates the directories above the key directories once, so
// the workers only create leaves.
func makeParents(bdir string, keys int) error {
	seen := map[string]bool{}
	for i := range min(keys, 1000) {
		if d := filepath.Dir(filepath.Join(bdir, filepath.FromSlash(key(i)))); !seen[d] {
			seen[d] = true
			if err := os.MkdirAll(d, 0o755); err != nil {
				return fmt.Errorf("create %s: %w", d, err)
			}
		}
	}
	return nil
}

// writeMeta creates KEY/xl.meta; an existing key is an error, so a clone
// over a loaded bucket is refused rather than silently overwritten.
func writeMeta(bdir, k string, tmpl []byte) error {
	dir := filepath.Join(bdir, filepath.FromSlash(k))
	if err := os.Mkdir(dir, 0o755); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			// A parent that makeParents did not foresee.
			err = os.MkdirAll(dir, 0o755)
		}
		if err != nil {
			return fmt.Errorf("create %s: %w", dir, err)
		}
	}
	// Plain system calls: os.File would also set the descriptor up for
	// the poller, three more calls per key for a 400-byte write.
	path := filepath.Join(dir, "xl.meta")
	fd, err := syscall.Open(path, syscall.O_WRONLY|syscall.O_CREAT|syscall.O_EXCL|syscall.O_CLOEXEC, 0o644)
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	n, err := syscall.Write(fd, tmpl)
	if err == nil && n != len(tmpl) {
		err = io.ErrShortWrite
	}
	if cerr := syscall.Close(fd); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
