package object

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/hoard-s3/hoard/internal/event"
	"github.com/hoard-s3/hoard/internal/meta"
)

func (s *Service) log() *slog.Logger { return slog.Default().With("component", "object") }

// current reads the current record of a key through r, header only; nil
// when the key does not exist.
func (s *Service) current(ctx context.Context, r meta.Reader, bucket, key string) (*record, error) {
	rec, err := readRecord(ctx, r, bucket, key, false)
	if err != nil || rec == nil {
		return nil, err
	}
	if err := s.openRecordMeta(bucket, key, rec); err != nil {
		return nil, err
	}
	return rec, nil
}

func readRecord(ctx context.Context, r meta.Reader, bucket, key string, withData bool) (*record, error) {
	mode := modeHeader
	if withData {
		mode = modeFull
	}
	return readRecordMode(ctx, r, bucket, key, mode)
}

func readRecordMode(ctx context.Context, r meta.Reader, bucket, key string, mode decodeMode) (*record, error) {
	v, err := r.Get(ctx, objectKey(bucket, key))
	if errors.Is(err, meta.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s/%s: %w", bucket, key, err)
	}
	rec, err := decodeRecordMode(v, mode)
	if err != nil {
		return nil, fmt.Errorf("%s/%s: %w", bucket, key, err)
	}
	return rec, nil
}

// existing reads a version that must exist (vid "" for the latest):
// ErrNoSuchBucket, ErrNoSuchKey or ErrNoSuchVersion otherwise (see
// readVersion for delete markers).
func (s *Service) existing(ctx context.Context, r meta.Reader, bucket, key, vid string, withData bool) (*record, error) {
	mode := modeHeader
	if withData {
		mode = modeFull
	}
	return s.existingMode(ctx, r, bucket, key, vid, mode)
}

func (s *Service) existingMode(ctx context.Context, r meta.Reader, bucket, key, vid string, mode decodeMode) (*record, error) {
	loc, err := s.readVersion(ctx, r, bucket, key, vid, mode)
	if err != nil {
		return nil, err
	}
	return loc.rec, nil
}

// commitRecord makes rec the latest version of bucket/key in one
// transaction: it re-checks the bucket, evaluates the write conditions
// against the latest version, and stores rec as versioning says
// (putVersion), with the reverse index of its blob. It returns the
// replaced blobs, which the caller deletes once the commit is durable, and
// leaves rec stamped with its version id and time.
func (s *Service) commitRecord(ctx context.Context, bucket, key string, rec *record, cond WriteConditions) ([]string, error) {
	okey := objectKey(bucket, key)
	now := rec.ModTime
	var old []string
	err := s.meta.Update(ctx, func(tx meta.Txn) error {
		// What the commit reads of an unversioned key, in one round trip
		// where reads are remote (pgmeta); versioned keys read more.
		ahead := [][]byte{bucketKey(bucket), okey, markerPtrKey(bucket, key), nullPtrKey(bucket, key)}
		if s.cfg.Replication != nil {
			ahead = append(ahead, configKey(bucket, cfgReplication)) // read by queueReplication
		}
		if rec.BlobID != "" {
			ahead = append(ahead, orphanKey(rec.BlobID))
		}
		if err := meta.Prefetch(ctx, tx, ahead...); err != nil {
			return err
		}
		b, err := s.bucket(ctx, tx, bucket)
		if err != nil {
			return err
		}
		kv, err := s.loadKey(ctx, tx, b, key)
		if err != nil {
			return err
		}
		if err := checkWrite(cond, kv.cur); err != nil {
			return err
		}
		rec.ModTime = now
		if old, err = s.putVersion(ctx, tx, kv, rec); err != nil {
			return err
		}
		if rec.BlobID != "" {
			if err := claimBlob(ctx, tx, rec.BlobID); err != nil {
				return err
			}
			if err := tx.Set(reverseKey(rec.BlobID), okey); err != nil {
				return err
			}
		}
		return s.recordEvent(ctx, tx, b, event.NameFrom(ctx, event.ObjectCreatedPut), eventObject(b, key, rec))
	})
	if err != nil {
		return nil, commitErr(fmt.Sprintf("commit %s/%s", bucket, key), err, cond.any())
	}
	return old, nil
}

// commitErr wraps a transaction error. A conflict that outlived the
// engine's retries is, for a conditional write, S3's 409
// ConditionalRequestConflict.
func commitErr(what string, err error, conditional bool) error {
	if conditional && errors.Is(err, meta.ErrConflict) {
		return fmt.Errorf("%s: %v: %w", what, err, ErrConditionalConflict)
	}
	return fmt.Errorf("%s: %w", what, err)
}
