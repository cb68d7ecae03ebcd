package object

import (
	"context"
	"fmt"
	"time"

	"github.com/hoard-s3/hoard/internal/meta"
)

// RestoreInput is a RestoreObject request for an archived version.
type RestoreInput struct {
	Bucket    string
	Key       string
	VersionID string // "" for the latest
	Days      int    // how long the restored copy stays readable
	Tier      string // Expedited, Standard or Bulk; "" means Standard
}

// MaxRestoreDays bounds Days as S3's restore does in practice (its
// documentation gives no maximum; 30 years is more than any client asks).
const MaxRestoreDays = 30 * 365

// RestoreObject starts a restore of an archived version (S3 answers 202)
// or, when a restored copy is readable already, moves its expiry to
// Days from now (S3 answers 200; already is true then). An
// INTELLIGENT_TIERING version in an archive tier is restored without
// Days: it moves back to the frequent tier. The work itself
// is a queue entry in the metadata (restorework.go) that the background
// worker runs when the tier's delay has passed.
func (s *Service) RestoreObject(ctx context.Context, in RestoreInput) (already bool, err error) {
	if err := validateRestore(&in); err != nil {
		return false, err
	}
	err = s.meta.Update(ctx, func(tx meta.Txn) error {
		already = false
		loc, err := s.findToRead(ctx, tx, in.Bucket, in.Key, in.VersionID, modeFull)
		if err != nil {
			return err
		}
		rec := loc.rec
		switch {
		case rec.itArchived():
			// Days means nothing here: the restore moves the version
			// back to the frequent tier for good.
		case in.Days == 0:
			return fmt.Errorf("restore without Days: %w", ErrInvalidArgument)
		case !ArchiveClass(rec.StorageClass):
			return fmt.Errorf("restore of a %s object: %w", storageClass(rec.StorageClass), ErrInvalidObjectState)
		}
		switch {
		case rec.Restore != nil && rec.Restore.Ongoing:
			return fmt.Errorf("restore of %s/%s: %w", in.Bucket, in.Key, ErrRestoreInProgress)
		case rec.Restore != nil:
			already = true
			return s.extendRestore(ctx, tx, in, loc)
		}
		return s.startRestore(ctx, tx, in, loc)
	})
	if err != nil {
		return false, fmt.Errorf("restore %s/%s: %w", in.Bucket, in.Key, err)
	}
	return already, nil
}

func validateRestore(in *RestoreInput) error {
	if err := validKey(in.Key); err != nil {
		return err
	}
	if err := checkVersion(in.VersionID); err != nil {
		return err
	}
	if in.Days < 0 || in.Days > MaxRestoreDays { // 0: none given
		return fmt.Errorf("restore for %d days: %w", in.Days, ErrInvalidArgument)
	}
	switch in.Tier {
	case "":
		in.Tier = RestoreStandard
	case RestoreExpedited, RestoreStandard, RestoreBulk:
	default:
		return fmt.Errorf("restore tier %q: %w", in.Tier, ErrInvalidArgument)
	}
	return nil
}

func storageClass(c string) string {
	if c == "" {
		return ClassStandard
	}
	return c
}

// startRestore marks the version as being restored and queues the work.
func (s *Service) startRestore(ctx context.Context, tx meta.Txn, in RestoreInput, loc *located) error {
	now := s.cfg.Now()
	rec := loc.rec
	rec.Restore = &restoreState{Ongoing: true, Tier: in.Tier, Days: in.Days, ReadyAt: now.Add(s.restoreDelay(in.Tier)).UnixNano()}
	if err := tx.Set(loc.mkey, rec.encode()); err != nil {
		return err
	}
	if err := tx.Set(restoreJobKey(rec.Restore.ReadyAt, jobRestore, in.Bucket, in.Key, rec.VersionID), nil); err != nil {
		return err
	}
	return s.emit(ctx, tx, eventOf(EventRestorePost, in.Bucket, in.Key, rec))
}

// extendRestore sets a new expiry on a restored copy, as S3 does for a
// RestoreObject of an object restored already.
func (s *Service) extendRestore(ctx context.Context, tx meta.Txn, in RestoreInput, loc *located) error {
	rec := loc.rec
	old := rec.Restore.Expiry
	rec.Restore.Days = in.Days
	rec.Restore.Expiry = s.restoreExpiry(s.cfg.Now(), in.Days)
	if err := tx.Delete(restoreJobKey(old, jobExpire, in.Bucket, in.Key, rec.VersionID)); err != nil {
		return err
	}
	if err := tx.Set(restoreJobKey(rec.Restore.Expiry, jobExpire, in.Bucket, in.Key, rec.VersionID), nil); err != nil {
		return err
	}
	return tx.Set(loc.mkey, rec.encode())
}

// restoreExpiry is when a copy restored at done for days expires. With
// real days S3 rounds up to the next midnight UTC; a shortened day (tests,
// demonstrations) is not rounded.
func (s *Service) restoreExpiry(done time.Time, days int) int64 {
	day := s.restoreDay()
	t := done.Add(time.Duration(days) * day).UTC()
	if day == 24*time.Hour {
		t = t.Truncate(24 * time.Hour).Add(24 * time.Hour)
	}
	return t.UnixNano()
}

// ArchivedError is the refusal of a read of an archived version that has
// no readable restored copy; S3 names the class and, for
// INTELLIGENT_TIERING, the access tier in its answer.
type ArchivedError struct {
	StorageClass string
	AccessTier   string
}

func (e *ArchivedError) Error() string {
	return "archived in " + e.StorageClass + " " + e.AccessTier + " and not restored"
}

// Unwrap makes it an ErrInvalidObjectState.
func (e *ArchivedError) Unwrap() error { return ErrInvalidObjectState }

func errArchived(bucket, key string, rec *record) error {
	ae := &ArchivedError{StorageClass: storageClass(rec.StorageClass), AccessTier: rec.Tiering.archiveTier()}
	return fmt.Errorf("%s/%s: %w", bucket, key, ae)
}
