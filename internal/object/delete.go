package object

import (
	"context"
	"fmt"

	"github.com/hoard-s3/hoard/internal/meta"
)

// DeleteObject removes an object. Deleting a missing key succeeds, as in S3.
func (s *Service) DeleteObject(ctx context.Context, in DeleteInput) (*DeleteResult, error) {
	if err := validKey(in.Key); err != nil {
		return nil, err
	}
	if err := checkVersion(in.VersionID); err != nil {
		return nil, err
	}
	var freed []string
	err := s.meta.Update(ctx, func(tx meta.Txn) error {
		if _, err := s.bucket(ctx, tx, in.Bucket); err != nil {
			return err
		}
		var err error
		freed, err = removeRecord(ctx, tx, in.Bucket, in.Key)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("delete %s/%s: %w", in.Bucket, in.Key, err)
	}
	s.deleteBlobs(freed)
	return &DeleteResult{Key: in.Key, VersionID: in.VersionID}, nil
}

// removeRecord deletes the current record of a key and the reverse index
// of its blobs inside tx, returning the blobs to delete after the commit.
func removeRecord(ctx context.Context, tx meta.Txn, bucket, key string) ([]string, error) {
	old, err := replaceCurrent(ctx, tx, bucket, key, WriteConditions{})
	if err != nil {
		return nil, err
	}
	return old, tx.Delete(objectKey(bucket, key))
}

// DeleteObjects deletes up to MaxDeleteObjects objects of one bucket in a
// single transaction; the per-key outcome is in each result's Err. Blobs
// are removed once the transaction is durable.
func (s *Service) DeleteObjects(ctx context.Context, bucket string, objs []DeleteInput) ([]DeleteResult, error) {
	if len(objs) > MaxDeleteObjects {
		return nil, fmt.Errorf("%d keys, at most %d: %w", len(objs), MaxDeleteObjects, ErrTooManyKeys)
	}
	results := make([]DeleteResult, len(objs))
	for i, o := range objs {
		results[i] = DeleteResult{Key: o.Key, VersionID: o.VersionID}
		if err := validKey(o.Key); err != nil {
			results[i].Err = err
		} else if err := checkVersion(o.VersionID); err != nil {
			results[i].Err = err
		}
	}
	var freed []string
	err := s.meta.Update(ctx, func(tx meta.Txn) error {
		freed = freed[:0]
		if _, err := s.bucket(ctx, tx, bucket); err != nil {
			return err
		}
		for i, o := range objs {
			if results[i].Err != nil {
				continue
			}
			ids, err := removeRecord(ctx, tx, bucket, o.Key)
			if err != nil {
				return fmt.Errorf("delete %s/%s: %w", bucket, o.Key, err)
			}
			freed = append(freed, ids...)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("delete objects in %s: %w", bucket, err)
	}
	s.deleteBlobs(freed)
	return results, nil
}
