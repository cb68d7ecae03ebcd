// Package pebblemeta is the embedded metadata engine: meta.Store on Pebble.
//
// Reads go straight to Pebble. Writes go through Update, which runs one
// transaction at a time (a commit lock) so that every transaction sees the
// effects of all earlier ones: that is what makes them serializable without
// conflict detection. The lock is held only while fn runs and the batch is
// applied to the memtable; the WAL fsync happens after the lock is released,
// so one fsync, coalesced by Pebble's WAL writer, serves every transaction
// that applied while the previous fsync was in flight.
package pebblemeta

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/bloom"
	"github.com/cockroachdb/pebble/v2/vfs"

	"github.com/hoard-s3/hoard/internal/meta"
)

// ErrClosed is returned by every method after Close.
var ErrClosed = errors.New("pebblemeta: store is closed")

// Options tunes the engine. The zero value gives the defaults used by Open.
type Options struct {
	// FS is the filesystem Pebble writes to; nil means the OS, with files
	// 0600 and directories 0700 (private.go). Tests pass a crash-capable
	// in-memory FS.
	FS vfs.FS
	// CacheSize is the block cache size in bytes (default 64 MiB), on top
	// of what the memtables take from the cache (see OpenWith).
	CacheSize int64
	// MemTableSize is the memtable size in bytes (default 64 MiB). Batches
	// larger than half of it bypass the memtable.
	MemTableSize uint64
	// Logger receives Pebble's warnings and errors (default slog.Default()).
	Logger *slog.Logger
	// OnWALFailure is called when a commit's log write or fsync fails
	// (walfail.go); nil logs and exits the process.
	OnWALFailure func(error)
	// OnBackgroundFailure is called when a flush or compaction fails
	// after Open (bgfail.go); nil logs and exits the process. During Open
	// such a failure is Open's error instead.
	OnBackgroundFailure func(error)

	// syncUnderLock commits with pebble.Sync while holding the commit lock
	// instead of waiting for the fsync after releasing it. It exists only
	// so the benchmarks can compare the two strategies.
	syncUnderLock bool
}

const (
	defaultCacheSize    = 64 << 20
	defaultMemTableSize = 64 << 20
)

// Store implements meta.Store on a Pebble database.
type Store struct {
	db   *pebble.DB
	opts Options
	// commit is the commit lock, a channel so that waiting for it can be
	// abandoned when the caller's context ends.
	commit chan struct{}
	// unsynced counts transactions applied to the memtable whose WAL fsync
	// has not finished yet. A read-only transaction that may have observed
	// one of them waits for a sync before returning.
	unsynced atomic.Int64
	// life is read-held by every call in progress and write-held by Close,
	// so the DB is never closed under a running call (Pebble panics on use
	// after close).
	life   sync.RWMutex
	closed bool
	// bg is the first background failure; closing ends its watch.
	bg      *bgFailure
	closing chan struct{}
}

var _ meta.Store = (*Store)(nil)

// Open opens (creating if needed) the database in dir.
func Open(dir string) (*Store, error) { return OpenWith(dir, Options{}) }

