// Package event is the vocabulary of S3 event notifications shared by the
// object service, which records events, and the notifier, which delivers
// them: event names and their wildcards, the compact record stored in the
// outbox, the request that caused an event, and Amazon S3's event message
// structure.
package event

import "strings"

// Event names as S3 spells them (without the "s3:" of configurations).
const (
	ObjectCreatedPut      = "ObjectCreated:Put"
	ObjectCreatedPost     = "ObjectCreated:Post"
	ObjectCreatedCopy     = "ObjectCreated:Copy"
	ObjectCreatedComplete = "ObjectCreated:CompleteMultipartUpload"
	ObjectRemovedDelete   = "ObjectRemoved:Delete"
	ObjectRemovedMarker   = "ObjectRemoved:DeleteMarkerCreated"
	ObjectRestorePost     = "ObjectRestore:Post"
	ObjectRestoreDone     = "ObjectRestore:Completed"
	ObjectRestoreDelete   = "ObjectRestore:Delete"
	LifecycleExpiration   = "LifecycleExpiration:Delete"
	LifecycleMarker       = "LifecycleExpiration:DeleteMarkerCreated"
	LifecycleTransition   = "LifecycleTransition"
	ObjectTaggingPut      = "ObjectTagging:Put"
	ObjectTaggingDelete   = "ObjectTagging:Delete"
	ObjectACLPut          = "ObjectAcl:Put"
	// S3 sends no event for object lock changes; these two, named as
	// MinIO names them, are sent only to rules that list them by name
	// ("s3:ObjectCreated:*" does not include them), so an application
	// written for S3 never sees them.
	ObjectRetentionPut = "ObjectCreated:PutRetention"
	ObjectLegalHoldPut = "ObjectCreated:PutLegalHold"
	// Test is the message S3 sends to each destination of a saved
	// configuration.
	Test = "TestEvent"
)

// Names are the event names a configuration may list, with "s3:".
var Names = []string{
	"s3:" + ObjectCreatedPut, "s3:" + ObjectCreatedPost, "s3:" + ObjectCreatedCopy, "s3:" + ObjectCreatedComplete,
	"s3:" + ObjectRemovedDelete, "s3:" + ObjectRemovedMarker,
	"s3:" + ObjectRestorePost, "s3:" + ObjectRestoreDone, "s3:" + ObjectRestoreDelete,
	"s3:" + LifecycleExpiration, "s3:" + LifecycleMarker, "s3:" + LifecycleTransition,
	"s3:" + ObjectTaggingPut, "s3:" + ObjectTaggingDelete, "s3:" + ObjectACLPut,
	"s3:" + ObjectRetentionPut, "s3:" + ObjectLegalHoldPut,
	// Accepted as S3 accepts them; Hoard has no reduced redundancy,
	// replication or intelligent tiering to raise them yet.
	"s3:ReducedRedundancyLostObject", "s3:IntelligentTiering",
	"s3:Replication:OperationFailedReplication", "s3:Replication:OperationMissedThreshold",
	"s3:Replication:OperationReplicatedAfterThreshold", "s3:Replication:OperationNotTracked",
}

// wildcards are the "s3:Group:*" forms S3 accepts.
var wildcards = []string{"s3:ObjectCreated:*", "s3:ObjectRemoved:*", "s3:ObjectRestore:*",
	"s3:LifecycleExpiration:*", "s3:ObjectTagging:*", "s3:Replication:*"}

// explicitOnly are matched by their exact name only, never by a wildcard.
var explicitOnly = map[string]bool{ObjectRetentionPut: true, ObjectLegalHoldPut: true}

// ValidPattern reports whether p is an event name or wildcard S3 accepts.
func ValidPattern(p string) bool {
	for _, n := range Names {
		if p == n {
			return true
		}
	}
	for _, w := range wildcards {
		if p == w {
			return true
		}
	}
	return false
}

// Matches reports whether the configured pattern p ("s3:ObjectCreated:*")
// covers the event name (without "s3:").
func Matches(p, name string) bool {
	p, ok := strings.CutPrefix(p, "s3:")
	if !ok {
		return false
	}
	if p == name {
		return true
	}
	group, ok := strings.CutSuffix(p, "*")
	return ok && !explicitOnly[name] && strings.HasPrefix(name, group)
}

// Overlap reports whether two patterns cover a common event.
func Overlap(a, b string) bool {
	for _, n := range Names {
		n = strings.TrimPrefix(n, "s3:")
		if Matches(a, n) && Matches(b, n) {
			return true
		}
	}
	return false
}
