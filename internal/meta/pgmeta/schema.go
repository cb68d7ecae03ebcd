package pgmeta

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// dialect is the database behind the wire protocol. Only the schema's DDL
// and one session setting depend on it; every query is the same.
type dialect string

const (
	postgres  dialect = "postgres"
	cockroach dialect = "cockroach"
	yugabyte  dialect = "yugabyte"
)

// syncCommit reports whether the dialect has PostgreSQL's
// synchronous_commit (CockroachDB's commits are replicated and durable by
// construction and it has no such setting to rely on).
func (d dialect) syncCommit() bool { return d != cockroach }

func detect(ctx context.Context, cfg *pgx.ConnConfig) (dialect, error) {
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return "", err
	}
	defer conn.Close(context.Background())
	var v string
	if err := conn.QueryRow(ctx, `SELECT version()`).Scan(&v); err != nil {
		return "", err
	}
	switch {
	case strings.Contains(v, "CockroachDB"):
		return cockroach, nil
	case strings.Contains(v, "-YB-"):
		return yugabyte, nil
	}
	return postgres, nil
}

// migrations are the schema's versions in order; migration i brings the
// schema from version i to i+1. Each statement is idempotent, so a
// migration interrupted half-way is simply run again.
var migrations = []func(dialect) []string{
	func(d dialect) []string {
		// YugabyteDB shards a primary key by hash unless told ASC, which
		// would make every range scan visit every tablet; PostgreSQL does
		// not accept ASC there, and CockroachDB orders ascending anyway.
		pk := "k BYTEA PRIMARY KEY"
		if d == yugabyte {
			pk = "k BYTEA, PRIMARY KEY (k ASC)"
		}
		return []string{`CREATE TABLE IF NOT EXISTS hoard_kv (` + pk + `, v BYTEA NOT NULL)`}
	},
}

// schemaVersion is the version this binary writes.
func schemaVersion() int { return len(migrations) }

// migrate brings the schema to schemaVersion. Several gateways may start
// at once: the one that takes the row lock on hoard_schema's single row
// (SELECT … FOR UPDATE, which all three databases have, where advisory
// locks are missing or no-ops in CockroachDB) runs the DDL on a second
// connection while holding it; the others wait for the lock and then find
// the schema current. A gateway that dies mid-migration drops its
// connection and with it the lock.
func (s *Store) migrate(ctx context.Context) error {
	if err := s.retrySetup(ctx, func(ctx context.Context) error {
		_, err := s.pool.Exec(ctx, `CREATE TABLE IF NOT EXISTS hoard_schema (id INT PRIMARY KEY, version INT NOT NULL)`)
		if err != nil {
			return err
		}
		_, err = s.pool.Exec(ctx, `INSERT INTO hoard_schema (id, version) VALUES (1, 0) ON CONFLICT (id) DO NOTHING`)
		return err
	}); err != nil {
		return fmt.Errorf("pgmeta: create schema table: %w", err)
	}
	return s.retrySetup(ctx, s.migrateLocked)
}

func (s *Store) migrateLocked(ctx context.Context) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(context.Background())
	var v int
	if err := tx.QueryRow(ctx, `SELECT version FROM hoard_schema WHERE id = 1 FOR UPDATE`).Scan(&v); err != nil {
		return err
	}
	if v > schemaVersion() {
		return permanent{fmt.Errorf("pgmeta: the database's schema is version %d; this hoard knows up to %d (upgrade hoard)", v, schemaVersion())}
	}
	if v == schemaVersion() {
		return tx.Commit(ctx)
	}
	for i := v; i < schemaVersion(); i++ {
		for _, stmt := range migrations[i](s.dialect) {
			if _, err := s.pool.Exec(ctx, stmt); err != nil {
				return fmt.Errorf("migration %d: %w", i+1, err)
			}
		}
	}
	if _, err := tx.Exec(ctx, `UPDATE hoard_schema SET version = $1 WHERE id = 1`, schemaVersion()); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return err
	}
	s.opts.Logger.Info("metadata schema migrated", "from", v, "to", schemaVersion(), "dialect", s.dialect)
	return nil
}

// permanent marks a setup error that retrying cannot cure.
type permanent struct{ error }

func (p permanent) Unwrap() error { return p.error }

// retrySetup runs a start-up step again when it lost a race with another
// gateway's: a serialization failure, or the errors PostgreSQL gives one
// of two sessions that create the same table at once despite IF NOT EXISTS
// (23505 on its catalog, 42P07 duplicate table, 42710 duplicate object: the
// table's row type).
func (s *Store) retrySetup(ctx context.Context, step func(context.Context) error) error {
	var err error
	for attempt := 0; attempt < 20; attempt++ {
		err = step(ctx)
		if err == nil {
			return nil
		}
		if _, ok := err.(permanent); ok {
			return err
		}
		switch sqlState(err) {
		case codeSerialization, codeDeadlock, "23505", "42P07", "42710":
		default:
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(time.Duration(10+attempt*20) * time.Millisecond):
		}
	}
	return err
}
