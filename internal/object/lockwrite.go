package object

import (
	"context"
	"encoding/binary"
	"fmt"
	"time"

	"github.com/hoard-s3/hoard/internal/checksum"
	"github.com/hoard-s3/hoard/internal/meta"
)

// versionLock is the lock a new version will get: the one its request
// asked for, or the bucket's default retention, counted from the moment
// the version is created (at), not from when its upload began.
type versionLock struct {
	asked ObjectLock
	def   *DefaultRetention // nil unless the default applies
}

// at is the lock of a version created at t.
func (v versionLock) at(t time.Time) ObjectLock {
	l := v.asked
	if v.def != nil {
		l.Mode, l.RetainUntil = v.def.Mode, v.def.until(t)
	}
	return l
}

func (v versionLock) retains() bool { return v.asked.HasRetention() || v.def != nil }

// newVersionLock decides the lock of a new version of b: the request's,
// checked at now, or else the bucket's default retention. A request
// naming any lock on a bucket without object lock is refused, as S3 does.
func newVersionLock(ctx context.Context, r meta.Reader, b *Bucket, asked *ObjectLock, now time.Time) (versionLock, error) {
	var v versionLock
	if !b.ObjectLock {
		if asked != nil {
			return v, fmt.Errorf("lock on a version of %q: %w", b.Name, ErrObjectLockNotEnabled)
		}
		return v, nil
	}
	if asked != nil {
		v.asked = *asked
		if !v.asked.RetainUntil.IsZero() {
			v.asked.RetainUntil = normalUntil(v.asked.RetainUntil)
		}
		if err := validNewRetention(v.asked.Mode, v.asked.RetainUntil, now); err != nil {
			return v, err
		}
	}
	if v.asked.HasRetention() {
		return v, nil
	}
	c, err := lockConfigOf(ctx, r, b)
	if err != nil {
		return v, err
	}
	v.def = c.Default
	return v, nil
}

// writeLock is the lock of the version a PutObject or CopyObject writes.
func (s *Service) writeLock(ctx context.Context, b *Bucket, in *PutInput) (versionLock, error) {
	v, err := newVersionLock(ctx, s.meta, b, in.Lock, s.cfg.Now())
	if err == nil && in.LockNeedsDigest {
		err = needsDigest(in, v)
	}
	return v, err
}

// needsDigest reports a PutObject that gives its version a retention
// without Content-MD5 or an additional checksum, which S3 refuses.
func needsDigest(in *PutInput, v versionLock) error {
	if !v.retains() || len(in.ContentMD5) != 0 || in.Checksum.Algorithm != checksum.None {
		return nil
	}
	return fmt.Errorf("put %s/%s with retention: %w", in.Bucket, in.Key, ErrLockDigestRequired)
}

// setLock stores l in the record's lock fields.
func (r *record) setLock(l ObjectLock) {
	r.LockMode, r.LegalHold, r.LegalHoldSet, r.RetainUntil = l.Mode, l.LegalHold, l.LegalHoldSet || l.LegalHold, 0
	if l.HasRetention() {
		r.RetainUntil = l.RetainUntil.UnixNano()
	}
}

// lock is the record's lock.
func (r *record) lock() ObjectLock {
	l := ObjectLock{Mode: r.LockMode, LegalHold: r.LegalHold, LegalHoldSet: r.LegalHoldSet || r.LegalHold}
	if r.RetainUntil != 0 {
		l.RetainUntil = time.Unix(0, r.RetainUntil).UTC()
	}
	return l
}

// uploadLock checks the lock CreateMultipartUpload asks for, to be applied
// at Complete. It reads the bucket, so it also answers ErrNoSuchBucket.
func (s *Service) uploadLock(ctx context.Context, bucket string, asked *ObjectLock) (*ObjectLock, error) {
	b, err := s.bucket(ctx, s.meta, bucket)
	if err != nil || asked == nil {
		return nil, err
	}
	v, err := newVersionLock(ctx, s.meta, b, asked, s.cfg.Now())
	if err != nil {
		return nil, err
	}
	// Only what was asked: a default retention is the bucket's at Complete.
	return &v.asked, nil
}

// completeLock gives the object a completed upload assembles its lock,
// inside the Complete transaction: the upload's, else the bucket's
// default retention as of now.
func (s *Service) completeLock(ctx context.Context, tx meta.Txn, b *Bucket, up *uploadRec, rec *record) error {
	if !b.ObjectLock {
		return nil // object lock cannot be turned off, so an upload's lock was never accepted here
	}
	var l ObjectLock
	if up.Lock != nil {
		l = *up.Lock
	}
	if !l.HasRetention() {
		c, err := lockConfigOf(ctx, tx, b)
		if err != nil {
			return err
		}
		if d := c.Default; d != nil {
			l.Mode, l.RetainUntil = d.Mode, d.until(s.cfg.Now())
		}
	}
	rec.setLock(l)
	return nil
}

// appendLock encodes l: mode, legal hold (0 none set, 1 ON, 2 OFF),
// retain-until (varint Unix nanoseconds, 0 for none).
func appendLock(b []byte, l ObjectLock) []byte {
	var until int64
	if l.HasRetention() && !l.RetainUntil.IsZero() {
		until = l.RetainUntil.UnixNano()
	}
	hold := byte(0)
	switch {
	case l.LegalHold:
		hold = 1
	case l.LegalHoldSet:
		hold = 2
	}
	b = append(b, byte(l.Mode), hold)
	return binary.AppendVarint(b, until)
}

func decodeLock(d *decoder) *ObjectLock {
	l := &ObjectLock{Mode: LockMode(d.byte())}
	hold := d.byte()
	l.LegalHold, l.LegalHoldSet = hold == 1, hold != 0
	if until := d.varint(); until != 0 {
		l.RetainUntil = time.Unix(0, until).UTC()
	}
	if l.Mode > LockCompliance || hold > 2 || l.HasRetention() == l.RetainUntil.IsZero() {
		d.err = errCorrupt
	}
	return l
}

// applyLock gives the record its lock as of its modification time.
func (r *record) applyLock(v versionLock) { r.setLock(v.at(time.Unix(0, r.ModTime))) }
