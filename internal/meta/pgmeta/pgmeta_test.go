package pgmeta

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/hoard-s3/hoard/internal/meta"
	"github.com/hoard-s3/hoard/internal/meta/metatest"
	"github.com/hoard-s3/hoard/internal/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m, true) }

func openTest(t testing.TB) *Store {
	t.Helper()
	s, err := Open(context.Background(), pgtest.Database(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func TestStore(t *testing.T) {
	metatest.Run(t, func(t *testing.T) meta.Store { return openTest(t) })
}

// Gateways starting at once on an empty database all come up, and the
// schema is created once.
func TestOpenConcurrentMigration(t *testing.T) {
	url := pgtest.Database(t)
	errs := make(chan error, 8)
	for i := 0; i < 8; i++ {
		go func() {
			s, err := Open(context.Background(), url, Options{})
			if err == nil {
				err = s.Update(context.Background(), func(tx meta.Txn) error { return tx.Set([]byte("k"), []byte("v")) })
				s.Close()
			}
			errs <- err
		}()
	}
	for i := 0; i < 8; i++ {
		if err := <-errs; err != nil {
			t.Fatalf("open %d: %v", i, err)
		}
	}
	s := openURL(t, url)
	var v int
	if err := s.pool.QueryRow(context.Background(), `SELECT version FROM hoard_schema WHERE id = 1`).Scan(&v); err != nil || v != schemaVersion() {
		t.Fatalf("schema version %d, %v", v, err)
	}
	// A schema newer than the binary is refused.
	if _, err := s.pool.Exec(context.Background(), `UPDATE hoard_schema SET version = 99`); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(context.Background(), url, Options{}); err == nil || !strings.Contains(err.Error(), "version 99") {
		t.Fatalf("open of a newer schema: %v", err)
	}
}

func openURL(t *testing.T, url string) *Store {
	t.Helper()
	s, err := Open(context.Background(), url, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// A transaction blocked on another's row lock ends when its context does,
// and the database stops running its statement.
func TestCancelEndsTheQuery(t *testing.T) {
	url := pgtest.Database(t)
	s := openURL(t, url)
	ctx := context.Background()
	if err := s.Update(ctx, func(tx meta.Txn) error { return tx.Set([]byte("locked"), []byte("1")) }); err != nil {
		t.Fatal(err)
	}
	blocker, err := s.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer blocker.Rollback(ctx)
	if _, err := blocker.Exec(ctx, `UPDATE hoard_kv SET v = 'x' WHERE k = 'locked'`); err != nil {
		t.Fatal(err)
	}
	cctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	err = s.Update(cctx, func(tx meta.Txn) error {
		if _, err := tx.Get(cctx, []byte("other")); err != nil && !errors.Is(err, meta.ErrNotFound) {
			return err
		}
		return tx.Set([]byte("locked"), []byte("2"))
	})
	if err == nil || time.Since(start) > 3*time.Second {
		t.Fatalf("Update under a lock: %v after %s", err, time.Since(start))
	}
	// The statement is gone from the server, not left waiting on the lock.
	deadline := time.Now().Add(5 * time.Second)
	for {
		var n int
		err := s.pool.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()`).Scan(&n)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d statements still wait on the lock", n)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// A database that cannot be reached is meta.ErrUnavailable, within the
// timeout.
func TestUnreachableIsUnavailable(t *testing.T) {
	s := openTest(t)
	s.opts.Timeout = 500 * time.Millisecond
	s.pool.Reset()
	cfg := s.pool.Config()
	cfg.ConnConfig.Port = 1 // nothing listens there
	bad, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer bad.Close()
	s.pool = bad
	if _, err := s.Get(context.Background(), []byte("k")); !errors.Is(err, meta.ErrUnavailable) {
		t.Fatalf("Get: %v", err)
	}
	start := time.Now()
	err = s.Update(context.Background(), func(tx meta.Txn) error {
		_, err := tx.Get(context.Background(), []byte("k"))
		return err
	})
	if !errors.Is(err, meta.ErrUnavailable) || time.Since(start) > 3*time.Second {
		t.Fatalf("Update: %v after %s", err, time.Since(start))
	}
}
