package pgmeta

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/hoard-s3/hoard/internal/meta"
)

// Snapshot implements meta.Snapshotter with a read-only REPEATABLE READ
// transaction: every read and page of its iterators sees the database as
// of the call. It holds one connection until Close, and back
// the database's cleanup of older rows meanwhile, so it is for scans of
// minutes (inventory reports), not for request paths. Its iterators
// page one statement at a time, each page read whole, so several may be
// open at once, used from one goroutine.
func (s *Store) Snapshot(ctx context.Context) (meta.Snapshot, error) {
	bctx, cancel := context.WithTimeout(ctx, s.opts.Timeout)
	defer cancel()
	tx, err := s.pool.BeginTx(bctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, classify("snapshot", err)
	}
	// PostgreSQL takes the snapshot at the transaction's first query,
	// not at BEGIN: take it now.
	if _, err := tx.Exec(bctx, "SELECT 1"); err != nil {
		tx.Rollback(context.Background())
		return nil, classify("snapshot", err)
	}
	return &snapshot{s: s, tx: tx}, nil
}

type snapshot struct {
	s  *Store
	tx pgx.Tx
}

func (n *snapshot) Get(ctx context.Context, key []byte) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, n.s.opts.Timeout)
	defer cancel()
	v, err := getRow(ctx, n.tx, key)
	return v, classify("get", err)
}

func (n *snapshot) NewIter(ctx context.Context, lower, upper []byte) (meta.Iterator, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return newPager(ctx, n.tx, n.s.opts.Timeout, lower, upper), nil
}

func (n *snapshot) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), n.s.opts.Timeout)
	defer cancel()
	return n.tx.Rollback(ctx)
}
