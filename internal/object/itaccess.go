package object

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/hoard-s3/hoard/internal/meta"
)

// noteRead records a read of an INTELLIGENT_TIERING version, which brings
// it back to the frequent access tier. The record is rewritten at most
// once a lifecycle day: the tiers are whole days apart, so a later read
// on the same day would change nothing a client can see, and a hot
// object costs one metadata write a day, not one per read. A failure
// only loses the note (the read itself was served); it is logged.
func (s *Service) noteRead(ctx context.Context, bucket, key string, rec *record) {
	if rec.StorageClass != ClassIntelligentTiering || rec.itArchived() {
		return
	}
	now := s.cfg.Now()
	if now.Sub(rec.lastRead()) < s.lifecycleDay() {
		return
	}
	src := rec.dataBlobIDs()
	ctx = context.WithoutCancel(ctx)
	err := s.meta.Update(ctx, func(tx meta.Txn) error {
		loc, err := s.findToRead(ctx, tx, bucket, key, rec.VersionID, modeFull)
		if err != nil {
			return err
		}
		cur := loc.rec
		if cur.ModTime != rec.ModTime || cur.StorageClass != ClassIntelligentTiering || cur.itArchived() ||
			!slices.Equal(cur.dataBlobIDs(), src) {
			return errStaleRead // replaced, moved or archived since the read began
		}
		next := *cur
		next.Tiering = &itState{LastRead: now.UnixNano()}
		return tx.Set(loc.mkey, next.encode())
	})
	if err != nil && !errors.Is(err, errStaleRead) {
		s.log().Warn("recording the read of an intelligent-tiering object", "bucket", bucket, "key", key, "err", err)
	}
}

var errStaleRead = errors.New("version changed since it was read")

// completeITRestore ends the restore of an INTELLIGENT_TIERING version in
// an archive tier as S3 does: the data moves back to the class's own
// tier, the version is in the frequent tier again and stays there until
// it goes unread. It is a transition: copy, verify, switch in one commit
// (which also completes the queue entry), then remove the archived data.
func (s *Service) completeITRestore(ctx context.Context, j restoreJob, rec *record) error {
	src := rec.dataBlobIDs()
	moved, err := s.copyBlobs(ctx, rec, s.tierOf(ClassIntelligentTiering))
	if err != nil {
		return fmt.Errorf("restore %s/%s: %w", j.bucket, j.key, err)
	}
	var freed []string
	err = s.meta.Update(ctx, func(tx meta.Txn) error {
		freed = nil
		loc, err := s.jobVersion(ctx, tx, j)
		if err != nil {
			return err
		}
		if loc == nil || !restoreDue(loc.rec, j) || !loc.rec.itArchived() || !slices.Equal(loc.rec.dataBlobIDs(), src) {
			return errStaleJob
		}
		next, err := loc.rec.withBlobIDs(moved)
		if err != nil {
			return err
		}
		next.Restore, next.Tiering = nil, &itState{LastRead: s.cfg.Now().UnixNano()}
		if freed, err = s.repoint(tx, loc.mkey, loc.rec, next); err != nil {
			return err
		}
		if err := tx.Delete(j.raw); err != nil {
			return err
		}
		return s.emit(ctx, tx, eventOf(EventRestoreCompleted, j.bucket, j.key, next))
	})
	if err != nil {
		s.deleteNew(src, moved)
		if errors.Is(err, errStaleJob) {
			return s.dropJob(ctx, j)
		}
		return fmt.Errorf("complete restore of %s/%s: %w", j.bucket, j.key, err)
	}
	s.deleteNew(nil, freed)
	return nil
}
