// Package object is the object service: buckets, objects, versions and
// listings on top of a metadata engine (meta.Store) and a data engine
// (blob.Store). It knows nothing of HTTP; it returns the sentinel errors of
// errors.go and the wire layer maps them to S3 errors.
//
// The methods are spread over files by concern: bucket.go, put.go, get.go,
// conditions.go, delete.go, copy.go, list.go, tagging.go, gc.go; multipart
// uploads in multipart.go, complete.go and mplist.go; encryption at rest in
// encryption.go (modes, keys), bucketenc.go (bucket defaults) and
// rewrap.go (root key rotation); object lock in lock.go (the hook every
// removal calls), lockrules.go (the rules), lockconfig.go (the bucket's
// configuration), lockwrite.go (the lock of new versions) and
// lockversion.go (retention and legal hold of a version). record.go,
// parttable.go, mprecord.go and keys.go hold the stored formats.
package object

import (
	"fmt"
	"sync"
	"time"

	"github.com/hoard-s3/hoard/internal/blob"
	"github.com/hoard-s3/hoard/internal/meta"
	"github.com/hoard-s3/hoard/internal/outbox"
	"github.com/hoard-s3/hoard/internal/sse"
)

// Config tunes the service.
type Config struct {
	// InlineThreshold is the largest object stored inside its metadata
	// record instead of a data file.
	InlineThreshold int64
	// Now returns the current time; tests may replace it.
	Now func() time.Time
	// Keyring holds the root keys that wrap SSE-S3 data keys. Without one
	// the service makes an in-memory key, which dies with the process:
	// fine for tests, never for a data directory.
	Keyring *sse.Keyring
	// KeyService serves SSE-KMS; nil makes SSE-KMS requests fail with
	// ErrKMSUnavailable.
	KeyService sse.KeyService
	// Encryption seals objects that ask for no encryption (on by default).
	Encryption EncryptionSwitch
	// MetadataEncryption seals the metadata and tags of new objects and
	// uploads under the root key (see metaseal.go): on by default (the
	// zero value), EncryptionOff stores them in plaintext. Records written
	// either way read whatever the setting.
	MetadataEncryption EncryptionSwitch
	// Events, when set, queues event notifications in the outbox
	// (events.go); nil raises none.
	Events *Events
	// Replication, when set, is the outbox new versions that a bucket's
	// replication rules select are queued in (replqueue.go); nil queues
	// none.
	Replication *outbox.Outbox
	// OrphanGrace is how long an unreferenced data file stays after the
	// orphan collector first records it in the metadata (gc.go); 0 means
	// blob.DefaultGrace.
	OrphanGrace time.Duration
	// ClassTiers maps a storage class to the tier (of the blob store, see
	// blob.Tiered) that holds its data; classes not named, and every class
	// without a configuration, live in the data directory.
	ClassTiers map[string]string
	// RestoreDelays is how long a restore of each retrieval tier
	// (Expedited, Standard, Bulk) takes; missing tiers take
	// DefaultRestoreDelays.
	RestoreDelays map[string]time.Duration
	// RestoreDay is the length of a day of RestoreObject's Days (24h when
	// zero; tests shorten it).
	RestoreDay time.Duration
	// LifecycleDay is the length of a lifecycle day, which also times the
	// access tiers of INTELLIGENT_TIERING (24h when zero).
	LifecycleDay time.Duration
	// UsageDepth is how many `/`-separated levels of key prefixes get
	// usage counters of their own (usage.go): 0 means
	// usage.DefaultDepth, a negative value none (bucket totals only).
	UsageDepth int
	// UsageOff keeps no usage counters at all; it exists for benchmarks
	// that measure what they cost.
	UsageOff bool
}

// Service is the object service.
type Service struct {
	// meta counts usage in every transaction (usagetxn.go); raw is the
	// engine itself, for the counters' own reads and repairs.
	meta meta.Store
	raw  meta.Store
	// usageDepth is the depth of prefix counters in force.
	usageDepth int
	blobs      blob.Store
	// tiers routes blobs to the tiers; blobs is tiers unless a test
	// wraps it.
	tiers *blob.Tiered
	cfg   Config
	// keyring is cfg.Keyring or the in-memory fallback.
	keyring *sse.Keyring
	// minPartSize is S3's minimum size of every part but the last; tests
	// lower it to build many-part objects cheaply.
	minPartSize int64
	// notifyCache holds decoded notification configurations (events.go).
	notifyCache sync.Map
	// replCache holds decoded replication configurations (replqueue.go).
	replCache sync.Map
}

// New returns a service over the given engines.
func New(m meta.Store, b blob.Store, cfg Config) *Service {
	if cfg.InlineThreshold <= 0 {
		cfg.InlineThreshold = 64 << 10
	}
	if cfg.OrphanGrace <= 0 {
		cfg.OrphanGrace = blob.DefaultGrace
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	t, ok := b.(*blob.Tiered)
	if !ok {
		t, _ = blob.NewTiered(b, nil) // no tiers: no name to refuse
	}
	s := &Service{meta: m, raw: m, blobs: t, tiers: t, cfg: cfg, keyring: cfg.Keyring, minPartSize: MinPartSize}
	s.usageDepth = usageDepthOf(cfg.UsageDepth)
	if !cfg.UsageOff {
		s.meta = &usageStore{Store: m, depth: s.usageDepth, now: cfg.Now}
	}
	if s.keyring == nil {
		kr, err := sse.NewKeyring()
		if err != nil {
			// crypto/rand does not fail (the runtime aborts instead), so
			// this cannot happen on a working system.
			panic(fmt.Sprintf("object: in-memory root key: %v", err))
		}
		s.keyring = kr
	}
	return s
}
