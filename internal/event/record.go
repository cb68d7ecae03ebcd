package event

import (
	"context"
	"time"
)

// Request is who caused an event, as the wire layer knows it.
type Request struct {
	PrincipalID string // the requester's canonical or IAM id
	SourceIP    string
	RequestID   string // x-amz-request-id
	HostID      string // x-amz-id-2
}

type requestKey struct{}

// WithRequest attaches the request to ctx for the events it causes.
func WithRequest(ctx context.Context, r Request) context.Context {
	return context.WithValue(ctx, requestKey{}, r)
}

// RequestFrom returns the request attached to ctx; a change made by the
// server itself (lifecycle) has none and reports the service.
func RequestFrom(ctx context.Context) Request {
	if r, ok := ctx.Value(requestKey{}).(Request); ok {
		return r
	}
	return Request{PrincipalID: "AmazonS3", SourceIP: "s3.amazonaws.com"}
}

type nameKey struct{}

// WithName makes the changes made under ctx raise name instead of the
// event their operation raises by default: PostObject raises
// ObjectCreated:Post through PutObject, a lifecycle expiry raises
// LifecycleExpiration:Delete through DeleteObject.
func WithName(ctx context.Context, name string) context.Context {
	return context.WithValue(ctx, nameKey{}, name)
}

// NameFrom is the name set by WithName, or def.
func NameFrom(ctx context.Context, def string) string {
	if n, ok := ctx.Value(nameKey{}).(string); ok && n != "" {
		return n
	}
	return def
}

// Record is one event for one destination, as stored in the outbox. The
// S3 message is rendered from it at delivery (Message), with the
// record's outbox sequence number as the sequencer.
type Record struct {
	Name      string    `json:"n"`
	Time      time.Time `json:"t"`
	Region    string    `json:"r,omitempty"`
	Bucket    string    `json:"b"`
	Owner     string    `json:"o,omitempty"`
	Key       string    `json:"k,omitempty"`
	Size      *int64    `json:"s,omitempty"`
	ETag      string    `json:"e,omitempty"`
	VersionID string    `json:"v,omitempty"`
	ConfigID  string    `json:"c,omitempty"`
	Request   Request   `json:"q"`
	// Restore details of ObjectRestore:Completed (glacierEventData).
	RestoreExpiry       time.Time `json:"rx,omitzero"`
	RestoreStorageClass string    `json:"rc,omitempty"`
}

// Kind is the outbox kind of a notification target's records.
func Kind(target string) string { return "notify." + target }
