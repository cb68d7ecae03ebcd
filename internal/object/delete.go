package object

import (
	"context"
	"fmt"

	"github.com/hoard-s3/hoard/internal/meta"
)

// DeleteObject deletes an object: without a version id it removes the
// object of an unversioned bucket or writes a delete marker (versions.go);
// with one it removes that version for good. Deleting what does not exist
// succeeds, as in S3.
func (s *Service) DeleteObject(ctx context.Context, in DeleteInput) (*DeleteResult, error) {
	if err := validDelete(in); err != nil {
		return nil, err
	}
	var res DeleteResult
	var freed []string
	err := s.meta.Update(ctx, func(tx meta.Txn) error {
		b, err := s.bucket(ctx, tx, in.Bucket)
		if err != nil {
			return err
		}
		if res, freed, err = s.deleteOne(ctx, tx, b, in); err != nil {
			return err
		}
		return s.removalEvent(ctx, tx, b, res)
	})
	if err != nil {
		return nil, commitErr(fmt.Sprintf("delete %s/%s", in.Bucket, in.Key), err, in.Cond.any())
	}
	s.deleteBlobs(freed)
	return &res, nil
}

func validDelete(in DeleteInput) error {
	if err := validKey(in.Key); err != nil {
		return err
	}
	return checkVersion(in.VersionID)
}

// deleteOne is one deletion inside tx, conditions included.
func (s *Service) deleteOne(ctx context.Context, tx meta.Txn, b *Bucket, in DeleteInput) (DeleteResult, []string, error) {
	op := removal{BypassGovernance: in.BypassGovernance}
	if in.VersionID != "" {
		return s.deleteVersion(ctx, tx, b, in.Key, in.VersionID, in.Cond, op)
	}
	kv, err := s.loadKey(ctx, tx, b, in.Key)
	if err != nil {
		return DeleteResult{Key: in.Key}, nil, err
	}
	if in.Cond.any() {
		latest := kv.cur
		if latest == nil && b.Versioning != VersioningOff {
			if latest, err = latestMarkerRecord(ctx, tx, b.Name, in.Key); err != nil {
				return DeleteResult{Key: in.Key}, nil, err
			}
		}
		if latest == nil {
			return DeleteResult{Key: in.Key}, nil, nil // nothing to delete: success
		}
		if err := checkDelete(in.Cond, latest); err != nil {
			return DeleteResult{Key: in.Key}, nil, err
		}
	}
	res, freed, err := s.deleteLatest(ctx, tx, kv, s.cfg.Now().UnixNano(), op)
	if err == nil {
		err = s.queueMarker(ctx, tx, b, res)
	}
	return res, freed, err
}

// DeleteObjects deletes up to MaxDeleteObjects objects or versions of one
// bucket in a single transaction; the per-key outcome (a failed condition
// included) is in each result's Err. Blobs are removed once the
// transaction is durable.
func (s *Service) DeleteObjects(ctx context.Context, bucket string, objs []DeleteInput) ([]DeleteResult, error) {
	if len(objs) > MaxDeleteObjects {
		return nil, fmt.Errorf("%d keys, at most %d: %w", len(objs), MaxDeleteObjects, ErrTooManyKeys)
	}
	results := make([]DeleteResult, len(objs))
	var freed []string
	err := s.meta.Update(ctx, func(tx meta.Txn) error {
		freed = freed[:0]
		b, err := s.bucket(ctx, tx, bucket)
		if err != nil {
			return err
		}
		for i, o := range objs {
			results[i] = DeleteResult{Key: o.Key, VersionID: o.VersionID}
			if err := validDelete(o); err != nil {
				results[i].Err = err
				continue
			}
			res, ids, err := s.deleteOne(ctx, tx, b, o)
			if isRequestError(err) {
				results[i].Err = err
				continue
			}
			if err != nil {
				return fmt.Errorf("delete %s/%s: %w", bucket, o.Key, err)
			}
			results[i] = res
			freed = append(freed, ids...)
			if err := s.removalEvent(ctx, tx, b, res); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("delete objects in %s: %w", bucket, err)
	}
	s.deleteBlobs(freed)
	return results, nil
}
