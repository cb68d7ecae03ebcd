package object

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/hoard-s3/hoard/internal/meta"
)

// A bucket's lifecycle configuration is a typed configuration: the service
// validates it (lifecyclevalid.go) and stores it as JSON; the wire layer
// speaks its XML. Rules are applied by a background worker (package
// lifecycle) through the calls of lifecycleops.go, and matched against
// single objects by lifecycleeval.go.

// cfgLifecycle names the lifecycle configuration in the configuration store.
const cfgLifecycle = "lifecycle"

func init() { typedConfigs[cfgLifecycle] = true }

// MaxLifecycleRules is S3's limit of rules in one configuration.
const MaxLifecycleRules = 1000

// Transition minimum sizes (x-amz-transition-default-minimum-object-size).
const (
	TransitionMinSize128K    = "all_storage_classes_128K"
	TransitionMinSizeByClass = "varies_by_storage_class"
)

// LifecycleConfiguration is a bucket's lifecycle rules.
type LifecycleConfiguration struct {
	Rules []LifecycleRule
	// TransitionMinSize is TransitionMinSize128K (S3's default) or
	// TransitionMinSizeByClass.
	TransitionMinSize string
}

// LifecycleRule is one rule. A rule's scope is its Filter, or the legacy
// top-level Prefix (LegacyPrefix), which S3 still accepts and echoes.
type LifecycleRule struct {
	ID      string
	Enabled bool
	Filter  LifecycleFilter
	// LegacyPrefix: the rule was given a top-level Prefix instead of a
	// Filter (Filter.Prefix holds it).
	LegacyPrefix bool
	// NoFilter: the rule had neither Filter nor Prefix (it applies to all).
	NoFilter bool

	Expiration            *LifecycleExpiration   `json:",omitempty"`
	NoncurrentExpiration  *NoncurrentExpiration  `json:",omitempty"`
	Transitions           []LifecycleTransition  `json:",omitempty"`
	NoncurrentTransitions []NoncurrentTransition `json:",omitempty"`
	// AbortIncompleteDays is AbortIncompleteMultipartUpload's
	// DaysAfterInitiation; 0 when the rule has none.
	AbortIncompleteDays int `json:",omitempty"`
}

// LifecycleFilter selects objects: all of the set conditions must hold.
type LifecycleFilter struct {
	Prefix string
	Tags   []Tag `json:",omitempty"`
	// SizeGreaterThan and SizeLessThan are ObjectSizeGreaterThan and
	// ObjectSizeLessThan; nil when absent.
	SizeGreaterThan *int64 `json:",omitempty"`
	SizeLessThan    *int64 `json:",omitempty"`
	// And: the conditions came in an And element (kept to echo it).
	And bool `json:",omitempty"`
	// HasPrefix: a Prefix element was given (an empty one included).
	HasPrefix bool `json:",omitempty"`
}

// LifecycleExpiration expires current versions after Days or on Date, or
// (ExpiredObjectDeleteMarker) removes delete markers left alone.
type LifecycleExpiration struct {
	Days                      int       `json:",omitempty"`
	Date                      time.Time `json:",omitzero"`
	ExpiredObjectDeleteMarker bool      `json:",omitempty"`
	// HasMarkerFlag: ExpiredObjectDeleteMarker was given (false included).
	HasMarkerFlag bool `json:",omitempty"`
}

// NoncurrentExpiration removes noncurrent versions NoncurrentDays after
// they became noncurrent, beyond the NewerNoncurrentVersions newest ones.
type NoncurrentExpiration struct {
	NoncurrentDays          int
	NewerNoncurrentVersions int `json:",omitempty"`
}

// LifecycleTransition moves current versions to StorageClass after Days
// (HasDays, 0 allowed) or on Date.
type LifecycleTransition struct {
	Days         int       `json:",omitempty"`
	HasDays      bool      `json:",omitempty"`
	Date         time.Time `json:",omitzero"`
	StorageClass string
}

// NoncurrentTransition moves noncurrent versions to StorageClass.
type NoncurrentTransition struct {
	NoncurrentDays          int
	NewerNoncurrentVersions int `json:",omitempty"`
	StorageClass            string
}

// PutBucketLifecycle validates and stores a lifecycle configuration,
// replacing any other. Rules without an ID get a generated one, as in S3.
func (s *Service) PutBucketLifecycle(ctx context.Context, bucket string, c *LifecycleConfiguration) error {
	if c.TransitionMinSize == "" {
		c.TransitionMinSize = TransitionMinSize128K
	}
	if err := validLifecycle(c); err != nil {
		return fmt.Errorf("lifecycle of %q: %w", bucket, err)
	}
	for i := range c.Rules {
		if c.Rules[i].ID == "" {
			c.Rules[i].ID = newRuleID()
		}
	}
	doc, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("lifecycle of %q: %w", bucket, err)
	}
	return s.putConfig(ctx, bucket, cfgLifecycle, doc)
}

// GetBucketLifecycle returns the configuration, ErrNoSuchBucketConfig
// when the bucket has none.
func (s *Service) GetBucketLifecycle(ctx context.Context, bucket string) (*LifecycleConfiguration, error) {
	doc, err := s.GetBucketConfig(ctx, bucket, cfgLifecycle)
	if err != nil {
		return nil, err
	}
	return decodeLifecycle(bucket, doc)
}

// DeleteBucketLifecycle removes the configuration; none is not an error.
func (s *Service) DeleteBucketLifecycle(ctx context.Context, bucket string) error {
	return s.deleteConfig(ctx, bucket, cfgLifecycle)
}

// bucketLifecycle reads the configuration with one point read and no
// bucket check, for the read paths that add x-amz-expiration: nil when
// the bucket has none.
func (s *Service) bucketLifecycle(ctx context.Context, r meta.Reader, bucket string) (*LifecycleConfiguration, error) {
	doc, err := r.Get(ctx, configKey(bucket, cfgLifecycle))
	if errors.Is(err, meta.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read lifecycle of %q: %w", bucket, err)
	}
	return decodeLifecycle(bucket, doc)
}

func decodeLifecycle(bucket string, doc []byte) (*LifecycleConfiguration, error) {
	var c LifecycleConfiguration
	if err := json.Unmarshal(doc, &c); err != nil {
		return nil, fmt.Errorf("lifecycle of %q: %w", bucket, errCorrupt)
	}
	return &c, nil
}

// newRuleID is what S3 gives a rule without an ID: a random printable id.
func newRuleID() string {
	var b [30]byte
	rand.Read(b[:])
	return base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:])
}
