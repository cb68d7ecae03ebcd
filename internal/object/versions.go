package object

import (
	"context"
	"errors"
	"fmt"

	"github.com/hoard-s3/hoard/internal/meta"
)

// This file is the one place that decides which version of a key is the
// latest, where versions and delete markers are stored, and when a version
// is removed. PUT, POST, copy, CompleteMultipartUpload, DELETE and
// DeleteObjects all go through putVersion, deleteLatest and deleteVersion,
// inside the transaction that makes the change, so a new version, the
// version it demotes and any delete marker are one metadata commit.
//
// The invariant (see keys.go): the "o/" record, when present, is the
// latest version and is not a delete marker; every other version, and
// every delete marker, is under "v/" in newest-first order; a key has at
// most one "null" version, and while it is under "v/" the "n/" pointer
// gives its sort id. Modification times of a key's versions strictly
// increase in the order they were written (a new version is stamped at
// least 1ns after the latest), so the sort order of "v/" is the write
// order even if the clock steps back.

// keyView is what a transaction reads of one key before changing it.
type keyView struct {
	b      *Bucket
	key    string
	cur    *record // the "o/" record (with its part table), nil when none
	curRaw []byte  // its encoding, moved unchanged when it is demoted
	// marker is the sort id of the delete marker that is the latest
	// version ("" when none), read by stamp.
	marker string
}

func (s *Service) loadKey(ctx context.Context, tx meta.Reader, b *Bucket, key string) (*keyView, error) {
	kv := &keyView{b: b, key: key}
	v, err := tx.Get(ctx, objectKey(b.Name, key))
	if errors.Is(err, meta.ErrNotFound) {
		return kv, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s/%s: %w", b.Name, key, err)
	}
	kv.cur, err = decodeRecordMode(v, modeParts)
	if err != nil {
		return nil, fmt.Errorf("%s/%s: %w", b.Name, key, err)
	}
	kv.curRaw = v
	return kv, nil
}

// latestMarker returns the sort id in the key's "d/" pointer: the delete
// marker that is its latest version, or "" when its latest is not one.
func latestMarker(ctx context.Context, r meta.Reader, bucket, key string) (string, error) {
	sid, err := r.Get(ctx, markerPtrKey(bucket, key))
	if errors.Is(err, meta.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read delete marker of %s/%s: %w", bucket, key, err)
	}
	return string(sid), nil
}

// stamp returns the modification time for a new version of the key:
// now, or just after the key's latest version if the clock says otherwise.
func (s *Service) stamp(ctx context.Context, tx meta.Reader, kv *keyView, now int64) (int64, error) {
	latest := int64(0)
	switch {
	case kv.cur != nil:
		latest = kv.cur.ModTime
	case kv.b.Versioning != VersioningOff:
		sid, err := latestMarker(ctx, tx, kv.b.Name, kv.key)
		if err != nil {
			return 0, err
		}
		if sid != "" {
			kv.marker, latest = sid, versionTime(sid)
		}
	}
	return max(now, latest+1), nil
}

// demote moves the current record under "v/", unchanged.
func demote(tx meta.Txn, kv *keyView) error {
	sid := kv.cur.sortID()
	if err := tx.Set(versionKey(kv.b.Name, kv.key, sid), kv.curRaw); err != nil {
		return err
	}
	if kv.cur.VersionID == NullVersion {
		return tx.Set(nullPtrKey(kv.b.Name, kv.key), []byte(sid))
	}
	return nil
}

// free drops the reverse index of every blob of rec (and the version's
// ACL) inside tx and returns the blobs to delete once tx is durable.
// Records never share blobs (every write creates fresh ones), so all of
// them are free.
func free(tx meta.Txn, bucket, key string, rec *record) ([]string, error) {
	ids := rec.blobIDs()
	for _, id := range ids {
		if err := tx.Delete(reverseKey(id)); err != nil {
			return nil, err
		}
	}
	if err := tx.Delete(objACLKeyOf(bucket, key, rec.VersionID)); err != nil {
		return nil, err
	}
	return ids, nil
}