// OpenWith opens (creating if needed) the database in dir with opts.
func OpenWith(dir string, opts Options) (*Store, error) {
	if opts.CacheSize <= 0 {
		opts.CacheSize = defaultCacheSize
	}
	if opts.MemTableSize == 0 {
		opts.MemTableSize = defaultMemTableSize
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	fs := opts.FS
	if fs == nil {
		fs = privateFS{vfs.Default}
		// Created 0700 (or narrowed) before Pebble looks at it.
		if err := fs.MkdirAll(dir, dirPerm); err != nil {
			return nil, fmt.Errorf("pebblemeta: create %s: %w", dir, err)
		}
	}
	// Pebble charges its memtables (up to two: the one written and the one
	// being flushed) to the block cache. A cache sized like a memtable was
	// all reservation: once memtables reached full size nothing was cached,
	// and every Get read index and data blocks from the file again.
	cache := pebble.NewCache(opts.CacheSize + 2*int64(opts.MemTableSize))
	// The DB takes its own reference; dropping ours lets Close free the cache.
	defer cache.Unref()
	bg := newBGFailure()
	po := &pebble.Options{
		FS:                 fs,
		Cache:              cache,
		MemTableSize:       opts.MemTableSize,
		Logger:             slogLogger{opts.Logger},
		FormatMajorVersion: pebble.FormatNewest,
		EventListener:      &pebble.EventListener{BackgroundError: bg.report},
	}
	// Most point reads are of keys that do not exist: every PUT of a new
	// key reads the key's current record, every request looks up bucket
	// settings that are seldom set. Without filters each such Get searched
	// every sstable that could hold the key (index and data blocks, often
	// from disk); a bloom filter per table (10 bits a key, 1 % false
	// positives) answers most of them from memory. The setting carries to
	// every level.
	po.Levels[0].FilterPolicy = bloom.FilterPolicy(10)
	db, err := openPebble(dir, po, bg)
	if err != nil {
		return nil, fmt.Errorf("pebblemeta: open %s: %w", dir, err)
	}
	s := &Store{db: db, opts: opts, commit: make(chan struct{}, 1), bg: bg, closing: make(chan struct{})}
	go s.watchBackground()
	return s, nil
}

// openPebble opens the database unless a background job fails first (see
// bgFailure); Open itself would then wait for ever.
func openPebble(dir string, po *pebble.Options, bg *bgFailure) (*pebble.DB, error) {
	type result struct {
		db  *pebble.DB
		err error
	}
	opened := make(chan result, 1)
	go func() {
		db, err := pebble.Open(dir, po)
		opened <- result{db, err}
	}()
	select {
	case r := <-opened:
		return r.db, r.err
	case <-bg.done:
		// The Open in progress stays blocked with its files open; the
		// caller is expected to stop the process.
		return nil, bg.err
	}
}

// Get returns a copy of the committed value at key. Like every Pebble read it
// may observe a transaction whose fsync is still in flight; the transaction's
// Update has not returned yet in that case.
func (s *Store) Get(ctx context.Context, key []byte) ([]byte, error) {
	if err := s.enter(ctx); err != nil {
		return nil, err
	}
	defer s.life.RUnlock()
	return get(s.db, key)
}

// NewIter returns an iterator over committed keys in [lower, upper).
func (s *Store) NewIter(ctx context.Context, lower, upper []byte) (meta.Iterator, error) {
	if err := s.enter(ctx); err != nil {
		return nil, err
	}
	defer s.life.RUnlock()
	return newIter(s.db, lower, upper)
}

// Close waits for calls in progress and closes the database. Iterators must
// be closed first.
func (s *Store) Close() error {
	s.life.Lock()
	defer s.life.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	close(s.closing)
	if err := s.bg.failed(); err != nil {
		// Pebble's mutex is held by the parked goroutine: closing would
		// wait for ever. The files are released when the process stops.
		return err
	}
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("pebblemeta: close: %w", err)
	}
	return nil
}

// enter read-holds s.life for a call; the caller must RUnlock on success.
func (s *Store) enter(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.life.RLock()
	if s.closed {
		s.life.RUnlock()
		return ErrClosed
	}
	if err := s.bg.failed(); err != nil {
		s.life.RUnlock()
		return err
	}
	return nil
}

// get reads key from a DB or an indexed batch and returns a copy: Pebble's
// slice is only valid until the closer is closed.
func get(r pebble.Reader, key []byte) ([]byte, error) {
	v, closer, err := r.Get(key)
	if errors.Is(err, pebble.ErrNotFound) {
		return nil, meta.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("pebblemeta: get: %w", err)
	}
	out := bytes.Clone(v)
	if out == nil {
		out = []byte{}
	}
	if err := closer.Close(); err != nil {
		return nil, fmt.Errorf("pebblemeta: get: %w", err)
	}
	return out, nil
}
