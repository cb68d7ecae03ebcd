package lifecycle

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hoard-s3/hoard/internal/object"
)

// bucketPass runs (or resumes) one bucket's pass: its versions, then its
// uploads. The cursor is checkpointed after every page and batch.
func (w *Worker) bucketPass(ctx context.Context, bucket string) (Stats, error) {
	var st Stats
	lc, its, err := w.bucketRules(ctx, bucket)
	if errors.Is(err, object.ErrNoSuchBucket) {
		return st, w.forget(ctx, bucket)
	}
	if err != nil || lc == nil {
		return st, err
	}
	cur, ok, err := w.claim(ctx, bucket)
	if err != nil || !ok {
		return st, err
	}
	st.Buckets = 1
	err = w.runPass(ctx, bucket, &rules{lc: lc, its: its}, cur, &st)
	if err != nil && ctx.Err() != nil {
		// A shutdown: hand the bucket back at once, so that a restarted
		// server (or another gateway) resumes from the cursor without
		// waiting for the lease to run out. A crash leaves the lease to
		// expire instead.
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
		defer cancel()
		if rerr := w.release(rctx, bucket); rerr != nil {
			w.cfg.Logger.Warn("releasing the lifecycle lease", "bucket", bucket, "err", rerr)
		}
	}
	return st, err
}

// rules are what a bucket's pass applies: its lifecycle rules (none when
// it has only Intelligent-Tiering configurations) and its enabled
// Intelligent-Tiering configurations.
type rules struct {
	lc  *object.LifecycleConfiguration
	its []object.ITConfiguration
}

// bucketRules reads a bucket's rules; a nil configuration means that the
// bucket has nothing for the worker to do.
func (w *Worker) bucketRules(ctx context.Context, bucket string) (*object.LifecycleConfiguration, []object.ITConfiguration, error) {
	lc, err := w.svc.GetBucketLifecycle(ctx, bucket)
	noLC := errors.Is(err, object.ErrNoSuchBucketConfig)
	if err != nil && !noLC {
		return nil, nil, err
	}
	its, err := w.svc.EnabledITConfigs(ctx, bucket)
	if err != nil {
		return nil, nil, err
	}
	if noLC {
		if len(its) == 0 {
			return nil, nil, nil
		}
		lc = &object.LifecycleConfiguration{TransitionMinSize: object.TransitionMinSize128K}
	}
	return lc, its, nil
}

func (w *Worker) runPass(ctx context.Context, bucket string, rs *rules, cur cursor, st *Stats) error {
	lc := rs.lc
	if cur.Phase == phaseIdle {
		cur = cursor{Phase: phaseVersions, Started: w.cfg.Now().UnixNano()}
	}
	if cur.Phase == phaseVersions {
		if err := w.scanVersions(ctx, bucket, rs, &cur, st); err != nil {
			return err
		}
		cur.Phase, cur.Key = phaseUploads, ""
		if err := w.checkpoint(ctx, bucket, cur); err != nil {
			return err
		}
	}
	if err := w.scanUploads(ctx, bucket, lc, &cur, st); err != nil {
		return err
	}
	return w.checkpoint(ctx, bucket, cursor{Finished: w.cfg.Now().UnixNano()})
}

// keyScan is what the scan remembers of the key it is in: its versions
// come newest first, possibly over several pages.
type keyScan struct {
	key        string
	entries    int
	first      object.ListedVersion
	successor  time.Time // when the version after the current one was written
	noncurrent int       // noncurrent versions seen so far, newest first
}

// versionScan is one bucket's walk over its versions.
type versionScan struct {
	w      *Worker
	bucket string
	lc     *object.LifecycleConfiguration
	its    []object.ITConfiguration
	cur    *cursor
	st     *Stats
	ks     keyScan
	done   string // last key all of whose actions are queued
	batch  []object.LifecycleAction
}

