package pgmeta

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/hoard-s3/hoard/internal/meta"
)

var _ meta.Prefetcher = (*txn)(nil)

// errTxnDone guards against a transaction used after its fn returned.
var errTxnDone = errors.New("pgmeta: transaction already finished")

const (
	beginSQL  = `BEGIN ISOLATION LEVEL SERIALIZABLE`
	upsertSQL = `INSERT INTO hoard_kv (k, v) SELECT * FROM unnest($1::BYTEA[], $2::BYTEA[]) ON CONFLICT (k) DO UPDATE SET v = excluded.v`
	deleteSQL = `DELETE FROM hoard_kv WHERE k = ANY($1::BYTEA[])`
)

// Update runs fn in a SERIALIZABLE transaction. A serialization failure
// re-runs fn (bounded by MaxRetries and Timeout, with jittered backoff);
// so does a connection lost before COMMIT was sent, since the server
// rolled that transaction back. A connection lost during COMMIT is
// meta.ErrCommitUnknown: fn is not re-run, because it may have committed.
func (s *Store) Update(ctx context.Context, fn func(meta.Txn) error) error {
	ctx, cancel := context.WithTimeout(ctx, s.opts.Timeout)
	defer cancel()
	var err error
	for attempt := 0; ; attempt++ {
		var fnErr bool
		fnErr, err = s.attempt(ctx, fn)
		if err == nil || fnErr {
			return err
		}
		if errors.Is(err, meta.ErrCommitUnknown) || ctx.Err() != nil {
			break
		}
		if !retryable(err) && !connectionLost(err) {
			break
		}
		if attempt >= s.opts.MaxRetries {
			if retryable(err) {
				return fmt.Errorf("pgmeta: update: %w after %d attempts: %w", meta.ErrConflict, attempt+1, err)
			}
			break
		}
		if !sleep(ctx, backoff(attempt)) {
			break
		}
	}
	if errors.Is(err, meta.ErrCommitUnknown) {
		return err
	}
	return classify("update", err)
}

// backoff grows from about a millisecond to about 100 ms, with jitter so
// transactions that collided do not collide again in step.
func backoff(attempt int) time.Duration {
	d := time.Millisecond << min(attempt, 7)
	return d/2 + rand.N(d)
}

func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// attempt runs fn once. fnErr reports that err is fn's own.
func (s *Store) attempt(ctx context.Context, fn func(meta.Txn) error) (fnErr bool, err error) {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return false, err
	}
	// Release destroys a connection left inside a transaction or broken,
	// so it never serves another request in that state.
	defer conn.Release()
	t := &txn{conn: conn, ctx: ctx, writes: newOverlay()}
	err = t.run(fn)
	if err != nil {
		if t.began {
			t.rollback()
		}
		if t.dbErr != nil && errors.Is(err, t.dbErr) {
			return false, err // a database error fn passed on
		}
		return true, err
	}
	if err := ctx.Err(); err != nil {
		if t.began {
			t.rollback()
		}
		return false, err
	}
	if t.dbErr != nil {
		// fn went on after a failed read; the transaction is aborted and
		// COMMIT would only roll it back.
		t.rollback()
		return false, t.dbErr
	}
	if err := t.commit(); err != nil {
		// A refused commit leaves the session in the aborted transaction;
		// ending it keeps the connection for the pool.
		t.rollback()
		return false, err
	}
	return false, nil
}

// txn is a meta.Txn: reads go to the database inside the transaction,
// with the transaction's own buffered writes laid over them; writes stay in
// the gateway until commit.
type txn struct {
	conn   *pgxpool.Conn
	ctx    context.Context
	writes *overlay
	began  bool
	done   bool
	iters  []*merged
	// dbErr is the last error the database gave a read, so attempt can
	// tell a conflict fn passed on from fn's own error.
	dbErr error
	// fetched holds what Prefetch read, nil values for absent keys.
	fetched map[string][]byte
}

func (t *txn) run(fn func(meta.Txn) error) error {
	defer func() {
		t.done = true
		for _, it := range t.iters {
			_ = it.Close()
		}
	}()
	return fn(t)
}

// begin starts the transaction with the first statement: BEGIN is queued
// in the same pipeline, so it costs no round trip of its own.
func (t *txn) begin(b *pgx.Batch) {
	if !t.began {
		b.Queue(beginSQL)
		t.began = true
	}
}

// query sends BEGIN (the first time) and one statement in one round trip.
func (t *txn) query(sql string, args ...any) (pgx.Rows, func(), error) {
	b := &pgx.Batch{}
	first := !t.began
	t.begin(b)
	b.Queue(sql, args...)
	br := t.conn.SendBatch(t.ctx, b)
	if first {
		if _, err := br.Exec(); err != nil {
			br.Close()
			return nil, nil, t.fail(err)
		}
	}
	rows, err := br.Query()
	if err != nil {
		br.Close()
		return nil, nil, t.fail(err)
	}
	return rows, func() { rows.Close(); br.Close() }, nil
}

