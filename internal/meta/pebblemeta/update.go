package pebblemeta

import (
	"context"
	"errors"
	"fmt"

	"github.com/cockroachdb/pebble/v2"

	"github.com/hoard-s3/hoard/internal/meta"
)

// errTxnDone guards against a transaction used after its fn returned.
var errTxnDone = errors.New("pebblemeta: transaction already finished")

// Update runs fn in a serializable transaction and returns once its writes
// are durable. Transactions never conflict (they run one at a time), so fn
// runs exactly once.
func (s *Store) Update(ctx context.Context, fn func(meta.Txn) error) error {
	if err := s.enter(ctx); err != nil {
		return err
	}
	defer s.life.RUnlock()
	b, sawUnsynced, err := s.apply(ctx, fn)
	if err != nil {
		return err
	}
	if b == nil {
		if sawUnsynced {
			// fn may have read state whose fsync is still in flight; make
			// sure what it saw is durable before the caller acts on it.
			if err := s.db.LogData(nil, pebble.Sync); err != nil {
				return s.walFailed(fmt.Errorf("pebblemeta: sync: %w", err))
			}
		}
		return nil
	}
	defer s.unsynced.Add(-1)
	// Waiting here, outside the commit lock, is what lets one WAL fsync
	// cover the batches of every writer that applied meanwhile.
	err = b.SyncWait()
	if cerr := b.Close(); err == nil && cerr != nil {
		err = cerr
	}
	if err != nil {
		return s.walFailed(fmt.Errorf("pebblemeta: commit: %w", err))
	}
	return nil
}

// apply runs fn under the commit lock and applies its batch to the memtable.
// It returns the batch still waiting for its fsync, or nil when fn wrote
// nothing or the commit already synced.
func (s *Store) apply(ctx context.Context, fn func(meta.Txn) error) (*pebble.Batch, bool, error) {
	select {
	case s.commit <- struct{}{}:
	case <-ctx.Done():
		return nil, false, ctx.Err()
	}
	defer func() { <-s.commit }()
	if err := ctx.Err(); err != nil {
		return nil, false, err
	}
	t := &txn{b: s.db.NewIndexedBatch()}
	err := t.run(fn)
	if err == nil {
		err = ctx.Err() // the last moment a cancellation can stop the commit
	}
	if err != nil || t.b.Empty() {
		_ = t.b.Close()
		return nil, s.unsynced.Load() > 0, err
	}
	if s.opts.syncUnderLock {
		err = t.b.Commit(pebble.Sync)
		_ = t.b.Close()
		if err != nil {
			return nil, false, s.walFailed(fmt.Errorf("pebblemeta: commit: %w", err))
		}
		return nil, false, nil
	}
	// Visible to later transactions as soon as this returns, which keeps
	// them serializable; their own fsync comes after ours in the WAL, so
	// none can be durable without this one.
	if err := s.db.ApplyNoSyncWait(t.b, pebble.Sync); err != nil {
		_ = t.b.Close()
		return nil, false, fmt.Errorf("pebblemeta: commit: %w", err)
	}
	s.unsynced.Add(1)
	return t.b, false, nil
}

// txn is a meta.Txn over an indexed batch: reads see the batch's own writes
// on top of the database.
type txn struct {
	b     *pebble.Batch
	iters []*iter
	done  bool
}

// run calls fn and then closes any iterator fn left open, since the batch
// they read from is about to be committed or discarded.
func (t *txn) run(fn func(meta.Txn) error) error {
	defer func() {
		t.done = true
		for _, it := range t.iters {
			_ = it.Close()
		}
	}()
	return fn(t)
}

func (t *txn) Get(ctx context.Context, key []byte) ([]byte, error) {
	if t.done {
		return nil, errTxnDone
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return get(t.b, key)
}

func (t *txn) NewIter(ctx context.Context, lower, upper []byte) (meta.Iterator, error) {
	if t.done {
		return nil, errTxnDone
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	it, err := newIter(t.b, lower, upper)
	if err != nil {
		return nil, err
	}
	if pi, ok := it.(*iter); ok {
		t.iters = append(t.iters, pi)
	}
	return it, nil
}

// Set and Delete copy key and value into the batch, so callers may reuse
// their buffers.
func (t *txn) Set(key, value []byte) error {
	if t.done {
		return errTxnDone
	}
	if err := t.b.Set(key, value, nil); err != nil {
		return fmt.Errorf("pebblemeta: set: %w", err)
	}
	return nil
}

func (t *txn) Delete(key []byte) error {
	if t.done {
		return errTxnDone
	}
	if err := t.b.Delete(key, nil); err != nil {
		return fmt.Errorf("pebblemeta: delete: %w", err)
	}
	return nil
}