func (w *Worker) scanVersions(ctx context.Context, bucket string, rs *rules, cur *cursor, st *Stats) error {
	vs := &versionScan{w: w, bucket: bucket, lc: rs.lc, its: rs.its, cur: cur, st: st, done: cur.Key}
	in := object.ListVersionsInput{Bucket: bucket, KeyMarker: cur.Key, MaxKeys: pageSize}
	for {
		if err := w.scan.wait(ctx, pageSize); err != nil {
			return err
		}
		began := time.Now()
		page, err := w.svc.ListObjectVersions(ctx, in)
		if err != nil {
			return fmt.Errorf("list versions of %q: %w", bucket, err)
		}
		if err := yield(ctx, began, w.cfg.Yield); err != nil {
			return err
		}
		for _, v := range page.Versions {
			if err := vs.visit(ctx, v); err != nil {
				return err
			}
		}
		if !page.IsTruncated {
			break
		}
		if err := vs.flush(ctx); err != nil {
			return err
		}
		in.KeyMarker, in.VersionIDMarker = page.NextKeyMarker, page.NextVersionIDMarker
	}
	if vs.ks.key != "" {
		vs.endKey()
		vs.done = vs.ks.key
	}
	return vs.flush(ctx)
}

func (vs *versionScan) visit(ctx context.Context, v object.ListedVersion) error {
	vs.st.Scanned++
	if v.Key != vs.ks.key {
		if vs.ks.key != "" {
			vs.endKey()
			vs.done = vs.ks.key
		}
		vs.ks = keyScan{key: v.Key}
	}
	ks := &vs.ks
	ks.entries++
	var err error
	if ks.entries == 1 {
		ks.first = v
		if !v.DeleteMarker {
			err = vs.current(ctx, v)
		}
	} else {
		ks.noncurrent++
		err = vs.noncurrent(ctx, v, ks.successor, ks.noncurrent)
	}
	ks.successor = v.LastModified
	if err != nil {
		return err
	}
	if len(vs.batch) >= vs.w.cfg.Batch {
		return vs.flush(ctx)
	}
	return nil
}

// current decides the fate of a key's latest version: expiry first, else
// the coldest transition due.
func (vs *versionScan) current(ctx context.Context, v object.ListedVersion) error {
	now := vs.w.cfg.Now()
	tags, err := vs.tagsIfNeeded(ctx, v)
	if err != nil {
		return err
	}
	var move string
	var moveAt time.Time
	for i := range vs.lc.Rules {
		r := &vs.lc.Rules[i]
		if !r.Matches(v.Key, v.Size, tags) {
			continue
		}
		if at, ok := r.ExpiresAt(v.LastModified, vs.w.day); ok && !now.Before(at) {
			vs.queue(object.ExpireCurrent, v)
			return nil
		}
		for _, t := range r.Transitions {
			at := t.Date
			if t.HasDays {
				at = vs.w.day.After(v.LastModified, t.Days)
			}
			if !now.Before(at) && at.After(moveAt) && vs.transitionable(r, t.StorageClass, v) {
				move, moveAt = t.StorageClass, at
			}
		}
	}
	if move != "" {
		return vs.transition(ctx, v, move)
	}
	return vs.archiveIT(ctx, v, tags)
}

// noncurrent decides the fate of a noncurrent version (or delete marker):
// idx is its place among the key's noncurrent versions, newest first, and
// since is when it stopped being current.
func (vs *versionScan) noncurrent(ctx context.Context, v object.ListedVersion, since time.Time, idx int) error {
	now := vs.w.cfg.Now()
	tags, err := vs.tagsIfNeeded(ctx, v)
	if err != nil {
		return err
	}
	var move string
	for i := range vs.lc.Rules {
		r := &vs.lc.Rules[i]
		if !r.Matches(v.Key, v.Size, tags) {
			continue
		}
		if n := r.NoncurrentExpiration; n != nil && idx > n.NewerNoncurrentVersions &&
			!now.Before(vs.w.day.After(since, n.NoncurrentDays)) {
			vs.queue(object.ExpireNoncurrent, v)
			return nil
		}
		for _, t := range r.NoncurrentTransitions {
			if idx > t.NewerNoncurrentVersions && !now.Before(vs.w.day.After(since, t.NoncurrentDays)) &&
				!v.DeleteMarker && vs.transitionable(r, t.StorageClass, v) {
				move = t.StorageClass
			}
		}
	}
	if move != "" {
		return vs.transition(ctx, v, move)
	}
	return vs.archiveIT(ctx, v, tags)
}

