package object

import (
	"context"
	"fmt"
	"time"

	"github.com/hoard-s3/hoard/internal/event"
	"github.com/hoard-s3/hoard/internal/meta"
)

// RetentionInput sets (or, with Mode LockNone and no date, removes) the
// retention of one version.
type RetentionInput struct {
	Bucket      string
	Key         string
	VersionID   string // "" for the latest version
	Mode        LockMode
	RetainUntil time.Time
	// BypassGovernance lets a GOVERNANCE retention be shortened, removed
	// or turned into COMPLIANCE; the caller has checked
	// s3:BypassGovernanceRetention.
	BypassGovernance bool
}

// PutObjectRetention sets a version's retention within the rules of
// checkRetentionChange, and returns the version id.
func (s *Service) PutObjectRetention(ctx context.Context, in RetentionInput) (string, error) {
	until := time.Time{}
	if !in.RetainUntil.IsZero() {
		until = normalUntil(in.RetainUntil)
	}
	now := s.cfg.Now()
	if err := validNewRetention(in.Mode, until, now); err != nil {
		return "", err
	}
	return s.updateLock(ctx, in.Bucket, in.Key, in.VersionID, event.ObjectRetentionPut, func(rec *record) error {
		old := rec.lock()
		if err := checkRetentionChange(old, in.Mode, until, in.BypassGovernance, now); err != nil {
			return err
		}
		old.Mode, old.RetainUntil = in.Mode, until
		rec.setLock(old)
		return nil
	})
}

// PutObjectLegalHold places or removes a version's legal hold. Anyone
// allowed s3:PutObjectLegalHold may do either, whatever the retention.
func (s *Service) PutObjectLegalHold(ctx context.Context, bucket, key, versionID string, on bool) (string, error) {
	return s.updateLock(ctx, bucket, key, versionID, event.ObjectLegalHoldPut, func(rec *record) error {
		rec.LegalHold, rec.LegalHoldSet = on, true
		return nil
	})
}

// GetObjectLock returns a version's lock and version id, for
// GetObjectRetention and GetObjectLegalHold.
func (s *Service) GetObjectLock(ctx context.Context, bucket, key, versionID string) (ObjectLock, string, error) {
	rec, _, err := s.lockTarget(ctx, s.meta, bucket, key, versionID)
	if err != nil {
		return ObjectLock{}, "", err
	}
	return rec.lock(), rec.VersionID, nil
}

// updateLock changes the lock fields of one version in place, in one
// transaction, leaving everything else of the record (ETag, dates) alone.
func (s *Service) updateLock(ctx context.Context, bucket, key, versionID, name string, change func(*record) error) (string, error) {
	var version string
	err := s.meta.Update(ctx, func(tx meta.Txn) error {
		rec, mkey, err := s.lockTarget(ctx, tx, bucket, key, versionID)
		if err != nil {
			return err
		}
		if err := change(rec); err != nil {
			return err
		}
		version = rec.VersionID
		if err := s.queueModification(ctx, tx, bucket, key, rec); err != nil {
			return err
		}
		if err := tx.Set(mkey, rec.encode()); err != nil {
			return err
		}
		return s.changeEvent(ctx, tx, bucket, name, key, rec)
	})
	if err != nil {
		return "", fmt.Errorf("object lock of %s/%s: %w", bucket, key, err)
	}
	return version, nil
}

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
