package object

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/hoard-s3/hoard/internal/meta"
)

// Replication of existing objects (what S3 Batch Replication does): every
// version of the bucket that a rule selects and that is not replicated
// yet (no status, or FAILED) is marked PENDING and queued, page by page.
// The position is kept in the metadata with each page, in the same
// transaction as its tasks, so a run that stops (a crash, a timeout)
// resumes where it was and queues nothing twice.
//
//	c/<bucket>/replication-existing   the cursor: key and version id markers
const cfgReplExisting = "replication-existing"

func init() { typedConfigs[cfgReplExisting] = true }

// replCursor is the position of a replicate-existing run.
type replCursor struct {
	KeyMarker, VersionMarker string
	Queued                   int
}

// replPage is how many versions one transaction looks at.
const replPage = 200

// ReplicateExisting queues the bucket's existing versions for
// replication, from where the last run stopped, and returns how many
// this run queued and in all. The bucket needs a replication
// configuration.
func (s *Service) ReplicateExisting(ctx context.Context, bucket string) (run, total int, err error) {
	if s.cfg.Replication == nil {
		return 0, 0, fmt.Errorf("replication is not configured: %w", ErrNotImplemented)
	}
	if _, err := s.GetBucketReplication(ctx, bucket); err != nil {
		return 0, 0, err
	}
	for {
		n, cur, done, err := s.replicatePage(ctx, bucket)
		run += n
		if err != nil {
			return run, cur.Queued, fmt.Errorf("replicate existing versions of %q: %w", bucket, err)
		}
		if done {
			return run, cur.Queued, nil
		}
	}
}

// replicatePage queues one page of versions in one transaction.
func (s *Service) replicatePage(ctx context.Context, bucket string) (int, replCursor, bool, error) {
	var cur replCursor
	raw, err := s.meta.Get(ctx, configKey(bucket, cfgReplExisting))
	if err == nil {
		if err := json.Unmarshal(raw, &cur); err != nil {
			return 0, cur, false, errCorrupt
		}
	} else if !errors.Is(err, meta.ErrNotFound) {
		return 0, cur, false, err
	}
	page, err := s.ListObjectVersions(ctx, ListVersionsInput{Bucket: bucket, KeyMarker: cur.KeyMarker, VersionIDMarker: cur.VersionMarker, MaxKeys: replPage})
	if err != nil {
		return 0, cur, false, err
	}
	queued := 0
	err = s.meta.Update(ctx, func(tx meta.Txn) error {
		queued = 0
		b, err := s.bucket(ctx, tx, bucket)
		if err != nil {
			return err
		}
		for _, v := range page.Versions {
			ok, err := s.queueExisting(ctx, tx, b, v)
			if err != nil {
				return err
			}
			if ok {
				queued++
			}
		}
		next := cur
		next.Queued += queued
		if !page.IsTruncated {
			return tx.Delete(configKey(bucket, cfgReplExisting))
		}
		next.KeyMarker, next.VersionMarker = page.NextKeyMarker, page.NextVersionIDMarker
		doc, _ := json.Marshal(next)
		return tx.Set(configKey(bucket, cfgReplExisting), doc)
	})
	cur.Queued += queued
	return queued, cur, !page.IsTruncated, err
}

// queueExisting queues one listed version inside tx, re-read there.
func (s *Service) queueExisting(ctx context.Context, tx meta.Txn, b *Bucket, v ListedVersion) (bool, error) {
	if v.VersionID == NullVersion {
		return false, nil
	}
	cfg, err := s.replicationConfig(ctx, tx, b.Name)
	if err != nil || cfg == nil {
		return false, err
	}
	loc, err := findVersion(ctx, tx, b, v.Key, v.VersionID, modeFull)
	if errors.Is(err, ErrNoSuchVersion) {
		return false, nil // deleted since the listing
	}
	if err != nil {
		return false, err
	}
	rec := loc.rec
	if rec.DeleteMarker {
		rule := cfg.Match(v.Key, nil)
		if rule == nil || !rule.ReplicatesDeleteMarkers() {
			return false, nil
		}
		return true, s.appendTask(ctx, tx, ReplicationTask{Bucket: b.Name, Key: v.Key, VersionID: rec.VersionID, Rule: rule.ID, Marker: true, Written: rec.ModTime})
	}
	if rec.Repl != ReplNone && rec.Repl != ReplFailed {
		return false, nil // pending, done, or a replica
	}
	if err := s.openRecordMeta(b.Name, v.Key, rec); err != nil {
		return false, err
	}
	rule := cfg.Match(v.Key, rec.Tags)
	if rule == nil || !replicable(rule, rec) {
		return false, nil
	}
	rec.Repl = ReplPending
	val, err := s.encodeRecord(b.Name, v.Key, rec)
	if err != nil {
		return false, err
	}
	if err := tx.Set(loc.mkey, val); err != nil {
		return false, err
	}
	return true, s.appendTask(ctx, tx, ReplicationTask{Bucket: b.Name, Key: v.Key, VersionID: rec.VersionID, Rule: rule.ID, Written: rec.ModTime})
}
