package lifecycle

import (
	"context"
	"time"

	"github.com/hoard-s3/hoard/internal/object"
)

// Archiver moves an INTELLIGENT_TIERING version that nobody read into an
// archive tier of its class. It must leave a version alone that was
// replaced (modTime) or read (lastRead) since the listing.
type Archiver interface {
	ArchiveObject(ctx context.Context, bucket, key, versionID, accessTier string, modTime, lastRead time.Time) error
}

// ArchiveObject implements Archiver.
func (t ServiceTransitioner) ArchiveObject(ctx context.Context, bucket, key, versionID, tier string, modTime, lastRead time.Time) error {
	_, err := t.Svc.Transition(ctx, object.TransitionInput{Bucket: bucket, Key: key, VersionID: versionID,
		StorageClass: object.ClassIntelligentTiering, AccessTier: tier, IfModTime: modTime, IfLastRead: lastRead})
	return err
}

// archiveRank orders the archive tiers, coldest last.
var archiveRank = map[string]int{object.TierArchive: 1, object.TierDeepArchive: 2}

// archiveIT moves an IT version to the coldest archive tier whose days
// without a read have passed under a matching configuration.
func (vs *versionScan) archiveIT(ctx context.Context, v object.ListedVersion, tags []object.Tag) error {
	if v.DeleteMarker || v.StorageClass != object.ClassIntelligentTiering || len(vs.its) == 0 {
		return nil
	}
	now := vs.w.cfg.Now()
	tier := ""
	for i := range vs.its {
		c := &vs.its[i]
		if !c.Matches(v.Key, tags) {
			continue
		}
		for _, t := range c.Tierings {
			if !now.Before(vs.w.day.After(v.LastRead, t.Days)) && archiveRank[t.AccessTier] > archiveRank[tier] {
				tier = t.AccessTier
			}
		}
	}
	if archiveRank[tier] <= archiveRank[v.ArchiveTier] {
		return nil
	}
	a, ok := vs.w.cfg.Transitioner.(Archiver)
	if !ok {
		vs.st.Pending++
		return nil
	}
	if err := vs.w.act.wait(ctx, 1); err != nil {
		return err
	}
	err := a.ArchiveObject(ctx, vs.bucket, v.Key, v.VersionID, tier, v.LastModified, v.LastRead)
	return vs.transitionOutcome(ctx, v, tier, err)
}
