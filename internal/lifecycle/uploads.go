package lifecycle

import (
	"context"
	"errors"
	"fmt"

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
	switch {
	case err == nil:
		vs.st.Transitioned++
	case ctx.Err() != nil:
		return ctx.Err()
	case errors.Is(err, object.ErrPreconditionFailed), errors.Is(err, object.ErrNoSuchVersion), errors.Is(err, object.ErrNoSuchKey):
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

// scanUploads aborts the bucket's uploads an AbortIncompleteMultipartUpload
// rule has made stale, resuming after the cursor's upload.
func (w *Worker) scanUploads(ctx context.Context, bucket string, lc *object.LifecycleConfiguration, cur *cursor, st *Stats) error {
	if !hasAbortRule(lc) {
		return nil
	}
	in := object.ListUploadsInput{Bucket: bucket, KeyMarker: cur.Key, UploadIDMarker: cur.UploadID, MaxUploads: pageSize}
	for {
		if err := w.scan.wait(ctx, pageSize); err != nil {
			return err
		}
		page, err := w.svc.ListMultipartUploads(ctx, in)
		if err != nil {
			return fmt.Errorf("list uploads of %q: %w", bucket, err)
		}
		now := w.cfg.Now()
		for _, up := range page.Uploads {
			st.Scanned++
			exp, ok := lc.AbortRule(up.Key, up.Initiated, w.day)
			if !ok || now.Before(exp.At) {
				continue
			}
			if err := w.act.wait(ctx, 1); err != nil {
				return err
			}
			err := w.svc.AbortMultipartUpload(ctx, bucket, up.Key, up.UploadID)
			switch {
			case err == nil:
				st.Aborted++
			case errors.Is(err, object.ErrNoSuchUpload):
				st.Stale++ // completed or aborted meanwhile
			default:
				return fmt.Errorf("abort upload %s of %s/%s: %w", up.UploadID, bucket, up.Key, err)
			}
		}
		if !page.IsTruncated {
			return nil
		}
		in.KeyMarker, in.UploadIDMarker = page.NextKeyMarker, page.NextUploadIDMarker
		cur.Key, cur.UploadID = in.KeyMarker, in.UploadIDMarker
		if err := w.checkpoint(ctx, bucket, *cur); err != nil {
			return err
		}
	}
}

func hasAbortRule(lc *object.LifecycleConfiguration) bool {
	for _, r := range lc.Rules {
		if r.Enabled && r.AbortIncompleteDays > 0 {
			return true
		}
	}
	return false
}