func (t *txn) fail(err error) error {
	t.dbErr = err
	return err
}

func (t *txn) Get(ctx context.Context, key []byte) ([]byte, error) {
	if t.done {
		return nil, errTxnDone
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if e, ok := t.writes.get(key); ok {
		if e.deleted {
			return nil, meta.ErrNotFound
		}
		return append([]byte{}, e.value...), nil
	}
	if v, ok := t.fetched[string(key)]; ok {
		if v == nil {
			return nil, meta.ErrNotFound
		}
		return append([]byte{}, v...), nil
	}
	rows, done, err := t.query(getSQL, key)
	if err != nil {
		return nil, err
	}
	defer done()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return nil, t.fail(err)
		}
		return nil, meta.ErrNotFound
	}
	var v []byte
	if err := rows.Scan(&v); err != nil {
		return nil, t.fail(err)
	}
	if v == nil {
		v = []byte{}
	}
	return v, nil
}

const prefetchSQL = `SELECT k, v FROM hoard_kv WHERE k = ANY($1::BYTEA[])`

// Prefetch reads keys in one statement (and one round trip, BEGIN
// included the first time) inside the transaction; Get answers them from
// memory afterwards. The rows are read in the transaction like any Get,
// so serializability is unchanged.
func (t *txn) Prefetch(ctx context.Context, keys ...[]byte) error {
	if t.done {
		return errTxnDone
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	var want [][]byte
	for _, k := range keys {
		if _, ok := t.writes.get(k); ok {
			continue
		}
		if _, ok := t.fetched[string(k)]; !ok && k != nil {
			want = append(want, k)
		}
	}
	if len(want) == 0 {
		return nil
	}
	rows, done, err := t.query(prefetchSQL, want)
	if err != nil {
		return err
	}
	defer done()
	found, err := scanPage(rows)
	if err != nil {
		return t.fail(err)
	}
	if t.fetched == nil {
		t.fetched = map[string][]byte{}
	}
	for _, k := range want {
		t.fetched[string(k)] = nil
	}
	for _, r := range found {
		t.fetched[string(r.k)] = r.v
	}
	return nil
}

func (t *txn) NewIter(ctx context.Context, lower, upper []byte) (meta.Iterator, error) {
	if t.done {
		return nil, errTxnDone
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	db := &pager{lower: clone(lower), upper: clone(upper), fetch: t.fetchPage}
	it := newMerged(db, t.writes.snapshot(lower, upper))
	t.iters = append(t.iters, it)
	return it, nil
}

// fetchPage reads one page of the range inside the transaction.
func (t *txn) fetchPage(from, upper []byte, limit int) ([]kv, error) {
	sql, args := pageQuery(from, upper, limit)
	rows, done, err := t.query(sql, args...)
	if err != nil {
		return nil, err
	}
	defer done()
	out, err := scanPage(rows)
	if err != nil {
		return nil, t.fail(err)
	}
	return out, nil
}

func (t *txn) Set(key, value []byte) error {
	if t.done {
		return errTxnDone
	}
	t.writes.set(key, value)
	return nil
}

func (t *txn) Delete(key []byte) error {
	if t.done {
		return errTxnDone
	}
	t.writes.del(key)
	return nil
}

// commit sends the buffered writes and COMMIT in one pipeline: a
// transaction that read nothing is one round trip in all.
func (t *txn) commit() error {
	sets, vals, dels := t.writes.split()
	if !t.began && len(sets) == 0 && len(dels) == 0 {
		return nil
	}
	b := &pgx.Batch{}
	t.begin(b)
	if len(sets) > 0 {
		b.Queue(upsertSQL, sets, vals)
	}
	if len(dels) > 0 {
		b.Queue(deleteSQL, dels)
	}
	b.Queue(`COMMIT`)
	err := sendCommit(t.conn.SendBatch(t.ctx, b), b.Len())
	switch {
	case err == nil:
		return nil
	case retryable(err):
		// The database refused the commit (or a write before it): nothing
		// was written.
		return err
	case connectionLost(err):
		return fmt.Errorf("pgmeta: commit: %w: %w: %w", meta.ErrUnavailable, meta.ErrCommitUnknown, err)
	}
	return err
}

// sendCommit reads the results of a commit pipeline. The last statement
// is COMMIT, which a server that aborted the transaction answers with
// the tag ROLLBACK instead of an error.
func sendCommit(br pgx.BatchResults, n int) error {
	var err error
	for i := 0; i < n && err == nil; i++ {
		var tag pgconn.CommandTag
		tag, err = br.Exec()
		if err == nil && i == n-1 && tag.String() != "COMMIT" {
			err = fmt.Errorf("pgmeta: the database answered COMMIT with %q", tag.String())
		}
	}
	return errors.Join(err, br.Close())
}

func (t *txn) rollback() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_, _ = t.conn.Exec(ctx, `ROLLBACK`)
}

func clone(b []byte) []byte {
	if b == nil {
		return nil
	}
	return append([]byte{}, b...)
}
