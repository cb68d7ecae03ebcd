package object

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/hoard-s3/hoard/internal/event"
	"github.com/hoard-s3/hoard/internal/meta"
	"github.com/hoard-s3/hoard/internal/outbox"
)

// Events connects the service to the outbox for event notifications.
type Events struct {
	Outbox *outbox.Outbox
	// Targets are the names of the declared targets; a configuration may
	// name no other, and events for a target no longer declared are not
	// queued (nothing would ever drain them).
	Targets map[string]bool
	Region  string
	// AccountOf is the account id of a bucket owner's canonical id, the
	// bucket's ownerIdentity in messages; nil or failing, the canonical
	// id is sent. An id never changes its account, so answers are kept.
	AccountOf func(ctx context.Context, canonical string) (string, error)
	owners    sync.Map // canonical id -> account id
}

// ownerID is the ownerIdentity principal of a bucket owned by canonical.
func (e *Events) ownerID(ctx context.Context, canonical string) string {
	if e.AccountOf == nil || canonical == "" {
		return canonical
	}
	if id, ok := e.owners.Load(canonical); ok {
		return id.(string)
	}
	id, err := e.AccountOf(ctx, canonical)
	if err != nil || id == "" {
		return canonical
	}
	e.owners.Store(canonical, id)
	return id
}

// EventObject is the object version an event is about.
type EventObject struct {
	Key       string
	Size      *int64 // nil for removals, which carry no size
	ETag      string
	VersionID string // "" when the bucket is not versioned
	// Restore details of ObjectRestore:Completed.
	RestoreExpiry       time.Time
	RestoreStorageClass string
}

// recordEvent is the one hook by which a change raises an event: called
// inside tx, the transaction of the change, it queues the event name
// (event.ObjectCreatedPut, ...) about obj to the destination of every rule
// of the bucket's configuration that matches, so the events commit with
// the change or not at all. Every change of this package calls it with
// its own name; lifecycle expiry and transitions and restores call it
// with theirs (event.LifecycleExpiration, event.ObjectRestoreDone, ...).
func (s *Service) recordEvent(ctx context.Context, tx meta.Txn, b *Bucket, name string, obj EventObject) error {
	if s.cfg.Events == nil || s.cfg.Events.Outbox == nil || len(s.cfg.Events.Targets) == 0 {
		return nil // no bucket can have a rule: not even the read
	}
	cfg, err := s.notification(ctx, tx, b.Name)
	if err != nil || cfg == nil {
		return err
	}
	req := event.RequestFrom(ctx)
	now := s.cfg.Now().UTC()
	owner := ""
	for _, r := range cfg.Rules {
		if !r.matches(name, obj.Key) {
			continue
		}
		if owner == "" {
			owner = s.cfg.Events.ownerID(ctx, b.Owner)
		}
		rec := &event.Record{
			Name: name, Time: now, Bucket: b.Name, Owner: owner, Key: obj.Key,
			Size: obj.Size, ETag: obj.ETag, VersionID: obj.VersionID, ConfigID: r.ID, Request: req,
			RestoreExpiry: obj.RestoreExpiry, RestoreStorageClass: obj.RestoreStorageClass,
		}
		if err := s.cfg.Events.append(ctx, tx, r.Target(), b.Name, rec); err != nil {
			return err
		}
	}
	return nil
}

// append queues rec for target, ordered with the other events of its key.
func (e *Events) append(ctx context.Context, tx meta.Txn, target, bucket string, rec *event.Record) error {
	if e == nil || e.Outbox == nil || !e.Targets[target] {
		return nil
	}
	rec.Region = e.Region
	_, _, err := e.Outbox.Append(ctx, tx, outbox.Record{Kind: event.Kind(target), OrderKey: bucket + "/" + rec.Key, Payload: rec.Encode()})
	if err != nil {
		return fmt.Errorf("queue %s event for %s: %w", rec.Name, target, err)
	}
	return nil
}

// cachedNotification is a decoded configuration with the bytes it came
// from: the cache only saves the decoding, the bytes are read every time.
type cachedNotification struct {
	raw []byte
	cfg *NotificationConfig
}

