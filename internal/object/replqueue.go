package object

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/hoard-s3/hoard/internal/meta"
	"github.com/hoard-s3/hoard/internal/outbox"
	"github.com/hoard-s3/hoard/internal/sse"
)

// ReplicationKind is the outbox kind of replication work.
const ReplicationKind = "replication"

// ReplicationTask is one version (or delete marker) to replicate, as
// queued in the outbox in the transaction that wrote it.
type ReplicationTask struct {
	Bucket    string
	Key       string
	VersionID string
	Rule      string // the rule's ID
	Marker    bool   `json:",omitempty"`
	// Written is the version's modification time (Unix ns): the lag is
	// measured from it.
	Written int64
}

// EncodeTask is the outbox payload of t.
func EncodeTask(t ReplicationTask) []byte {
	b, _ := json.Marshal(t)
	return b
}

// DecodeTask reads an outbox payload back.
func DecodeTask(p []byte) (ReplicationTask, error) {
	var t ReplicationTask
	if err := json.Unmarshal(p, &t); err != nil || t.Bucket == "" || t.Key == "" || t.VersionID == "" {
		return t, fmt.Errorf("replication task %q: %w", p, errCorrupt)
	}
	return t, nil
}

// queueReplication is the hook by which a new version is replicated:
// called by putVersion inside tx once rec has its version id and before
// it is encoded, it marks rec PENDING and queues a task when a rule of
// the bucket selects it. Replicas (written by PutReplica) never come
// here, so two sites replicating to each other send nothing back.
func (s *Service) queueReplication(ctx context.Context, tx meta.Txn, b *Bucket, key string, rec *record) error {
	if s.cfg.Replication == nil || b.Versioning != VersioningEnabled || rec.VersionID == NullVersion {
		return nil
	}
	cfg, err := s.replicationConfig(ctx, tx, b.Name)
	if err != nil || cfg == nil {
		return err
	}
	rule := cfg.Match(key, rec.Tags)
	if rule == nil || !replicable(rule, rec) {
		return nil
	}
	rec.Repl = ReplPending
	return s.appendTask(ctx, tx, ReplicationTask{Bucket: b.Name, Key: key, VersionID: rec.VersionID, Rule: rule.ID, Written: rec.ModTime})
}

// replicable applies S3's rules on encrypted objects: SSE-C objects are
// not replicated; SSE-KMS objects only when the rule opts in.
func replicable(rule *ReplicationRule, rec *record) bool {
	if rec.Enc == nil {
		return true
	}
	switch rec.Enc.Type {
	case sse.C:
		return false
	case sse.KMS:
		return rule.SSEKMS != nil && *rule.SSEKMS
	}
	return true
}

// queueMarker queues a delete marker written by DELETE, when the rule
// that selects its key replicates delete markers.
func (s *Service) queueMarker(ctx context.Context, tx meta.Txn, b *Bucket, res DeleteResult) error {
	if s.cfg.Replication == nil || !res.DeleteMarker || res.ByVersion || res.VersionID == NullVersion {
		return nil
	}
	cfg, err := s.replicationConfig(ctx, tx, b.Name)
	if err != nil || cfg == nil {
		return err
	}
	rule := cfg.Match(res.Key, nil)
	if rule == nil || !rule.ReplicatesDeleteMarkers() {
		return nil
	}
	return s.appendTask(ctx, tx, ReplicationTask{Bucket: b.Name, Key: res.Key, VersionID: res.VersionID,
		Rule: rule.ID, Marker: true, Written: versionTime(res.VersionID)})
}

func (s *Service) appendTask(ctx context.Context, tx meta.Txn, t ReplicationTask) error {
	_, ok, err := s.cfg.Replication.Append(ctx, tx, outbox.Record{Kind: ReplicationKind, OrderKey: t.Bucket + "/" + t.Key, Payload: EncodeTask(t)})
	if err != nil {
		return fmt.Errorf("queue replication of %s/%s: %w", t.Bucket, t.Key, err)
	}
	if !ok {
		// The outbox is full: the write goes on; replicate-existing
		// picks the version up later.
		s.log().Warn("replication not queued: outbox full", "bucket", t.Bucket, "key", t.Key, "version", t.VersionID)
	}
	return nil
}

// cachedReplication is a decoded configuration with its bytes.
type cachedReplication struct {
	raw []byte
	cfg *ReplicationConfig
}

// replicationConfig reads the bucket's configuration through tx, decoding
// it only when it changed.
func (s *Service) replicationConfig(ctx context.Context, tx meta.Reader, bucket string) (*ReplicationConfig, error) {
	raw, err := tx.Get(ctx, configKey(bucket, cfgReplication))
	if errors.Is(err, meta.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read replication of %q: %w", bucket, err)
	}
	if c, ok := s.replCache.Load(bucket); ok && bytes.Equal(c.(*cachedReplication).raw, raw) {
		return c.(*cachedReplication).cfg, nil
	}
	cfg, err := decodeReplication(bucket, raw)
	if err != nil {
		return nil, err
	}
	s.replCache.Store(bucket, &cachedReplication{raw: raw, cfg: cfg})
	return cfg, nil
}

// ReplicationLag is how long ago a task's version was written.
func ReplicationLag(t ReplicationTask, now time.Time) time.Duration {
	return now.Sub(time.Unix(0, t.Written))
}

// queueModification is the hook by which a change of a version's tags or
// lock follows the version: called inside tx before rec is written back,
// it queues the version again when it was replicated (or queued) and a
// rule still selects it, marking it PENDING. A replica's changes go back
// only when the rule says ReplicaModifications Enabled, and stay REPLICA.
// The destination takes the version again as an update of the copy it
// has (PutReplica).
func (s *Service) queueModification(ctx context.Context, tx meta.Txn, bucket, key string, rec *record) error {
	if s.cfg.Replication == nil || rec.Repl == ReplNone || rec.DeleteMarker {
		return nil
	}
	cfg, err := s.replicationConfig(ctx, tx, bucket)
	if err != nil || cfg == nil {
		return err
	}
	tags := rec.Tags
	if rec.sealedMeta != nil {
		c := *rec
		if err := s.openRecordMeta(bucket, key, &c); err != nil {
			return err
		}
		tags = c.Tags
	}
	rule := cfg.Match(key, tags)
	if rule == nil || !replicable(rule, rec) {
		return nil
	}
	if rec.Repl == ReplReplica {
		if !rule.ReplicatesReplicas() {
			return nil
		}
	} else {
		rec.Repl = ReplPending
	}
	return s.appendTask(ctx, tx, ReplicationTask{Bucket: bucket, Key: key, VersionID: rec.VersionID, Rule: rule.ID, Written: s.cfg.Now().UnixNano()})
}
