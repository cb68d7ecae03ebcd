package blob

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"sync"
	"time"
)

// ErrInvalidID is returned for an ID that the store cannot have issued.
// Checking IDs keeps any caller-supplied string from becoming a path.
var ErrInvalidID = errors.New("blob: invalid id")

// DefaultGrace is how long a committed blob is protected from GC: long
// enough for the metadata commit that references it to land.
const DefaultGrace = 10 * time.Minute

// tempMaxAge is how long a temporary file may sit untouched before GC
// treats its writer as gone. Writes refresh its modification time.
const tempMaxAge = 24 * time.Hour

const (
	idBytes = 16 // 128 random bits
	tmpDir  = "tmp"
)

// Dir is a blob.Store over a directory:
//
//	root/tmp/<id>       writes in progress
//	root/<aa>/<bb>/<id> committed blobs, aa and bb the ID's first hex pairs
//
// The fan-out keeps directories small (65536 leaves) however many blobs
// there are.
type Dir struct {
	root string
	fs   FS
	// Grace protects committed blobs younger than this from GC.
	Grace time.Duration
	// Reserve is the free space data files leave to the metadata engine
	// (space.go); 0 means DefaultReserve of the file system's size.
	Reserve uint64

	now func() time.Time // replaced in tests

	// durable records fan-out directories whose entry in their parent has
	// been fsynced by this process. Until then every writer that needs the
	// directory syncs the parent itself, under mkdirMu: a writer that merely
	// found the directory existing could otherwise return before the one
	// that created it has made it durable.
	mkdirMu sync.Mutex
	durable sync.Map // dir path -> struct{}
}

var _ Store = (*Dir)(nil)

// OpenDir opens the blob directory root, creating it if needed. The caller
// must hold the data directory exclusively: OpenDir discards every
// temporary file, as no write can be in progress.
func OpenDir(root string, fsys FS) (*Dir, error) {
	if fsys == nil {
		fsys = OS
	}
	d := &Dir{root: root, fs: fsys, Grace: DefaultGrace, now: time.Now}
	tmp := filepath.Join(root, tmpDir)
	if err := fsys.MkdirAll(tmp); err != nil {
		return nil, fmt.Errorf("blob: open %s: %w", root, err)
	}
	// Fan-out directories hang off root, so root's own entry must be durable.
	if err := fsys.SyncDir(filepath.Dir(root)); err != nil {
		return nil, fmt.Errorf("blob: open %s: %w", root, err)
	}
	entries, err := fsys.ReadDir(tmp)
	if err != nil {
		return nil, fmt.Errorf("blob: open %s: %w", root, err)
	}
	for _, e := range entries {
		if err := fsys.Remove(filepath.Join(tmp, e.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("blob: open %s: clear temporary files: %w", root, err)
		}
	}
	return d, nil
}

// newID returns 128 random bits in hex. IDs never derive from anything a
// client sends, so they cannot collide on purpose or name a path.
func newID() (string, error) {
	var b [idBytes]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("blob: new id: %w", err)
	}
	return hex.EncodeToString(b[:]), nil
}

// validID reports whether id is 32 lowercase hex digits, the only form
// newID produces.
func validID(id string) bool {
	return len(id) == 2*idBytes && isLowerHex(id)
}

func isLowerHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

func (d *Dir) tmpPath(id string) string { return filepath.Join(d.root, tmpDir, id) }

func (d *Dir) blobDir(id string) string { return filepath.Join(d.root, id[0:2], id[2:4]) }

func (d *Dir) blobPath(id string) string { return filepath.Join(d.blobDir(id), id) }

// Open opens a committed blob for reading.
func (d *Dir) Open(ctx context.Context, id string) (Reader, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if !validID(id) {
		return nil, fmt.Errorf("blob: open %q: %w: %w", id, ErrNotFound, ErrInvalidID)
	}
	f, err := d.fs.Open(d.blobPath(id))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("blob: open %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, wrapErr("open", id, err)
	}
	st, err := f.Stat()
	if err != nil {
		_ = f.Close()
		return nil, wrapErr("open", id, err)
	}
	return &reader{f: f, size: st.Size()}, nil
}

// reader is a committed blob open for reading. The size is taken at open:
// committed blobs never change.
type reader struct {
	f    File
	size int64
}

func (r *reader) ReadAt(p []byte, off int64) (int, error) { return r.f.ReadAt(p, off) }
func (r *reader) Close() error                            { return r.f.Close() }
func (r *reader) Size() int64                             { return r.size }

// Delete removes a committed blob. It does not fsync the directory: if a
// crash brings the file back, nothing references it any more and GC removes
// it again, so the extra fsync would buy nothing.
func (d *Dir) Delete(ctx context.Context, id string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if !validID(id) {
		return fmt.Errorf("blob: delete %q: %w", id, ErrInvalidID)
	}
	if err := d.fs.Remove(d.blobPath(id)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return wrapErr("delete", id, err)
	}
	return nil
}

// ensureBlobDir creates the fan-out directories for id if needed and makes
// their entries durable: a rename into a directory is only durable once the
// directory itself is.
func (d *Dir) ensureBlobDir(id string) error {
	leaf := d.blobDir(id)
	if _, ok := d.durable.Load(leaf); ok {
		return nil
	}
	d.mkdirMu.Lock()
	defer d.mkdirMu.Unlock()
	mid := filepath.Dir(leaf)
	for _, dir := range []string{mid, leaf} {
		if _, ok := d.durable.Load(dir); ok {
			continue
		}
		if err := d.fs.Mkdir(dir); err != nil && !errors.Is(err, fs.ErrExist) {
			return err
		}
		if err := d.fs.SyncDir(filepath.Dir(dir)); err != nil {
			return err
		}
		d.durable.Store(dir, struct{}{})
	}
	return nil
}
