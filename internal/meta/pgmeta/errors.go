package pgmeta

import (
	"context"
	"errors"
	"fmt"
	"net/url"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/hoard-s3/hoard/internal/meta"
)

// SQLSTATEs Update retries: a serialization failure (what all three
// databases report for a transaction that lost a conflict) and a deadlock.
const (
	codeSerialization = "40001"
	codeDeadlock      = "40P01"
)

func sqlState(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

// retryable reports a transaction that lost a conflict.
func retryable(err error) bool {
	c := sqlState(err)
	return c == codeSerialization || c == codeDeadlock
}

// connectionLost reports an error that is not the database's answer to a
// statement: the connection broke, timed out or could not be made. The
// server rolls back a transaction whose connection it lost.
func connectionLost(err error) bool {
	if err == nil || errors.Is(err, meta.ErrNotFound) {
		return false
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		// 57P01-03: the server is shutting down or starting; 08xxx:
		// connection exceptions. Both mean "try again elsewhere or later".
		return pe.Code[:2] == "08" || pe.Code == "57P01" || pe.Code == "57P02" || pe.Code == "57P03"
	}
	return true
}

// classify wraps err for the caller: not found stays itself, a broken or
// timed-out connection becomes meta.ErrUnavailable (unless the caller's own
// context ended, which stays the context's error).
func classify(op string, err error) error {
	switch {
	case err == nil, errors.Is(err, meta.ErrNotFound):
		return err
	case errors.Is(err, context.Canceled):
		return fmt.Errorf("pgmeta: %s: %w", op, err)
	case retryable(err):
		return fmt.Errorf("pgmeta: %s: %w: %w", op, meta.ErrConflict, err)
	case connectionLost(err):
		return fmt.Errorf("pgmeta: %s: %w: %w", op, meta.ErrUnavailable, err)
	}
	return fmt.Errorf("pgmeta: %s: %w", op, err)
}

// redact hides the password of a connection URL in messages.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "the metadata database"
	}
	return u.Redacted()
}
