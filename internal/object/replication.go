package object

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/hoard-s3/hoard/internal/meta"
)

// Bucket replication configuration, as S3 defines it. The service keeps
// it as a typed configuration (validated here, JSON in "c/<bucket>/
// replication"), and every new version or delete marker of a bucket that
// has one is matched against its rules inside the transaction that
// writes it (replqueue.go).
const cfgReplication = "replication"

func init() { typedConfigs[cfgReplication] = true }

// ReplicationConfig is a bucket's replication configuration.
type ReplicationConfig struct {
	Role  string
	Rules []ReplicationRule
}

// ReplicationRule is one rule. V1 rules (no Filter, a Prefix of their
// own) replicate delete markers always; V2 rules (a Filter) as
// DeleteMarkerReplication says.
type ReplicationRule struct {
	ID       string
	Priority int
	// HasPriority: Priority was given (V2 rules need it when several).
	HasPriority bool `json:",omitempty"`
	Enabled     bool
	Prefix      string // V1 only
	Filter      *ReplicationFilter
	Destination ReplicationDestination
	// DeleteMarkers is DeleteMarkerReplication Status Enabled; HasDeleteMarker
	// says the element was present.
	DeleteMarkers   bool `json:",omitempty"`
	HasDeleteMarker bool `json:",omitempty"`
	// SourceSelectionCriteria.
	SSEKMS          *bool `json:",omitempty"` // SseKmsEncryptedObjects Status
	ReplicaModifies *bool `json:",omitempty"` // ReplicaModifications Status
	// ExistingObjects is ExistingObjectReplication Status (nil: absent).
	ExistingObjects *bool `json:",omitempty"`
}

// ReplicationFilter selects the keys of a V2 rule: a prefix, a tag, or
// both with several tags (And).
type ReplicationFilter struct {
	Prefix string `json:",omitempty"`
	Tags   []Tag  `json:",omitempty"`
	And    bool   `json:",omitempty"` // the filter was written as <And>
}

// ReplicationDestination is where a rule replicates to.
type ReplicationDestination struct {
	Bucket        string // arn:aws:s3:::NAME
	Account       string `json:",omitempty"`
	StorageClass  string `json:",omitempty"`
	OwnerOverride bool   `json:",omitempty"` // AccessControlTranslation Owner Destination
	ReplicaKMSKey string `json:",omitempty"`
	// ReplicationTime and Metrics: status and minutes (nil when absent).
	RTC            *bool `json:",omitempty"`
	RTCMinutes     int   `json:",omitempty"`
	Metrics        *bool `json:",omitempty"`
	MetricsMinutes int   `json:",omitempty"`
}

// DestinationBucket is the bucket name of the destination ARN.
func (d ReplicationDestination) DestinationBucket() string {
	return strings.TrimPrefix(d.Bucket, bucketARNPrefix)
}

const bucketARNPrefix = "arn:aws:s3:::"

// V2 reports whether the rule uses the Filter form.
func (r *ReplicationRule) V2() bool { return r.Filter != nil }

// ReplicatesDeleteMarkers reports whether delete markers go along.
func (r *ReplicationRule) ReplicatesDeleteMarkers() bool { return !r.V2() || r.DeleteMarkers }

// ReplicatesReplicas: with ReplicaModifications Enabled a replica's
// changes go back; otherwise replicas are never sent on (no loops).
func (r *ReplicationRule) ReplicatesReplicas() bool {
	return r.ReplicaModifies != nil && *r.ReplicaModifies
}

// Matches reports whether the rule selects a version of key with tags.
func (r *ReplicationRule) Matches(key string, tags []Tag) bool {
	if !r.Enabled {
		return false
	}
	if !r.V2() {
		return strings.HasPrefix(key, r.Prefix)
	}
	if !strings.HasPrefix(key, r.Filter.Prefix) {
		return false
	}
	return hasTags(tags, r.Filter.Tags)
}

// Match returns the rule that applies to a version of key: among the
// enabled rules that select it, the one of highest priority (S3's rule
// for overlapping rules), nil when none does.
func (c *ReplicationConfig) Match(key string, tags []Tag) *ReplicationRule {
	var best *ReplicationRule
	for i := range c.Rules {
		r := &c.Rules[i]
		if r.Matches(key, tags) && (best == nil || r.Priority > best.Priority) {
			best = r
		}
	}
	return best
}