// notification reads the bucket's configuration through tx.
func (s *Service) notification(ctx context.Context, tx meta.Reader, bucket string) (*NotificationConfig, error) {
	raw, err := tx.Get(ctx, configKey(bucket, cfgNotification))
	if errors.Is(err, meta.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read notification configuration of %q: %w", bucket, err)
	}
	if c, ok := s.notifyCache.Load(bucket); ok && bytes.Equal(c.(*cachedNotification).raw, raw) {
		return c.(*cachedNotification).cfg, nil
	}
	cfg, err := readNotification(ctx, tx, bucket)
	if err != nil || cfg == nil {
		return cfg, err
	}
	s.notifyCache.Store(bucket, &cachedNotification{raw: raw, cfg: cfg})
	return cfg, nil
}

// changeEvent raises name about a version whose tags, ACL or lock
// changed, reading the bucket through tx.
func (s *Service) changeEvent(ctx context.Context, tx meta.Txn, bucket, name, key string, rec *record) error {
	if s.cfg.Events == nil || len(s.cfg.Events.Targets) == 0 {
		return nil
	}
	b, err := s.bucket(ctx, tx, bucket)
	if err != nil {
		return err
	}
	obj := eventObject(b, key, rec)
	obj.Size = nil // S3 sends no size with these
	return s.recordEvent(ctx, tx, b, name, obj)
}

// eventObject describes a stored version for an event.
func eventObject(b *Bucket, key string, rec *record) EventObject {
	size := rec.Size
	return EventObject{Key: key, Size: &size, ETag: rec.etag(), VersionID: eventVersion(b, rec.VersionID)}
}

// eventVersion is the versionId an event carries: none in a bucket that
// never had versioning, as in S3.
func eventVersion(b *Bucket, vid string) string {
	if b.Versioning == VersioningOff && vid == NullVersion {
		return ""
	}
	return vid
}

// removalEvent raises the event of one successful deletion: a delete
// marker, or a removal (a lifecycle expiry when ctx says so).
func (s *Service) removalEvent(ctx context.Context, tx meta.Txn, b *Bucket, res DeleteResult) error {
	marker := res.DeleteMarker && !res.ByVersion
	name := event.NameFrom(ctx, event.ObjectRemovedDelete)
	switch {
	case marker && name == event.LifecycleExpiration:
		name = event.LifecycleMarker
	case marker:
		name = event.ObjectRemovedMarker
	}
	return s.recordEvent(ctx, tx, b, name, EventObject{Key: res.Key, VersionID: eventVersion(b, res.VersionID)})
}

// Event names of the storage-class work (restores, transitions), for
// callers outside this package (the lifecycle worker).
const (
	EventRestorePost         = event.ObjectRestorePost
	EventRestoreCompleted    = event.ObjectRestoreDone
	EventRestoreDelete       = event.ObjectRestoreDelete
	EventLifecycleTransition = event.LifecycleTransition
	// EventIntelligentTiering is S3's event of an INTELLIGENT_TIERING
	// object moving into an archive tier.
	EventIntelligentTiering = "IntelligentTiering"
	// Lifecycle expirations (lifecycleops.go).
	EventLifecycleDelete        = event.LifecycleExpiration
	EventLifecycleMarkerCreated = event.LifecycleMarker
)

// versionEvent is a change of one stored version (a restore or a
// transition) about to be raised through recordEvent.
type versionEvent struct {
	name, bucket, key string
	rec               *record
	RestoreExpiry     time.Time
}

// eventOf describes a version for an event.
func eventOf(name, bucket, key string, rec *record) versionEvent {
	return versionEvent{name: name, bucket: bucket, key: key, rec: rec}
}

// emit raises e inside tx, the transaction of the change.
func (s *Service) emit(ctx context.Context, tx meta.Txn, e versionEvent) error {
	if e.name == "" || s.cfg.Events == nil || len(s.cfg.Events.Targets) == 0 {
		return nil
	}
	b, err := s.bucket(ctx, tx, e.bucket)
	if err != nil {
		return err
	}
	obj := eventObject(b, e.key, e.rec)
	obj.RestoreExpiry = e.RestoreExpiry
	if e.name == EventRestoreCompleted {
		obj.RestoreStorageClass = e.rec.StorageClass
		if obj.RestoreStorageClass == "" {
			obj.RestoreStorageClass = ClassStandard
		}
	}
	return s.recordEvent(ctx, tx, b, e.name, obj)
}
