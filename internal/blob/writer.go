package blob

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"sync"
)

// bufSize bounds the memory a writer holds. Buffers are pooled so that a
// small blob does not cost a fresh 1 MiB allocation, and aligned so that
// full ones can be written with O_DIRECT (direct.go).
const bufSize = 1 << 20

var bufPool = sync.Pool{New: func() any { b := alignedBuf(); return &b }}

var (
	errCommitted = errors.New("blob: writer already committed")
	errAborted   = errors.New("blob: writer aborted")
)

// Create starts a new blob in root/tmp under a fresh random ID.
func (d *Dir) Create(ctx context.Context) (Writer, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	id, err := newID()
	if err != nil {
		return nil, err
	}
	return d.create(id, d.tmpPath(id))
}

// CreateID starts a blob that will have the given id: the copy of a
// blob from another tier, which keeps its id. Its temporary file has a
// name of its own, so two copies of one id may be in flight at once.
func (d *Dir) CreateID(ctx context.Context, id string) (Writer, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if !validID(id) {
		return nil, fmt.Errorf("create %q: %w", id, ErrInvalidID)
	}
	tmp, err := newID()
	if err != nil {
		return nil, err
	}
	return d.create(id, d.tmpPath(id+"."+tmp))
}

func (d *Dir) create(id, tmp string) (Writer, error) {
	if err := d.checkSpace(id, 0); err != nil {
		return nil, err
	}
	f, err := d.fs.Create(tmp)
	if err != nil {
		return nil, wrapErr("create", id, err)
	}
	_, direct := f.(fdFile)
	direct = direct && directWrites
	return &writer{d: d, id: id, tmp: tmp, f: f, canDirect: direct}, nil
}

// writer buffers writes to a temporary file. Any failure removes the file
// and is remembered: a half-written blob can never be committed.
type writer struct {
	d   *Dir
	id  string
	tmp string // path of the temporary file
	f   File   // nil once closed
	buf *[]byte
	err error // sticky: errCommitted, errAborted or the first failure
	// canDirect: the file may switch to O_DIRECT; direct: it has.
	canDirect, direct bool
}

func (w *writer) ID() string { return w.id }

func (w *writer) Write(p []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	n := 0
	for len(p) > 0 {
		if w.buf == nil {
			if len(p) >= bufSize && !w.canDirect {
				// A large write gains nothing from a copy into the buffer.
				m, err := w.f.Write(p)
				n += m
				if err != nil {
					return n, w.fail("write", err)
				}
				return n, nil
			}
			w.buf = bufPool.Get().(*[]byte)
		}
		b := *w.buf
		k := copy(b[len(b):cap(b)], p)
		*w.buf = b[:len(b)+k]
		n += k
		p = p[k:]
		if len(*w.buf) == cap(*w.buf) {
			if err := w.flushFull(); err != nil {
				return n, w.fail("write", err)
			}
		}
	}
	return n, nil
}

// flushFull writes out a full buffer, with O_DIRECT where the file allows
// it, and keeps the buffer for the next bytes.
func (w *writer) flushFull() error {
	if err := w.d.checkSpace(w.id, uint64(len(*w.buf))); err != nil {
		return err
	}
	if w.canDirect && !w.direct {
		w.direct = setDirect(w.f, true)
		w.canDirect = w.direct
	}
	_, err := w.f.Write(*w.buf)
	if err != nil && w.direct && isDirectRefusal(err) {
		// Nothing was written: retry through the page cache for good.
		setDirect(w.f, false)
		w.direct, w.canDirect = false, false
		_, err = w.f.Write(*w.buf)
	}
	*w.buf = (*w.buf)[:0]
	return err
}

// flush writes out and releases the buffer: the tail of the blob, through
// the page cache since its length is not aligned.
func (w *writer) flush() error {
	if w.buf == nil {
		return nil
	}
	if w.direct {
		if !setDirect(w.f, false) {
			w.releaseBuf()
			return errors.New("cannot leave O_DIRECT for the tail")
		}
		w.direct = false
	}
	_, err := w.f.Write(*w.buf)
	w.releaseBuf()
	return err
}

func (w *writer) releaseBuf() {
	if w.buf != nil {
		*w.buf = (*w.buf)[:0]
		bufPool.Put(w.buf)
		w.buf = nil
	}
}

// Commit makes the blob durable under its ID: data fsynced, then renamed
// into its fan-out directory, then that directory fsynced. Only then is it
// safe for metadata to reference the blob.
func (w *writer) Commit(ctx context.Context) error {
	if w.err == errCommitted {
		return nil
	}
	if w.err != nil {
		return w.err
	}
	if err := ctx.Err(); err != nil {
		_ = w.Abort()
		return err
	}
	if err := w.flush(); err != nil {
		return w.fail("write", err)
	}
	if err := w.f.Sync(); err != nil {
		return w.fail("sync", err)
	}
	err := w.f.Close()
	w.f = nil
	if err != nil {
		return w.fail("close", err)
	}
	if err := w.d.ensureBlobDir(w.id); err != nil {
		return w.fail("mkdir", err)
	}
	if err := w.d.fs.Rename(w.tmp, w.d.blobPath(w.id)); err != nil {
		return w.fail("rename", err)
	}
	if err := w.d.fs.SyncDir(w.d.blobDir(w.id)); err != nil {
		// The rename may or may not survive a crash; either way nothing will
		// reference this ID, so remove it now rather than wait for GC.
		_ = w.d.fs.Remove(w.d.blobPath(w.id))
		return w.fail("sync dir", err)
	}
	w.err = errCommitted
	return nil
}

// Abort discards the blob. It is a no-op after Commit.
func (w *writer) Abort() error {
	if w.err == errCommitted || w.err == errAborted {
		return nil
	}
	err := w.discard()
	w.err = errAborted
	if err != nil {
		return wrapErr("abort", w.id, err)
	}
	return nil
}

// fail discards the temporary file and records err so that later calls
// report it.
func (w *writer) fail(op string, err error) error {
	_ = w.discard()
	w.err = wrapErr(op, w.id, err)
	return w.err
}

// discard closes and removes the temporary file.
func (w *writer) discard() error {
	w.releaseBuf()
	var err error
	if w.f != nil {
		err = w.f.Close()
		w.f = nil
	}
	if rerr := w.d.fs.Remove(w.tmp); rerr != nil && !errors.Is(rerr, fs.ErrNotExist) && err == nil {
		err = rerr
	}
	return err
}
