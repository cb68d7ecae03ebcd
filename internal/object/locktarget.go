package object

import (
	"context"
	"fmt"

	"github.com/hoard-s3/hoard/internal/meta"
)

// lockTarget finds the version a lock request names (the latest when
// versionID is empty) through r, decoded whole so that it can be written
// back, with its metadata key. A bucket without object lock answers
// ErrObjectLockNotEnabled before any version is looked at.
func (s *Service) lockTarget(ctx context.Context, r meta.Reader, bucket, key, versionID string) (*record, []byte, error) {
	if err := validKey(key); err != nil {
		return nil, nil, err
	}
	if err := checkVersion(versionID); err != nil {
		return nil, nil, err
	}
	b, err := s.bucket(ctx, r, bucket)
	if err != nil {
		return nil, nil, err
	}
	if !b.ObjectLock {
		return nil, nil, fmt.Errorf("bucket %q: %w", bucket, ErrObjectLockNotEnabled)
	}
	loc, err := s.readVersion(ctx, r, bucket, key, versionID, modeFull)
	if err != nil {
		return nil, nil, err
	}
	return loc.rec, loc.mkey, nil
}