// endKey handles a key whose only version is a delete marker: S3 removes
// such an "expired object delete marker" for ExpiredObjectDeleteMarker,
// and for Expiration Days once the marker is that old.
func (vs *versionScan) endKey() {
	ks := &vs.ks
	if ks.entries != 1 || !ks.first.DeleteMarker {
		return
	}
	now := vs.w.cfg.Now()
	for i := range vs.lc.Rules {
		r := &vs.lc.Rules[i]
		e := r.Expiration
		if e == nil || !r.Enabled || !r.MatchesKey(ks.key) || r.NeedsTags() {
			continue
		}
		if e.ExpiredObjectDeleteMarker || e.Days > 0 && !now.Before(vs.w.day.After(ks.first.LastModified, e.Days)) {
			vs.queue(object.ExpireDeleteMarker, ks.first)
			return
		}
	}
}

// tagsIfNeeded reads a version's tags when a rule of its prefix filters
// on tags (listings do not carry them).
func (vs *versionScan) tagsIfNeeded(ctx context.Context, v object.ListedVersion) ([]object.Tag, error) {
	if v.DeleteMarker {
		return nil, nil
	}
	if !vs.needsTags(v) {
		return nil, nil
	}
	tags, _, err := vs.w.svc.GetObjectTagging(ctx, vs.bucket, v.Key, v.VersionID)
	if errors.Is(err, object.ErrNoSuchKey) || errors.Is(err, object.ErrNoSuchVersion) {
		return nil, nil // gone since the listing
	}
	return tags, err
}

func (vs *versionScan) needsTags(v object.ListedVersion) bool {
	for i := range vs.lc.Rules {
		r := &vs.lc.Rules[i]
		if r.Enabled && r.NeedsTags() && r.MatchesKey(v.Key) {
			return true
		}
	}
	if v.StorageClass != object.ClassIntelligentTiering || v.ArchiveTier == object.TierDeepArchive {
		return false
	}
	for i := range vs.its {
		c := &vs.its[i]
		if c.NeedsTags() && strings.HasPrefix(v.Key, c.Filter.Prefix) {
			return true
		}
	}
	return false
}

func (vs *versionScan) queue(kind object.LifecycleActionKind, v object.ListedVersion) {
	vs.batch = append(vs.batch, object.LifecycleAction{Kind: kind, Key: v.Key, VersionID: v.VersionID, ModTime: v.LastModified})
}

// flush applies the queued expirations in one commit and records the
// cursor: every key up to vs.done is then dealt with.
func (vs *versionScan) flush(ctx context.Context) error {
	if n := len(vs.batch); n > 0 {
		if err := vs.w.act.wait(ctx, n); err != nil {
			return err
		}
		began := time.Now()
		outcomes, err := vs.w.svc.ApplyLifecycle(ctx, vs.bucket, vs.batch)
		if err != nil {
			return err
		}
		if err := yield(ctx, began, vs.w.cfg.Yield); err != nil {
			return err
		}
		for i, o := range outcomes {
			vs.st.count(vs.batch[i].Kind, o)
		}
		vs.batch = vs.batch[:0]
	}
	vs.cur.Key = vs.done
	return vs.w.checkpoint(ctx, vs.bucket, *vs.cur)
}

func (st *Stats) count(kind object.LifecycleActionKind, outcome error) {
	switch {
	case errors.Is(outcome, object.ErrAccessDenied):
		st.Protected++
	case outcome != nil:
		st.Stale++
	case kind == object.ExpireCurrent:
		st.Expired++
	case kind == object.ExpireNoncurrent:
		st.Noncurrent++
	case kind == object.ExpireDeleteMarker:
		st.Markers++
	}
}
