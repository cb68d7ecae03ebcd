// Package meta is the seam between the object service and a metadata engine.
//
// The object service needs exactly three things from an engine: point reads,
// ordered range scans that can seek (so a delimiter listing skips a whole
// common prefix in one step), and serializable read-modify-write transactions
// that are durable when they return. An embedded LSM engine and a distributed
// SQL/KV engine can both serve this interface; nothing above it may rely on
// in-process locks for correctness.
package meta

import (
	"context"
	"errors"
)

// ErrNotFound is returned by Get when the key does not exist.
var ErrNotFound = errors.New("meta: key not found")

// ErrConflict is returned by Update when a concurrent transaction made the
// read set stale. Engines with optimistic concurrency return it; Update
// retries internally a bounded number of times before surfacing it.
var ErrConflict = errors.New("meta: transaction conflict")

// ErrUnavailable is returned when the engine cannot be reached in time (a
// database restarting, a network stall). Nothing was written unless the
// error also matches ErrCommitUnknown; the request may be retried.
var ErrUnavailable = errors.New("meta: metadata engine unavailable")

// ErrCommitUnknown is returned (together with ErrUnavailable) when the
// connection failed while a commit was in flight: the transaction may or
// may not have committed. Callers must not undo side effects that the
// transaction would reference (a data file it points to, say); the orphan
// collector reclaims them when the commit did not happen.
var ErrCommitUnknown = errors.New("meta: commit outcome unknown")

// Reader reads committed state (or, inside a transaction, the transaction's
// own view including its uncommitted writes).
type Reader interface {
	// Get returns a copy of the value stored at key, or ErrNotFound.
	Get(ctx context.Context, key []byte) ([]byte, error)
	// NewIter returns an iterator over keys in [lower, upper). A nil upper
	// means no upper bound. The iterator is unpositioned: call First or SeekGE.
	NewIter(ctx context.Context, lower, upper []byte) (Iterator, error)
}

// Iterator walks keys in ascending byte order. Key and Value are valid only
// until the next positioning call; copy them to keep them.
type Iterator interface {
	First() bool
	SeekGE(key []byte) bool
	Next() bool
	Valid() bool
	Key() []byte
	Value() ([]byte, error)
	// Error reports an error that ended iteration early.
	Error() error
	Close() error
}

// Txn is a serializable read-write transaction.
type Txn interface {
	Reader
	Set(key, value []byte) error
	Delete(key []byte) error
}

// Store is a metadata engine.
type Store interface {
	Reader
	// Update runs fn in a serializable transaction and commits its writes
	// atomically. When Update returns nil the writes are durable (synced to
	// stable storage). If fn returns an error nothing is written and that
	// error is returned unchanged. fn may run more than once on conflict, so
	// it must not have side effects outside the transaction.
	Update(ctx context.Context, fn func(Txn) error) error
	Close() error
}

// PrefixEnd returns the smallest key greater than every key that starts with
// prefix, or nil when no such key exists (prefix is all 0xff).
func PrefixEnd(prefix []byte) []byte {
	end := append([]byte(nil), prefix...)
	for i := len(end) - 1; i >= 0; i-- {
		end[i]++
		if end[i] != 0 {
			return end[:i+1]
		}
	}
	return nil
}

// Prefetcher is implemented by transactions of engines where each read is
// a network round trip: Prefetch reads keys the transaction is about to
// Get in one round trip, inside the transaction, so the Gets that follow
// cost nothing. Keys already written by the transaction keep their
// written state.
type Prefetcher interface {
	Prefetch(ctx context.Context, keys ...[]byte) error
}

// Prefetch asks r to read keys ahead when it can; otherwise it does
// nothing (the later Gets read them one by one).
func Prefetch(ctx context.Context, r Reader, keys ...[]byte) error {
	if p, ok := r.(Prefetcher); ok {
		return p.Prefetch(ctx, keys...)
	}
	return nil
}

// Snapshot is a read-only view of the store frozen at the moment it was
// taken: writes committed afterwards are not seen. Several iterators may
// be open at once, but its calls must come from one goroutine at a time.
// Close releases it.
type Snapshot interface {
	Reader
	Close() error
}

// Snapshotter is implemented by engines that can hold a consistent view
// open for a long scan (an inventory of a whole bucket) without holding
// a transaction.
type Snapshotter interface {
	Snapshot(ctx context.Context) (Snapshot, error)
}
