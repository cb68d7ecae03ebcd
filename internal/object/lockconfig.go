package object

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/hoard-s3/hoard/internal/meta"
)

// lockConfigName is the bucket configuration document that holds the
// default retention. Whether object lock is enabled is the bucket
// record's ObjectLock switch, read with the bucket on every write; S3
// offers no way to disable it.
const lockConfigName = "object-lock"

// Bounds of a default retention period (S3 refuses larger ones as
// InvalidRetentionPeriod).
const (
	MaxRetentionDays  = 36500
	MaxRetentionYears = 100
)

// DefaultRetention is the retention a bucket gives new versions that ask
// for none: Days or Years, never both.
type DefaultRetention struct {
	Mode  LockMode `json:"mode"`
	Days  int      `json:"days,omitempty"`
	Years int      `json:"years,omitempty"`
}

// until is the retain-until date of a version written at now, rounded
// up to the stored precision so that the period is never cut short.
func (d DefaultRetention) until(now time.Time) time.Time {
	now = now.Add(lockPrecision - 1)
	if d.Years > 0 {
		return normalUntil(now.AddDate(d.Years, 0, 0))
	}
	return normalUntil(now.AddDate(0, 0, d.Days))
}

// ObjectLockConfig is a bucket's object lock configuration. Default is nil
// when the bucket has object lock without a default retention.
type ObjectLockConfig struct {
	Default *DefaultRetention `json:"default,omitempty"`
}

// ValidLockConfig checks a configuration as PutObjectLockConfig does.
func ValidLockConfig(c ObjectLockConfig) error {
	d := c.Default
	if d == nil {
		return nil
	}
	if d.Mode != LockGovernance && d.Mode != LockCompliance {
		return fmt.Errorf("default retention mode %d: %w", d.Mode, ErrMalformedLockConfig)
	}
	switch {
	case d.Days != 0 && d.Years != 0:
		return fmt.Errorf("default retention with both days and years: %w", ErrMalformedLockConfig)
	case d.Days == 0 && d.Years == 0, d.Days < 0, d.Years < 0, d.Days > MaxRetentionDays, d.Years > MaxRetentionYears:
		return fmt.Errorf("default retention of %d days, %d years: %w", d.Days, d.Years, ErrInvalidRetentionPeriod)
	}
	return nil
}

// PutObjectLockConfig enables object lock on a bucket (when it is not yet
// enabled) and sets or clears its default retention, in one transaction.
// As S3 allows since 2023, an existing bucket may enable object lock, but
// only while versioning is Enabled (ErrInvalidBucketState otherwise).
func (s *Service) PutObjectLockConfig(ctx context.Context, bucket string, c ObjectLockConfig) error {
	if err := ValidLockConfig(c); err != nil {
		return err
	}
	doc, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("encode object lock configuration: %w", err)
	}
	err = s.meta.Update(ctx, func(tx meta.Txn) error {
		b, err := s.bucket(ctx, tx, bucket)
		if err != nil {
			return err
		}
		if !b.ObjectLock {
			if err := enableLock(tx, b); err != nil {
				return err
			}
		}
		return tx.Set(configKey(bucket, lockConfigName), doc)
	})
	if err != nil {
		return fmt.Errorf("put object lock configuration of %q: %w", bucket, err)
	}
	return nil
}

// enableLock turns object lock on in the bucket record, inside tx.
func enableLock(tx meta.Txn, b *Bucket) error {
	if b.Versioning != VersioningEnabled {
		return fmt.Errorf("object lock needs versioning enabled on %q: %w", b.Name, ErrInvalidBucketState)
	}
	b.ObjectLock = true
	return tx.Set(bucketKey(b.Name), encodeBucket(b))
}

// EnableObjectLock turns versioning and object lock on for a bucket just
// created with x-amz-bucket-object-lock-enabled.
func (s *Service) EnableObjectLock(ctx context.Context, bucket string) error {
	err := s.meta.Update(ctx, func(tx meta.Txn) error {
		b, err := s.bucket(ctx, tx, bucket)
		if err != nil || b.ObjectLock {
			return err
		}
		b.Versioning = VersioningEnabled
		return enableLock(tx, b)
	})
	if err != nil {
		return fmt.Errorf("enable object lock on %q: %w", bucket, err)
	}
	return nil
}

// GetObjectLockConfig returns a bucket's object lock configuration, or
// ErrNoObjectLockConfig when the bucket does not have object lock.
func (s *Service) GetObjectLockConfig(ctx context.Context, bucket string) (*ObjectLockConfig, error) {
	b, err := s.bucket(ctx, s.meta, bucket)
	if err != nil {
		return nil, err
	}
	if !b.ObjectLock {
		return nil, fmt.Errorf("bucket %q: %w", bucket, ErrNoObjectLockConfig)
	}
	return lockConfigOf(ctx, s.meta, b)
}

// lockConfigOf reads the object lock configuration of b through r: one
// point read, and none for a bucket without object lock
// (ErrObjectLockNotEnabled).
func lockConfigOf(ctx context.Context, r meta.Reader, b *Bucket) (*ObjectLockConfig, error) {
	if !b.ObjectLock {
		return nil, fmt.Errorf("bucket %q: %w", b.Name, ErrObjectLockNotEnabled)
	}
	doc, err := r.Get(ctx, configKey(b.Name, lockConfigName))
	if errors.Is(err, meta.ErrNotFound) {
		return &ObjectLockConfig{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read object lock configuration of %q: %w", b.Name, err)
	}
	var c ObjectLockConfig
	if err := json.Unmarshal(doc, &c); err != nil {
		return nil, fmt.Errorf("object lock configuration of %q: %w", b.Name, errCorrupt)
	}
	return &c, nil
}
