package lifecycle

import (
	"context"
	"errors"

	"github.com/hoard-s3/hoard/internal/object"
)

// minTransitionSize is S3's default floor for transitions (objects
// smaller than 128 KiB stay where they are unless a rule's
// ObjectSizeGreaterThan says otherwise).
const minTransitionSize = 128 << 10

// smallAllowed are the classes that take small objects under
// varies_by_storage_class.
var smallAllowed = map[string]bool{"GLACIER": true, "DEEP_ARCHIVE": true}

// coldness orders the classes as S3's transitions go: only ever colder.
var coldness = map[string]int{
	"STANDARD_IA": 1, "INTELLIGENT_TIERING": 1, "ONEZONE_IA": 2, "GLACIER_IR": 3, "GLACIER": 4, "DEEP_ARCHIVE": 5,
}

// transitionable reports whether v may move to class under rule r.
func (vs *versionScan) transitionable(r *object.LifecycleRule, class string, v object.ListedVersion) bool {
	if coldness[class] <= coldness[v.StorageClass] {
		return false
	}
	if r.Filter.SizeGreaterThan != nil {
		return true // the rule's own floor replaces the default
	}
	if vs.lc.TransitionMinSize == object.TransitionMinSizeByClass && smallAllowed[class] {
		return true
	}
	return v.Size >= minTransitionSize
}

// transition hands one version to the tiers. Without a Transitioner it is
// only counted: the version stays where it is, nothing is lost.
func (vs *versionScan) transition(ctx context.Context, v object.ListedVersion, class string) error {
	t := vs.w.cfg.Transitioner
	if t == nil {
		vs.st.Pending++
		return nil
	}
	if err := vs.w.act.wait(ctx, 1); err != nil {
		return err
	}
	err := t.TransitionObject(ctx, vs.bucket, v.Key, v.VersionID, class, v.LastModified)
	return vs.transitionOutcome(ctx, v, class, err)
}

// transitionOutcome counts what a transition (or a move into an archive
// tier) did.
func (vs *versionScan) transitionOutcome(ctx context.Context, v object.ListedVersion, class string, err error) error {
	switch {
	case err == nil:
		vs.st.Transitioned++
	case ctx.Err() != nil:
		return ctx.Err()
	case errors.Is(err, object.ErrPreconditionFailed), errors.Is(err, object.ErrNoSuchVersion), errors.Is(err, object.ErrNoSuchKey),
		errors.Is(err, object.ErrMoveInProgress):
		vs.st.Stale++ // replaced or removed since the listing
	default:
		// A tier that is away is retried by the next pass; the version
		// stays whole where it is.
		vs.st.Stale++
		vs.w.cfg.Logger.Warn("lifecycle transition failed", "bucket", vs.bucket, "key", v.Key,
			"version", v.VersionID, "class", class, "err", err)
	}
	return nil
}
