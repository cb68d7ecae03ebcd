package object

import (
	"context"
	"encoding/binary"
	"fmt"
	"time"

	"github.com/hoard-s3/hoard/internal/checksum"
	"github.com/hoard-s3/hoard/internal/meta"
)

// newVersionLock is the lock a new version written to b at now gets: the
// one the request asks for, checked, or else the bucket's default
// retention. A request naming any lock on a bucket without object lock
// is refused, as S3 does.
func newVersionLock(ctx context.Context, r meta.Reader, b *Bucket, asked *ObjectLock, now time.Time) (ObjectLock, error) {
	if !b.ObjectLock {
		if asked != nil {
			return ObjectLock{}, fmt.Errorf("lock on a version of %q: %w", b.Name, ErrObjectLockNotEnabled)
		}
		return ObjectLock{}, nil
	}
	var l ObjectLock
	if asked != nil {
		l = *asked
		if !l.RetainUntil.IsZero() {
			l.RetainUntil = normalUntil(l.RetainUntil)
		}
		if err := validNewRetention(l.Mode, l.RetainUntil, now); err != nil {
			return ObjectLock{}, err
		}
	}
	if l.HasRetention() {
		return l, nil
	}
	c, err := lockConfigOf(ctx, r, b)
	if err != nil {
		return ObjectLock{}, err
	}
	if d := c.Default; d != nil {
		l.Mode, l.RetainUntil = d.Mode, d.until(now)
	}
	return l, nil
}

// writeLock is the lock of the version a PutObject or CopyObject writes.
func (s *Service) writeLock(ctx context.Context, b *Bucket, in *PutInput) (ObjectLock, error) {
	l, err := newVersionLock(ctx, s.meta, b, in.Lock, s.cfg.Now())
	if err == nil && in.LockNeedsDigest {
		err = needsDigest(in, l)
	}
	return l, err
}

// needsDigest reports a PutObject that gives its version a retention
// without Content-MD5 or an additional checksum, which S3 refuses.
func needsDigest(in *PutInput, l ObjectLock) error {
	if !l.HasRetention() || len(in.ContentMD5) != 0 || in.Checksum.Algorithm != checksum.None {
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
	l, err := newVersionLock(ctx, s.meta, b, asked, s.cfg.Now())
	if err != nil {
		return nil, err
	}
	// Only what was asked: a default retention is the bucket's at Complete.
	l.LegalHold, l.LegalHoldSet = asked.LegalHold, asked.LegalHoldSet
	if !asked.HasRetention() {
		l.Mode, l.RetainUntil = LockNone, time.Time{}
	}
	return &l, nil
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
