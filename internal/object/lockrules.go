package object

import (
	"errors"
	"fmt"
	"time"
)

// Object lock (WORM) as Amazon S3 defines it. Every rule that decides
// whether a version may be removed or its protection weakened lives in
// this file, so that DELETE, DeleteObjects, overwrites and every later
// background job (lifecycle, replication) answer the same way.

// ParseLockMode reads a retention mode as S3 spells it (upper case only).
func ParseLockMode(s string) (LockMode, bool) {
	switch s {
	case "GOVERNANCE":
		return LockGovernance, true
	case "COMPLIANCE":
		return LockCompliance, true
	}
	return LockNone, false
}

// HasRetention reports whether a retention is set (expired or not).
func (l ObjectLock) HasRetention() bool { return l.Mode != LockNone }

// retained reports whether the retention still holds at now.
func (l ObjectLock) retained(now time.Time) bool {
	return l.HasRetention() && now.Before(l.RetainUntil)
}

// IsZero reports whether the version carries no lock at all.
func (l ObjectLock) IsZero() bool { return !l.HasRetention() && !l.LegalHoldSet && !l.LegalHold }

// Lock errors. The wire layer maps each to S3's code.
var (
	// ErrObjectLocked: the version is protected (S3 answers AccessDenied).
	// It wraps ErrAccessDenied, so that DeleteObjects reports it per key.
	ErrObjectLocked = fmt.Errorf("object protected by object lock: %w", ErrAccessDenied)
	// ErrObjectLockNotEnabled: a lock request on a bucket without object
	// lock (S3's InvalidRequest).
	ErrObjectLockNotEnabled = errors.New("bucket is missing object lock configuration")
	// ErrNoObjectLockConfig: GetObjectLockConfiguration of a bucket
	// without object lock (ObjectLockConfigurationNotFoundError).
	ErrNoObjectLockConfig = errors.New("object lock configuration does not exist for this bucket")
	// ErrNoVersionRetention: a version without retention
	// (NoSuchObjectLockConfiguration).
	ErrNoVersionRetention = errors.New("the object does not have an object lock configuration")
	// ErrInvalidRetentionPeriod: a default retention of zero, negative
	// or too many days or years.
	ErrInvalidRetentionPeriod = errors.New("invalid default retention period")
	// ErrMalformedLockConfig: a retention document S3 refuses as
	// MalformedXML (unknown mode, Days and Years together, ...).
	ErrMalformedLockConfig = errors.New("malformed object lock configuration")
	// ErrRetainUntilPast: a retain-until date that is not in the future.
	ErrRetainUntilPast = errors.New("the retain until date must be in the future")
	// ErrLockDigestRequired: a PutObject that gives the new version a
	// retention must carry Content-MD5 or an additional checksum.
	ErrLockDigestRequired = errors.New("content-md5 or a checksum is required with object lock")
)

// lockPrecision is the precision kept of retain-until dates: what S3
// shows (milliseconds), so that a date read back and sent again compares
// equal to the stored one.
const lockPrecision = time.Millisecond

// normalUntil is a retain-until date as stored.
func normalUntil(t time.Time) time.Time { return t.UTC().Truncate(lockPrecision) }

// lockAllowsRemoval is the one place that decides whether a version may be
// deleted or overwritten in place. A legal hold and an unexpired
// COMPLIANCE retention protect it from everyone; an unexpired GOVERNANCE
// retention yields only to bypass (the caller's explicit request, which
// the wire layer grants only with s3:BypassGovernanceRetention).
func lockAllowsRemoval(l ObjectLock, bypass bool, now time.Time) error {
	switch {
	case l.LegalHold:
		return fmt.Errorf("legal hold: %w", ErrObjectLocked)
	case !l.retained(now):
		return nil
	case l.Mode == LockCompliance:
		return fmt.Errorf("compliance retention until %s: %w", l.RetainUntil.Format(time.RFC3339), ErrObjectLocked)
	case !bypass:
		return fmt.Errorf("governance retention until %s: %w", l.RetainUntil.Format(time.RFC3339), ErrObjectLocked)
	}
	return nil
}

// validNewRetention checks a retention a request sets on a new version
// or an existing one: mode and date both or neither, a known mode, and a
// date in the future.
func validNewRetention(mode LockMode, until time.Time, now time.Time) error {
	if mode == LockNone && until.IsZero() {
		return nil
	}
	if mode == LockNone || until.IsZero() {
		return fmt.Errorf("retention needs both a mode and a date: %w", ErrInvalidArgument)
	}
	if mode != LockGovernance && mode != LockCompliance {
		return fmt.Errorf("retention mode %d: %w", mode, ErrMalformedLockConfig)
	}
	if !until.After(now) {
		return fmt.Errorf("retain until %s: %w", until.Format(time.RFC3339), ErrRetainUntilPast)
	}
	if until.After(maxRetainUntil) {
		return fmt.Errorf("retain until %s is past %s: %w", until.Format(time.RFC3339), maxRetainUntil.Format(time.RFC3339), ErrInvalidArgument)
	}
	return nil
}

// maxRetainUntil is the latest retain-until date: records keep dates as
// Unix nanoseconds, which end in April 2262, and a date that wrapped
// around would silently unlock the version.
var maxRetainUntil = time.Date(2262, 1, 1, 0, 0, 0, 0, time.UTC)

// checkRetentionChange decides whether a version's retention may become
// (mode, until). An expired retention may be replaced freely. COMPLIANCE
// may only be extended, never shortened, weakened or removed, not even by
// the root user. GOVERNANCE may be extended in GOVERNANCE mode by anyone
// allowed PutObjectRetention; shortening, removing it or changing it to
// COMPLIANCE needs bypass.
func checkRetentionChange(old ObjectLock, mode LockMode, until time.Time, bypass bool, now time.Time) error {
	if !old.retained(now) {
		return nil
	}
	extends := mode == old.Mode && !until.Before(old.RetainUntil)
	switch {
	case extends:
		return nil
	case old.Mode == LockCompliance:
		return fmt.Errorf("compliance retention until %s cannot be shortened or removed: %w",
			old.RetainUntil.Format(time.RFC3339), ErrObjectLocked)
	case !bypass:
		return fmt.Errorf("governance retention until %s: changing it needs bypass: %w",
			old.RetainUntil.Format(time.RFC3339), ErrObjectLocked)
	}
	return nil
}
