package object

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

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

// existing reads a record that must exist: ErrNoSuchBucket or ErrNoSuchKey
// otherwise.
func (s *Service) existing(ctx context.Context, r meta.Reader, bucket, key string, withData bool) (*record, error) {
	mode := modeHeader
	if withData {
		mode = modeFull
	}
	return s.existingMode(ctx, r, bucket, key, mode)
}

func (s *Service) existingMode(ctx context.Context, r meta.Reader, bucket, key string, mode decodeMode) (*record, error) {
	rec, err := readRecordMode(ctx, r, bucket, key, mode)
	if err != nil {
		return nil, err
	}
	if rec == nil {
		if _, err := s.bucket(ctx, r, bucket); err != nil {
			return nil, err
		}
		return nil, fmt.Errorf("%s/%s: %w", bucket, key, ErrNoSuchKey)
	}
	if err := s.openRecordMeta(bucket, key, rec); err != nil {
		return nil, err
	}
	return rec, nil
}

// commitRecord makes rec the current record of bucket/key in one
// transaction: it re-checks the bucket, evaluates the write conditions
// against the record it replaces, writes the record and the reverse index of
// its blob, and drops the reverse index of the replaced blobs. It returns the
// replaced blobs, which the caller deletes once the commit is durable.
func (s *Service) commitRecord(ctx context.Context, bucket, key string, rec *record, cond WriteConditions) ([]string, error) {
	okey := objectKey(bucket, key)
	val, err := s.encodeRecord(bucket, key, rec)
	if err != nil {
		return nil, err
	}
	var old []string
	err = s.meta.Update(ctx, func(tx meta.Txn) error {
		if _, err := s.bucket(ctx, tx, bucket); err != nil {
			return err
		}
		var err error
		old, err = replaceCurrent(ctx, tx, bucket, key, cond)
		if err != nil {
			return err
		}
		if err := tx.Set(okey, val); err != nil {
			return err
		}
		if rec.BlobID != "" {
			return tx.Set(reverseKey(rec.BlobID), okey)
		}
		return nil
	})
	if err != nil {
		return nil, commitErr(fmt.Sprintf("commit %s/%s", bucket, key), err, cond.any())
	}
	return old, nil
}

// replaceCurrent prepares, inside tx, the replacement of bucket/key: it
// evaluates the write conditions against the current record and drops the
// reverse index of every blob that record references, returning those
// blobs for deletion once the transaction is durable. The caller then
// writes or deletes the record. Records never share blobs (every write
// creates fresh ones), so all of them are free.
func replaceCurrent(ctx context.Context, tx meta.Txn, bucket, key string, cond WriteConditions) ([]string, error) {
	cur, err := readRecordMode(ctx, tx, bucket, key, modeParts)
	if err != nil {
		return nil, err
	}
	if err := checkWrite(cond, cur); err != nil {
		return nil, err
	}
	if cur == nil {
		return nil, nil
	}
	old := cur.blobIDs()
	for _, id := range old {
		if err := tx.Delete(reverseKey(id)); err != nil {
			return nil, err
		}
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
