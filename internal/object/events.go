package object

import (
	"context"
	"time"

	"github.com/hoard-s3/hoard/internal/meta"
)

// Event names the service reports through Config.Events.
const (
	EventRestorePost         = "s3:ObjectRestore:Post"
	EventRestoreCompleted    = "s3:ObjectRestore:Completed"
	EventRestoreDelete       = "s3:ObjectRestore:Delete"
	EventLifecycleTransition = "s3:LifecycleTransition"
	// Lifecycle expirations (lifecycleops.go).
	EventLifecycleDelete        = "s3:LifecycleExpiration:Delete"
	EventLifecycleMarkerCreated = "s3:LifecycleExpiration:DeleteMarkerCreated"
)

// Event is a change worth telling others about (S3 event notifications).
type Event struct {
	Name         string
	Bucket       string
	Key          string
	VersionID    string // "" for objects of buckets never versioned
	Size         int64
	ETag         string
	StorageClass string
	// RestoreExpiry is set for EventRestoreCompleted.
	RestoreExpiry time.Time
	Time          time.Time
}

// EventSink receives events inside the metadata transaction that makes
// the change, so that an outbox record written through tx commits (or
// not) with it. It must not have effects outside tx: the transaction may
// run more than once.
type EventSink func(ctx context.Context, tx meta.Txn, e Event) error

// emit reports e through the configured sink, if any.
func (s *Service) emit(ctx context.Context, tx meta.Txn, e Event) error {
	if s.cfg.Events == nil {
		return nil
	}
	if e.Time.IsZero() {
		e.Time = s.cfg.Now().UTC()
	}
	return s.cfg.Events(ctx, tx, e)
}

// eventOf describes a version for an event.
func eventOf(name, bucket, key string, rec *record) Event {
	e := Event{Name: name, Bucket: bucket, Key: key, Size: rec.Size, ETag: rec.etag(), StorageClass: rec.StorageClass}
	if rec.VersionID != NullVersion {
		e.VersionID = rec.VersionID
	}
	if e.StorageClass == "" {
		e.StorageClass = ClassStandard
	}
	return e
}
