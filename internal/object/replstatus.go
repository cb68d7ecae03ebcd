package object

import (
	"context"
	"errors"
	"fmt"

	"github.com/hoard-s3/hoard/internal/meta"
)

// ReplicationStatus is a version's x-amz-replication-status: on the
// source PENDING until the replicator delivered it, then COMPLETED (or
// FAILED while deliveries keep failing); REPLICA on the destination.
// Versions no replication rule matched have none.
type ReplicationStatus byte

// Replication states, as stored (one byte in the record's version block).
const (
	ReplNone ReplicationStatus = iota
	ReplPending
	ReplCompleted
	ReplFailed
	ReplReplica
)

var replNames = [...]string{"", "PENDING", "COMPLETED", "FAILED", "REPLICA"}

// String is the header value ("" for none).
func (s ReplicationStatus) String() string {
	if int(s) < len(replNames) {
		return replNames[s]
	}
	return ""
}

// ParseReplicationStatus reads a header value back.
func ParseReplicationStatus(v string) (ReplicationStatus, error) {
	for i, n := range replNames {
		if n == v {
			return ReplicationStatus(i), nil
		}
	}
	return ReplNone, fmt.Errorf("replication status %q: %w", v, ErrInvalidArgument)
}

// SetReplicationStatus records the outcome of a version's replication.
// Only the replicator calls it, for a version it queued: a version that
// is gone (deleted since) or not pending any more is left alone, so a
// late FAILED never overwrites a COMPLETED.
func (s *Service) SetReplicationStatus(ctx context.Context, bucket, key, versionID string, st ReplicationStatus) error {
	if st != ReplCompleted && st != ReplFailed && st != ReplPending {
		return fmt.Errorf("replication status %s: %w", st, ErrInvalidArgument)
	}
	err := s.meta.Update(ctx, func(tx meta.Txn) error {
		b, err := s.bucket(ctx, tx, bucket)
		if err != nil {
			return err
		}
		loc, err := findVersion(ctx, tx, b, key, versionID, modeFull)
		if errors.Is(err, ErrNoSuchVersion) {
			return nil
		}
		if err != nil {
			return err
		}
		switch cur := loc.rec.Repl; {
		case cur == st, cur == ReplReplica, cur == ReplNone && st != ReplPending, cur == ReplCompleted:
			return nil
		}
		loc.rec.Repl = st
		// The record's sealed metadata, if any, is written back unopened.
		return tx.Set(loc.mkey, loc.rec.encode())
	})
	if err != nil {
		return fmt.Errorf("replication status of %s/%s %s: %w", bucket, key, versionID, err)
	}
	return nil
}
