// Package pgmeta is the shared metadata engine: meta.Store on a database
// that speaks PostgreSQL's wire protocol (PostgreSQL 15+, CockroachDB,
// YugabyteDB), so several gateways can serve one store.
//
// Every key and value lives in one table, hoard_kv (k BYTEA primary key,
// v BYTEA), ordered by the bytes of k. Reads are single statements; range
// scans page through the primary key with keyset queries (k >= $1 ORDER
// BY k LIMIT n), so a seek is one indexed query and no iterator pulls more
// of a range than it walks. Update runs a SERIALIZABLE transaction whose
// writes are buffered in the gateway and sent together with COMMIT in one
// pipelined round trip; the database's own conflict detection (SQLSTATE
// 40001) replaces the commit lock of the embedded engine, and Update
// retries fn a bounded number of times. Only the SQL that all three
// databases accept is used; the one difference (YugabyteDB hashes a
// primary key unless told ASC) is in schema.go.
package pgmeta

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/hoard-s3/hoard/internal/meta"
)

// Options tunes the engine. The zero value gives the defaults.
type Options struct {
	// Timeout bounds every read and every Update, retries included
	// (default 10 s): a stalled database costs a request this long, then
	// meta.ErrUnavailable.
	Timeout time.Duration
	// MaxConns is the pool size (default 4 per CPU, at least 8).
	MaxConns int32
	// MaxRetries is how many times Update re-runs fn after a
	// serialization failure before it returns meta.ErrConflict (default 12).
	MaxRetries int
	// Logger receives warnings (default slog.Default()).
	Logger *slog.Logger
}

const (
	defaultTimeout    = 10 * time.Second
	defaultMaxRetries = 12
	connectTimeout    = 5 * time.Second
)

// Store implements meta.Store on a connection pool.
type Store struct {
	pool    *pgxpool.Pool
	opts    Options
	dialect dialect
}

var _ meta.Store = (*Store)(nil)

// Open connects to the database at url (postgres://…), creates or
// migrates the schema and returns the store.
func Open(ctx context.Context, url string, opts Options) (*Store, error) {
	if opts.Timeout <= 0 {
		opts.Timeout = defaultTimeout
	}
	if opts.MaxRetries <= 0 {
		opts.MaxRetries = defaultMaxRetries
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("pgmeta: parse %s: %w", redact(url), err)
	}
	if cfg.ConnConfig.ConnectTimeout == 0 {
		cfg.ConnConfig.ConnectTimeout = connectTimeout
	}
	if opts.MaxConns > 0 {
		cfg.MaxConns = opts.MaxConns
	} else if cfg.MaxConns < 8 {
		cfg.MaxConns = 8
	}
	// A pooled connection that went dead while idle (the database
	// restarted) is found by the health check rather than by a request.
	cfg.HealthCheckPeriod = 5 * time.Second
	ctx, cancel := context.WithTimeout(ctx, 3*opts.Timeout)
	defer cancel()
	d, err := detect(ctx, cfg.ConnConfig)
	if err != nil {
		return nil, fmt.Errorf("pgmeta: connect to %s: %w", redact(url), err)
	}
	if d.syncCommit() {
		// Durable on return: a commit waits for its WAL flush, whatever
		// the server's default says.
		cfg.ConnConfig.RuntimeParams["synchronous_commit"] = "on"
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("pgmeta: connect to %s: %w", redact(url), err)
	}
	s := &Store{pool: pool, opts: opts, dialect: d}
	if err := s.migrate(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return s, nil
}

// Dialect names the database found at Open ("postgres", "cockroach" or
// "yugabyte").
func (s *Store) Dialect() string { return string(s.dialect) }

// Close closes the pool.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// Get reads the committed value at key.
func (s *Store) Get(ctx context.Context, key []byte) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, s.opts.Timeout)
	defer cancel()
	v, err := getRow(ctx, s.pool, key)
	return v, classify("get", err)
}

// NewIter returns an iterator over committed keys in [lower, upper). Each
// page is its own statement, so the iterator is not a snapshot: a key
// written meanwhile may or may not appear, but keys come in order and
// never twice.
func (s *Store) NewIter(ctx context.Context, lower, upper []byte) (meta.Iterator, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return newPager(ctx, s.pool, s.opts.Timeout, lower, upper), nil
}

// querier is a pool or a connection in a transaction.
type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

const getSQL = `SELECT v FROM hoard_kv WHERE k = $1`

func getRow(ctx context.Context, q querier, key []byte) ([]byte, error) {
	var v []byte
	err := q.QueryRow(ctx, getSQL, key).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, meta.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	if v == nil {
		v = []byte{}
	}
	return v, nil
}
