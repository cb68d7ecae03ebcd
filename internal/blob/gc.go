package blob

import (
	"context"
	"errors"
	"io/fs"
	"path/filepath"
	"time"
)

// GC removes committed blobs older than d.Grace that referenced reports as
// unreferenced, and temporary files untouched for a day (writers that never
// committed or aborted). It returns how many files it removed. Files that
// the store cannot have written (wrong names) are left alone.
func (d *Dir) GC(ctx context.Context, referenced func(ctx context.Context, id string) (bool, error)) (int, error) {
	removed, err := d.gcTemp(ctx)
	if err != nil {
		return removed, err
	}
	tops, err := d.fs.ReadDir(d.root)
	if err != nil {
		return removed, wrapErr("gc", d.root, err)
	}
	for _, top := range tops {
		if !top.IsDir() || !isHexPair(top.Name()) {
			continue
		}
		subs, err := d.fs.ReadDir(filepath.Join(d.root, top.Name()))
		if err != nil {
			return removed, wrapErr("gc", top.Name(), err)
		}
		for _, sub := range subs {
			if !sub.IsDir() || !isHexPair(sub.Name()) {
				continue
			}
			n, err := d.gcLeaf(ctx, top.Name(), sub.Name(), referenced)
			removed += n
			if err != nil {
				return removed, err
			}
		}
	}
	return removed, nil
}

// gcLeaf collects one fan-out directory root/aa/bb.
func (d *Dir) gcLeaf(ctx context.Context, aa, bb string, referenced func(context.Context, string) (bool, error)) (int, error) {
	dir := filepath.Join(d.root, aa, bb)
	entries, err := d.fs.ReadDir(dir)
	if err != nil {
		return 0, wrapErr("gc", dir, err)
	}
	removed := 0
	cutoff := d.now().Add(-d.Grace)
	for _, e := range entries {
		if err := ctx.Err(); err != nil {
			return removed, err
		}
		id := e.Name()
		if !e.Type().IsRegular() || !validID(id) || id[0:2] != aa || id[2:4] != bb {
			continue
		}
		if !olderThan(e, cutoff) {
			continue
		}
		ok, err := referenced(ctx, id)
		if err != nil {
			return removed, err
		}
		if ok {
			continue
		}
		if err := d.fs.Remove(filepath.Join(dir, id)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return removed, wrapErr("gc remove", id, err)
		}
		removed++
	}
	return removed, nil
}

// gcTemp removes temporary files untouched for tempMaxAge.
func (d *Dir) gcTemp(ctx context.Context) (int, error) {
	dir := filepath.Join(d.root, tmpDir)
	entries, err := d.fs.ReadDir(dir)
	if err != nil {
		return 0, wrapErr("gc", dir, err)
	}
	removed := 0
	cutoff := d.now().Add(-tempMaxAge)
	for _, e := range entries {
		if err := ctx.Err(); err != nil {
			return removed, err
		}
		if !e.Type().IsRegular() || !olderThan(e, cutoff) {
			continue
		}
		if err := d.fs.Remove(filepath.Join(dir, e.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return removed, wrapErr("gc remove", e.Name(), err)
		}
		removed++
	}
	return removed, nil
}

// olderThan reports whether e was last modified at or before cutoff. A file that
// vanished meanwhile is not old: there is nothing to remove.
func olderThan(e fs.DirEntry, cutoff time.Time) bool {
	info, err := e.Info()
	return err == nil && !info.ModTime().After(cutoff)
}

func isHexPair(name string) bool {
	return len(name) == 2 && isLowerHex(name)
}
