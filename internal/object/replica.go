package object

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/hoard-s3/hoard/internal/event"
	"github.com/hoard-s3/hoard/internal/meta"
)

// ReplicaInput is a version another site replicates here: the version
// keeps its id and modification time, so both sites agree on it.
type ReplicaInput struct {
	Bucket, Key, VersionID string
	ModTime                time.Time
	DeleteMarker           bool
	// The version's data (not for delete markers), in plaintext: it is
	// sealed here under this site's keys as SSE says.
	Body         io.Reader
	Size         int64
	Checksum     ExpectedChecksum // the source's full-object checksum, verified
	Metadata     Metadata
	Tags         []Tag
	StorageClass string
	Lock         ObjectLock
	SSE          SSERequest
}

// PutReplica stores a replicated version as status REPLICA; replicas
// are never queued for replication again, so two sites replicating to
// each other do not loop. Where the version goes follows S3's rule, the
// latest write wins: it becomes the key's latest version only if it is
// newer than the latest one here, and is otherwise kept as a noncurrent
// version. A version already here is success (a retried delivery).
func (s *Service) PutReplica(ctx context.Context, in ReplicaInput) (*ObjectInfo, error) {
	if err := validReplica(&in); err != nil {
		return nil, err
	}
	b, err := s.bucket(ctx, s.meta, in.Bucket)
	if err != nil {
		return nil, err
	}
	if b.Versioning != VersioningEnabled {
		return nil, fmt.Errorf("replica destination %q is not versioned: %w", in.Bucket, ErrInvalidBucketState)
	}
	rec := &record{VersionID: in.VersionID, ModTime: in.ModTime.UnixNano()}
	if in.DeleteMarker {
		rec.DeleteMarker, rec.Inline = true, []byte{}
		if _, err := s.commitReplica(ctx, in.Bucket, in.Key, rec); err != nil {
			return nil, err
		}
		info := rec.info(in.Bucket, in.Key)
		return &info, nil
	}
	sl, err := s.newSeal(ctx, in.Bucket, in.Key, in.SSE)
	if err != nil {
		return nil, err
	}
	st, err := s.ingest(ctx, PutInput{Bucket: in.Bucket, Key: in.Key, Body: in.Body, Size: in.Size,
		Checksum: in.Checksum, StorageClass: in.StorageClass}, sl.key)
	if err != nil {
		return nil, err
	}
	etag, err := objectETag(sl.env, st.md5)
	if err != nil {
		if st.blob != nil {
			s.discard(st.blob)
		}
		return nil, err
	}
	rec.Size, rec.ETag, rec.ChecksumAlg, rec.ChecksumRaw = st.size, etag, st.alg, st.sum
	rec.Meta, rec.Tags, rec.Inline, rec.Enc = in.Metadata, in.Tags, st.inline, sl.env
	rec.StorageClass, rec.Repl = storedClass(in.StorageClass), ReplReplica
	rec.setLock(in.Lock)
	if st.blob != nil {
		rec.BlobID = st.blob.ID()
		if err := st.blob.Commit(ctx); err != nil {
			s.discard(st.blob)
			return nil, fmt.Errorf("commit data of %s/%s: %w", in.Bucket, in.Key, err)
		}
	}
	dup, err := s.commitReplica(ctx, in.Bucket, in.Key, rec)
	if err != nil {
		if rec.BlobID != "" {
			s.dropUncommitted(rec.BlobID, err)
		}
		return nil, err
	}
	if dup && rec.BlobID != "" {
		s.deleteBlobs([]string{rec.BlobID})
	}
	info := rec.info(in.Bucket, in.Key)
	return &info, nil
}

func validReplica(in *ReplicaInput) error {
	if err := validKey(in.Key); err != nil {
		return err
	}
	if in.VersionID == NullVersion || in.VersionID == "" {
		return fmt.Errorf("replica of %s without a version id: %w", in.Key, ErrInvalidVersionID)
	}
	if err := parseVersionID(in.VersionID); err != nil {
		return err
	}
	if in.ModTime.IsZero() {
		return fmt.Errorf("replica of %s without a modification time: %w", in.Key, ErrInvalidArgument)
	}
	if in.Size > MaxSinglePutSize {
		return fmt.Errorf("replica of %d bytes: %w", in.Size, ErrEntityTooLarge)
	}
	if err := validMetadata(in.Metadata); err != nil {
		return err
	}
	if err := validTags(in.Tags); err != nil {
		return err
	}
	if err := validExpected(in.Checksum); err != nil {
		return err
	}
	return ValidStorageClass(in.StorageClass)
}