// replaceNull makes room for a new null version (or null delete marker)
// of kv's key inside tx: the null version goes (checked by
// checkRemovable first, so a refusal leaves tx untouched), and a non-null
// latest is demoted under "v/". The caller then writes or deletes the "o/"
// record. It returns the blobs freed.
func (s *Service) replaceNull(ctx context.Context, tx meta.Txn, kv *keyView, op removal) ([]string, error) {
	if kv.cur != nil && kv.cur.VersionID == NullVersion {
		if err := s.checkRemovable(ctx, kv.b, kv.cur, op); err != nil {
			return nil, err
		}
		return free(tx, kv.b.Name, kv.key, kv.cur)
	}
	if kv.b.Versioning == VersioningOff {
		return nil, nil // no null version: the key is new
	}
	old, vkey, err := noncurrentNull(ctx, tx, kv.b.Name, kv.key, modeParts)
	if err != nil {
		return nil, err
	}
	if old != nil {
		if err := s.checkRemovable(ctx, kv.b, old, op); err != nil {
			return nil, err
		}
	}
	if kv.cur != nil {
		if err := demote(tx, kv); err != nil {
			return nil, err
		}
	}
	if old == nil {
		return nil, nil
	}
	if err := tx.Delete(vkey); err != nil {
		return nil, err
	}
	if err := tx.Delete(nullPtrKey(kv.b.Name, kv.key)); err != nil {
		return nil, err
	}
	return free(tx, kv.b.Name, kv.key, old)
}

// noncurrentNull finds the null version under "v/" through its pointer.
func noncurrentNull(ctx context.Context, r meta.Reader, bucket, key string, mode decodeMode) (*record, []byte, error) {
	sid, err := r.Get(ctx, nullPtrKey(bucket, key))
	if errors.Is(err, meta.ErrNotFound) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	vkey := versionKey(bucket, key, string(sid))
	v, err := r.Get(ctx, vkey)
	if err != nil {
		return nil, nil, fmt.Errorf("null version of %s/%s: %w", bucket, key, err)
	}
	rec, err := decodeRecordMode(v, mode)
	if err != nil {
		return nil, nil, fmt.Errorf("null version of %s/%s: %w", bucket, key, err)
	}
	return rec, vkey, nil
}

// putVersion makes rec the latest version of kv's key inside tx, as the
// bucket's versioning state says: a new version (Enabled), or the
// replacement of the null version (unversioned, Suspended). It stamps
// rec's ModTime and VersionID and returns the blobs freed by a
// replacement. The caller has checked the write conditions against
// kv.cur and writes the reverse index of rec's own blobs.
func (s *Service) putVersion(ctx context.Context, tx meta.Txn, kv *keyView, rec *record) ([]string, error) {
	t, err := s.stamp(ctx, tx, kv, rec.ModTime)
	if err != nil {
		return nil, err
	}
	rec.ModTime, rec.VersionID = t, NullVersion
	var freed []string
	if kv.b.Versioning == VersioningEnabled {
		rec.VersionID = newVersionID(t)
		if kv.cur != nil {
			err = demote(tx, kv)
		}
	} else {
		freed, err = s.replaceNull(ctx, tx, kv, removal{Overwrite: true})
	}
	if err != nil {
		return nil, err
	}
	if kv.marker != "" {
		if err := tx.Delete(markerPtrKey(kv.b.Name, kv.key)); err != nil {
			return nil, err
		}
	}
	if err := s.queueReplication(ctx, tx, kv.b, kv.key, rec); err != nil {
		return nil, err
	}
	val, err := s.encodeRecord(kv.b.Name, kv.key, rec)
	if err != nil {
		return nil, err
	}
	return freed, tx.Set(objectKey(kv.b.Name, kv.key), val)
}

