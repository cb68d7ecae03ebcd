package object

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hoard-s3/hoard/internal/meta"
)

// Cause says why a version is removed or a delete marker written: a
// client's request, or a lifecycle rule (S3 names the events of the
// latter s3:LifecycleExpiration:Delete and
// s3:LifecycleExpiration:DeleteMarkerCreated). It travels with the
// removal (lock.go) into versions.go, where the change is made.
type Cause uint8

const (
	CauseRequest Cause = iota
	CauseLifecycle
)

// LifecycleActionKind is what the lifecycle worker asks of a version.
type LifecycleActionKind uint8

const (
	// ExpireCurrent expires the latest version: removes it in an
	// unversioned bucket, writes a delete marker on top otherwise.
	ExpireCurrent LifecycleActionKind = iota + 1
	// ExpireNoncurrent removes a noncurrent version for good.
	ExpireNoncurrent
	// ExpireDeleteMarker removes a delete marker that is the only
	// version left of its key.
	ExpireDeleteMarker
)

// LifecycleAction names one version as the worker's scan saw it. The
// action is applied only if the version is still what the scan saw
// (same version id and modification time, still latest or noncurrent as
// the kind says); otherwise its outcome is ErrPreconditionFailed.
type LifecycleAction struct {
	Kind      LifecycleActionKind
	Key       string
	VersionID string
	ModTime   time.Time
}

// ErrLifecycleStale is the outcome of an action on a version that changed
// since the scan saw it. It wraps ErrPreconditionFailed.
var ErrLifecycleStale = fmt.Errorf("version changed since the lifecycle scan: %w", ErrPreconditionFailed)

// MaxLifecycleBatch bounds the actions of one ApplyLifecycle call.
const MaxLifecycleBatch = MaxDeleteObjects

// ApplyLifecycle applies expirations to versions of one bucket in a single
// metadata commit, through the same version rules (versions.go) and the
// same object-lock check as a client's DELETE. Each action's outcome is
// in the returned slice: nil, ErrLifecycleStale, or the object-lock
// refusal (ErrObjectLocked) that leaves a protected version alone.
func (s *Service) ApplyLifecycle(ctx context.Context, bucket string, acts []LifecycleAction) ([]error, error) {
	if len(acts) > MaxLifecycleBatch {
		return nil, fmt.Errorf("%d lifecycle actions, at most %d: %w", len(acts), MaxLifecycleBatch, ErrTooManyKeys)
	}
	outcomes := make([]error, len(acts))
	var freed []string
	err := s.meta.Update(ctx, func(tx meta.Txn) error {
		freed = freed[:0]
		b, err := s.bucket(ctx, tx, bucket)
		if err != nil {
			return err
		}
		for i, a := range acts {
			f, err := s.applyOne(ctx, tx, b, a)
			if err != nil && !isRequestError(err) {
				return err
			}
			outcomes[i] = err
			freed = append(freed, f...)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("apply lifecycle in %q: %w", bucket, err)
	}
	s.deleteBlobs(freed)
	return outcomes, nil
}

// lifecycleRemoval is how lifecycle removes versions: never bypassing
// governance retention, and named as lifecycle's doing.
var lifecycleRemoval = removal{Cause: CauseLifecycle}

func (s *Service) applyOne(ctx context.Context, tx meta.Txn, b *Bucket, a LifecycleAction) ([]string, error) {
	if err := validKey(a.Key); err != nil {
		return nil, err
	}
	var rec *record
	switch a.Kind {
	case ExpireCurrent:
		return s.expireCurrent(ctx, tx, b, a)
	case ExpireNoncurrent:
		loc, err := findVersion(ctx, tx, b, a.Key, a.VersionID, modeList)
		if errors.Is(err, ErrNoSuchVersion) {
			return nil, ErrLifecycleStale
		}
		if err != nil {
			return nil, err
		}
		if loc.current || !sameVersion(loc.rec, a) {
			return nil, ErrLifecycleStale
		}
		rec = loc.rec
	case ExpireDeleteMarker:
		var err error
		if rec, err = loneMarker(ctx, tx, b, a); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("lifecycle action %d: %w", a.Kind, ErrInvalidArgument)
	}
	_, freed, err := s.deleteVersion(ctx, tx, b, a.Key, a.VersionID, DeleteConditions{}, lifecycleRemoval)
	if err != nil {
		return nil, err
	}
	return freed, s.emit(ctx, tx, eventOf(EventLifecycleDelete, b.Name, a.Key, rec))
}

// expireCurrent expires the latest version: S3's
// s3:LifecycleExpiration:DeleteMarkerCreated in a versioned bucket,
// s3:LifecycleExpiration:Delete in an unversioned one.
func (s *Service) expireCurrent(ctx context.Context, tx meta.Txn, b *Bucket, a LifecycleAction) ([]string, error) {
	kv, err := s.loadKey(ctx, tx, b, a.Key)
	if err != nil {
		return nil, err
	}
	if kv.cur == nil || !sameVersion(kv.cur, a) {
		return nil, ErrLifecycleStale
	}
	cur := kv.cur
	res, freed, err := s.deleteLatest(ctx, tx, kv, s.cfg.Now().UnixNano(), lifecycleRemoval)
	if err != nil {
		return nil, err
	}
	if res.DeleteMarker {
		marker := EventObject{Key: a.Key, VersionID: eventVersion(b, res.VersionID)}
		return freed, s.recordEvent(ctx, tx, b, EventLifecycleMarkerCreated, marker)
	}
	return freed, s.emit(ctx, tx, eventOf(EventLifecycleDelete, b.Name, a.Key, cur))
}

func sameVersion(rec *record, a LifecycleAction) bool {
	return rec.VersionID == a.VersionID && rec.ModTime == a.ModTime.UnixNano()
}

// loneMarker checks that a's delete marker is the only version of its key
// (S3's "expired object delete marker").
func loneMarker(ctx context.Context, tx meta.Reader, b *Bucket, a LifecycleAction) (*record, error) {
	if _, err := tx.Get(ctx, objectKey(b.Name, a.Key)); err == nil {
		return nil, ErrLifecycleStale
	} else if !errors.Is(err, meta.ErrNotFound) {
		return nil, err
	}
	lower := versionsOf(b.Name, a.Key)
	it, err := tx.NewIter(ctx, lower, meta.PrefixEnd(lower))
	if err != nil {
		return nil, err
	}
	defer it.Close()
	if !it.First() {
		if err := it.Error(); err != nil {
			return nil, err
		}
		return nil, ErrLifecycleStale
	}
	v, err := it.Value()
	if err != nil {
		return nil, err
	}
	head := &record{}
	if err := head.decode(v, modeList); err != nil {
		return nil, fmt.Errorf("%s/%s version: %w", b.Name, a.Key, err)
	}
	if !head.DeleteMarker || !sameVersion(head, a) || it.Next() {
		return nil, ErrLifecycleStale
	}
	return head, it.Error()
}