// Rule returns the rule with id, nil when none.
func (c *ReplicationConfig) Rule(id string) *ReplicationRule {
	for i := range c.Rules {
		if c.Rules[i].ID == id {
			return &c.Rules[i]
		}
	}
	return nil
}

// DestinationChecker tells whether a destination bucket can take
// replicas: found on a registered site with versioning Enabled. It
// answers ErrDestinationUnversioned (or ErrNoSuchBucket) only when it
// knows; a site it cannot reach is no refusal (replication retries).
type DestinationChecker interface {
	CheckDestination(ctx context.Context, bucket string) error
}

// ErrDestinationUnversioned is a destination without versioning Enabled.
var ErrDestinationUnversioned = errors.New("destination bucket is not versioned")

// SetDestinationChecker makes PutBucketReplication check destinations
// with c (the replicator, which is built after the service).
func (s *Service) SetDestinationChecker(c DestinationChecker) { s.destCheck = c }

// PutBucketReplication validates and stores a replication configuration.
// The bucket must have versioning Enabled (S3's InvalidRequest), and so
// must each destination that can be reached.
func (s *Service) PutBucketReplication(ctx context.Context, bucket string, c *ReplicationConfig) error {
	for i := range c.Rules {
		if c.Rules[i].ID == "" {
			c.Rules[i].ID = newRuleID()
		}
	}
	if err := validReplication(c); err != nil {
		return fmt.Errorf("replication of %q: %w", bucket, err)
	}
	if err := s.checkDestinations(ctx, c); err != nil {
		return fmt.Errorf("replication of %q: %w", bucket, err)
	}
	doc, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("replication of %q: %w", bucket, err)
	}
	err = s.meta.Update(ctx, func(tx meta.Txn) error {
		b, err := s.bucket(ctx, tx, bucket)
		if err != nil {
			return err
		}
		if b.Versioning != VersioningEnabled {
			return replInvalid("InvalidRequest", "Versioning must be 'Enabled' on the bucket to apply a replication configuration")
		}
		return tx.Set(configKey(bucket, cfgReplication), doc)
	})
	if err != nil {
		return fmt.Errorf("put replication of %q: %w", bucket, err)
	}
	return nil
}

// GetBucketReplication returns the configuration, ErrNoSuchBucketConfig
// when the bucket has none.
func (s *Service) GetBucketReplication(ctx context.Context, bucket string) (*ReplicationConfig, error) {
	doc, err := s.GetBucketConfig(ctx, bucket, cfgReplication)
	if err != nil {
		return nil, err
	}
	return decodeReplication(bucket, doc)
}

// DeleteBucketReplication removes the configuration; none is not an error.
func (s *Service) DeleteBucketReplication(ctx context.Context, bucket string) error {
	return s.deleteConfig(ctx, bucket, cfgReplication)
}

// bucketReplication reads the configuration through r: nil when none.
func (s *Service) bucketReplication(ctx context.Context, r meta.Reader, bucket string) (*ReplicationConfig, error) {
	doc, err := r.Get(ctx, configKey(bucket, cfgReplication))
	if errors.Is(err, meta.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read replication of %q: %w", bucket, err)
	}
	return decodeReplication(bucket, doc)
}

func decodeReplication(bucket string, doc []byte) (*ReplicationConfig, error) {
	var c ReplicationConfig
	if err := json.Unmarshal(doc, &c); err != nil {
		return nil, fmt.Errorf("replication of %q: %w", bucket, errCorrupt)
	}
	return &c, nil
}

func (s *Service) checkDestinations(ctx context.Context, c *ReplicationConfig) error {
	if s.destCheck == nil {
		return nil
	}
	seen := map[string]bool{}
	for _, r := range c.Rules {
		name := r.Destination.DestinationBucket()
		if seen[name] {
			continue
		}
		seen[name] = true
		err := s.destCheck.CheckDestination(ctx, name)
		switch {
		case errors.Is(err, ErrDestinationUnversioned):
			return replInvalid("InvalidRequest", "Destination bucket must have versioning enabled.")
		case errors.Is(err, ErrNoSuchBucket):
			return replInvalid("InvalidRequest", "Destination bucket must exist.")
		case err != nil:
			s.log().Warn("replication destination not checked", "bucket", name, "err", err)
		}
	}
	return nil
}
