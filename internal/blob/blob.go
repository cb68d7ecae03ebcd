// Package blob stores object data as files named by random IDs.
//
// Keys never become file names (invariant 2). A blob is written to a
// temporary file, fsynced, renamed into place and its directory fsynced
// before Commit returns, so a blob that the metadata references is always
// complete. Blobs that no metadata references (a crash between Commit and the
// metadata commit, or between a metadata delete and the file removal) are
// reclaimed by GC. All disk access goes through FS so that tests can inject
// failures.
package blob

import (
	"context"
	"errors"
	"io"
)

// ErrNotFound is returned when a blob ID has no file.
var ErrNotFound = errors.New("blob: not found")

// ErrNoSpace is returned when the disk is full.
var ErrNoSpace = errors.New("blob: no space left on device")

// Writer receives a new blob's bytes.
type Writer interface {
	io.Writer
	// ID is the blob's identifier, valid from creation.
	ID() string
	// Commit makes the blob durable under its ID. After Commit the blob
	// exists even if the process crashes.
	Commit(ctx context.Context) error
	// Abort discards an uncommitted blob. It is safe after Commit (no-op).
	Abort() error
}

// Reader reads a committed blob.
type Reader interface {
	io.ReaderAt
	io.Closer
	Size() int64
}

// Store is the data-file engine.
type Store interface {
	Create(ctx context.Context) (Writer, error)
	Open(ctx context.Context, id string) (Reader, error)
	// Delete removes a committed blob durably. Deleting a missing blob is not
	// an error.
	Delete(ctx context.Context, id string) error
	// GC removes temporary files left by interrupted writes and committed
	// blobs for which referenced returns false. Blobs younger than the
	// store's grace period are kept, since their metadata commit may still
	// be on its way.
	GC(ctx context.Context, referenced func(ctx context.Context, id string) (bool, error)) (removed int, err error)
}

// IDCreator is a store that can create a blob under an id it issued
// elsewhere: a blob copied between tiers keeps its id, since the keys of
// encrypted parts are derived from it. Writing an id that exists already
// replaces the blob, which is harmless for a copy of the same bytes.
type IDCreator interface {
	CreateID(ctx context.Context, id string) (Writer, error)
}
