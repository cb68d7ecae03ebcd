package object

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hoard-s3/hoard/internal/meta"
)

// Reading versions: by id, or the latest, with delete markers answered
// the way S3 answers them. The layout is in keys.go, the rules that keep
// it in versions.go.

// located is a version found by id, and where it is stored.
type located struct {
	rec     *record
	mkey    []byte // its metadata key
	current bool   // it is the "o/" record
	noCur   bool   // the key has no "o/" record (its latest is a delete marker)
}

// findVersion finds a version of a key by id ("null" included). It
// answers ErrNoSuchVersion when the key has no such version, and
// ErrInvalidVersionID for an id other than "null" in a bucket that was
// never versioned, as S3 does.
func findVersion(ctx context.Context, r meta.Reader, b *Bucket, key, vid string, mode decodeMode) (*located, error) {
	if vid != NullVersion && b.Versioning == VersioningOff {
		return nil, fmt.Errorf("version %q in unversioned bucket %q: %w", vid, b.Name, ErrInvalidVersionID)
	}
	okey := objectKey(b.Name, key)
	cur, err := readRecordMode(ctx, r, b.Name, key, mode)
	if err != nil {
		return nil, err
	}
	if cur != nil && cur.VersionID == vid {
		return &located{rec: cur, mkey: okey, current: true}, nil
	}
	var rec *record
	var vkey []byte
	if vid == NullVersion {
		rec, vkey, err = noncurrentNull(ctx, r, b.Name, key, mode)
	} else {
		vkey = versionKey(b.Name, key, vid)
		var v []byte
		v, err = r.Get(ctx, vkey)
		if err == nil {
			rec, err = decodeRecordMode(v, mode)
		} else if errors.Is(err, meta.ErrNotFound) {
			err = nil
		}
	}
	if err != nil {
		return nil, fmt.Errorf("version %s of %s/%s: %w", vid, b.Name, key, err)
	}
	if rec == nil || rec.VersionID != vid {
		return nil, fmt.Errorf("version %s of %s/%s: %w", vid, b.Name, key, ErrNoSuchVersion)
	}
	return &located{rec: rec, mkey: vkey, noCur: cur == nil}, nil
}

// DeleteMarkerError is a read that found a delete marker: as the latest
// version (wrapping ErrNoSuchKey) or by its version id (wrapping
// ErrMethodNotAllowed). S3 names the marker in its answer.
type DeleteMarkerError struct {
	VersionID    string
	LastModified time.Time
	Err          error
}

func (e *DeleteMarkerError) Error() string {
	return fmt.Sprintf("delete marker %s: %v", e.VersionID, e.Err)
}

func (e *DeleteMarkerError) Unwrap() error { return e.Err }

func markerErr(rec *record, err error) error {
	return &DeleteMarkerError{VersionID: rec.VersionID, LastModified: time.Unix(0, rec.ModTime).UTC(), Err: err}
}

// readVersion reads the version a request names (vid "" for the latest)
// through r: ErrNoSuchKey (a DeleteMarkerError when a delete marker is the
// latest), ErrNoSuchVersion, or a DeleteMarkerError wrapping
// ErrMethodNotAllowed for a delete marker named by id. A read of the
// latest that finds its "o/" record costs one point read, as before
// versioning.
func (s *Service) readVersion(ctx context.Context, r meta.Reader, bucket, key, vid string, mode decodeMode) (*located, error) {
	if vid == "" {
		rec, err := readRecordMode(ctx, r, bucket, key, mode)
		if err != nil {
			return nil, err
		}
		if rec != nil {
			return &located{rec: rec, mkey: objectKey(bucket, key), current: true}, nil
		}
	}
	b, err := s.bucket(ctx, r, bucket)
	if err != nil {
		return nil, err
	}
	if vid == "" {
		if b.Versioning != VersioningOff {
			dm, err := latestMarkerRecord(ctx, r, bucket, key)
			if err != nil {
				return nil, err
			}
			if dm != nil {
				return nil, markerErr(dm, fmt.Errorf("%s/%s: %w", bucket, key, ErrNoSuchKey))
			}
		}
		return nil, fmt.Errorf("%s/%s: %w", bucket, key, ErrNoSuchKey)
	}
	loc, err := findVersion(ctx, r, b, key, vid, mode)
	if err != nil {
		return nil, err
	}
	if loc.rec.DeleteMarker {
		return nil, markerErr(loc.rec, fmt.Errorf("%s/%s version %s: %w", bucket, key, vid, ErrMethodNotAllowed))
	}
	return loc, nil
}

// latestMarkerRecord reads the delete marker that is the key's latest
// version, or nil.
func latestMarkerRecord(ctx context.Context, r meta.Reader, bucket, key string) (*record, error) {
	sid, err := latestMarker(ctx, r, bucket, key)
	if err != nil || sid == "" {
		return nil, err
	}
	v, err := r.Get(ctx, versionKey(bucket, key, sid))
	if err != nil {
		return nil, fmt.Errorf("delete marker %s of %s/%s: %w", sid, bucket, key, err)
	}
	rec, err := decodeRecordMode(v, modeHeader)
	if err != nil {
		return nil, fmt.Errorf("delete marker %s of %s/%s: %w", sid, bucket, key, err)
	}
	return rec, nil
}