// deleteLatest is DELETE without a version id: it removes the object of an
// unversioned bucket, and otherwise writes a delete marker on top (a null
// one, replacing the null version, when versioning is suspended).
func (s *Service) deleteLatest(ctx context.Context, tx meta.Txn, kv *keyView, now int64, op removal) (DeleteResult, []string, error) {
	res := DeleteResult{Key: kv.key}
	okey := objectKey(kv.b.Name, kv.key)
	if kv.b.Versioning == VersioningOff {
		if kv.cur == nil {
			return res, nil, nil
		}
		if err := s.checkRemovable(ctx, kv.b, kv.cur, op); err != nil {
			return res, nil, err
		}
		freed, err := free(tx, kv.b.Name, kv.key, kv.cur)
		if err != nil {
			return res, nil, err
		}
		return res, freed, tx.Delete(okey)
	}
	t, err := s.stamp(ctx, tx, kv, now)
	if err != nil {
		return res, nil, err
	}
	marker := &record{VersionID: NullVersion, ModTime: t, DeleteMarker: true, Inline: []byte{}}
	var freed []string
	suspended := kv.b.Versioning == VersioningSuspended
	if suspended {
		freed, err = s.replaceNull(ctx, tx, kv, op)
	} else {
		marker.VersionID = newVersionID(t)
		if kv.cur != nil {
			err = demote(tx, kv)
		}
	}
	if err != nil {
		return res, nil, err
	}
	if kv.cur != nil {
		if err := tx.Delete(okey); err != nil {
			return res, nil, err
		}
	}
	sid := marker.sortID()
	if err := tx.Set(versionKey(kv.b.Name, kv.key, sid), marker.encode()); err != nil {
		return res, nil, err
	}
	if err := tx.Set(markerPtrKey(kv.b.Name, kv.key), []byte(sid)); err != nil {
		return res, nil, err
	}
	if suspended {
		if err := tx.Set(nullPtrKey(kv.b.Name, kv.key), []byte(sid)); err != nil {
			return res, nil, err
		}
	}
	res.VersionID, res.DeleteMarker = marker.VersionID, true
	return res, freed, nil
}

// deleteVersion removes one version (or delete marker) for good. When it
// was the latest, the next version becomes the latest; if that is a delete
// marker the key stays deleted. A version that does not exist is not an
// error (S3 answers 204 for it too).
func (s *Service) deleteVersion(ctx context.Context, tx meta.Txn, b *Bucket, key, vid string, cond DeleteConditions, op removal) (DeleteResult, []string, error) {
	res := DeleteResult{Key: key, VersionID: vid, ByVersion: true}
	loc, err := findVersion(ctx, tx, b, key, vid, modeParts)
	if errors.Is(err, ErrNoSuchVersion) {
		return res, nil, checkDelete(cond, nil)
	}
	if err != nil {
		return res, nil, err
	}
	if err := checkDelete(cond, loc.rec); err != nil {
		return res, nil, err
	}
	if err := s.checkRemovable(ctx, b, loc.rec, op); err != nil {
		return res, nil, err
	}
	res.DeleteMarker = loc.rec.DeleteMarker
	freed, err := free(tx, b.Name, key, loc.rec)
	if err != nil {
		return res, nil, err
	}
	if err := tx.Delete(loc.mkey); err != nil {
		return res, nil, err
	}
	if vid == NullVersion && !loc.current {
		if err := tx.Delete(nullPtrKey(b.Name, key)); err != nil {
			return res, nil, err
		}
	}
	// Without an "o/" record the latest is the newest "v/" entry, which the
	// removal may have changed.
	if loc.current || loc.noCur {
		return res, freed, promote(ctx, tx, b, key)
	}
	return res, freed, nil
}

// promote makes the newest "v/" entry of a key its "o/" record, unless it
// is a delete marker: the key then stays deleted and the "d/" pointer names
// that marker (and goes when no version is left).
func promote(ctx context.Context, tx meta.Txn, b *Bucket, key string) error {
	lower := versionsOf(b.Name, key)
	it, err := tx.NewIter(ctx, lower, meta.PrefixEnd(lower))
	if err != nil {
		return err
	}
	defer it.Close()
	dkey := markerPtrKey(b.Name, key)
	if !it.First() {
		if err := it.Error(); err != nil {
			return err
		}
		return tx.Delete(dkey)
	}
	v, err := it.Value()
	if err != nil {
		return err
	}
	var head record
	if err := head.decode(v, modeList); err != nil {
		return fmt.Errorf("%s/%s version: %w", b.Name, key, err)
	}
	vkey := append([]byte(nil), it.Key()...)
	if head.DeleteMarker {
		return tx.Set(dkey, vkey[len(lower):])
	}
	raw := append([]byte(nil), v...)
	if err := tx.Set(objectKey(b.Name, key), raw); err != nil {
		return err
	}
	if err := tx.Delete(vkey); err != nil {
		return err
	}
	if err := tx.Delete(dkey); err != nil {
		return err
	}
	if head.VersionID == NullVersion {
		return tx.Delete(nullPtrKey(b.Name, key))
	}
	return nil
}