// commitReplica places rec among the key's versions in one transaction
// and reports whether the version was already there.
func (s *Service) commitReplica(ctx context.Context, bucket, key string, rec *record) (bool, error) {
	okey := objectKey(bucket, key)
	dup := false
	err := s.meta.Update(ctx, func(tx meta.Txn) error {
		dup = false
		b, err := s.bucket(ctx, tx, bucket)
		if err != nil {
			return err
		}
		if b.Versioning != VersioningEnabled {
			return fmt.Errorf("replica destination %q is not versioned: %w", bucket, ErrInvalidBucketState)
		}
		if loc, err := findVersion(ctx, tx, b, key, rec.VersionID, modeFull); err == nil {
			dup = true
			return s.updateReplica(bucket, key, tx, loc, rec)
		} else if !errors.Is(err, ErrNoSuchVersion) {
			return err
		}
		kv, err := s.loadKey(ctx, tx, b, key)
		if err != nil {
			return err
		}
		if err := s.placeReplica(ctx, tx, kv, rec); err != nil {
			return err
		}
		if rec.BlobID != "" {
			if err := claimBlob(ctx, tx, rec.BlobID); err != nil {
				return err
			}
			if err := tx.Set(reverseKey(rec.BlobID), okey); err != nil {
				return err
			}
		}
		if rec.DeleteMarker {
			return s.removalEvent(ctx, tx, b, DeleteResult{Key: key, VersionID: rec.VersionID, DeleteMarker: true})
		}
		return s.recordEvent(ctx, tx, b, event.ObjectCreatedPut, eventObject(b, key, rec))
	})
	if err != nil {
		return false, fmt.Errorf("commit replica %s/%s %s: %w", bucket, key, rec.VersionID, err)
	}
	return dup, nil
}

// placeReplica writes rec as the latest version when it is newer than
// the key's latest, and under "v/" otherwise (versions.go's invariant:
// "o/" is the latest when it is not a delete marker, "d/" names the
// latest when it is one).
func (s *Service) placeReplica(ctx context.Context, tx meta.Txn, kv *keyView, rec *record) error {
	bucket, key := kv.b.Name, kv.key
	var latest int64
	if kv.cur != nil {
		latest = kv.cur.ModTime
	} else {
		sid, err := latestMarker(ctx, tx, bucket, key)
		if err != nil {
			return err
		}
		if sid != "" {
			kv.marker, latest = sid, versionTime(sid)
		}
	}
	val, err := s.encodeRecord(bucket, key, rec)
	if err != nil {
		return err
	}
	sid := rec.sortID()
	if rec.ModTime <= latest && (kv.cur != nil || kv.marker != "") {
		return tx.Set(versionKey(bucket, key, sid), val) // an older version: noncurrent
	}
	if kv.cur != nil {
		if err := demote(tx, kv); err != nil {
			return err
		}
	}
	if !rec.DeleteMarker {
		if kv.marker != "" {
			if err := tx.Delete(markerPtrKey(bucket, key)); err != nil {
				return err
			}
		}
		return tx.Set(objectKey(bucket, key), val)
	}
	if kv.cur != nil {
		if err := tx.Delete(objectKey(bucket, key)); err != nil {
			return err
		}
	}
	if err := tx.Set(versionKey(bucket, key, sid), val); err != nil {
		return err
	}
	return tx.Set(markerPtrKey(bucket, key), []byte(sid))
}

// updateReplica brings a version already here up to date with a
// delivery of it: its tags and lock may have changed at the source since
// (queueModification); data and metadata of a version never change.
func (s *Service) updateReplica(bucket, key string, tx meta.Txn, loc *located, in *record) error {
	if in.DeleteMarker || loc.rec.DeleteMarker {
		return nil
	}
	cur := loc.rec
	if err := s.openRecordMeta(bucket, key, cur); err != nil {
		return err
	}
	if slices.Equal(cur.Tags, in.Tags) && cur.lock() == in.lock() {
		return nil
	}
	cur.Tags = in.Tags
	cur.setLock(in.lock())
	val, err := s.encodeRecord(bucket, key, cur)
	if err != nil {
		return err
	}
	return tx.Set(loc.mkey, val)
}
