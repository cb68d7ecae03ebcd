package object

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/hoard-s3/hoard/internal/meta"
)

// cfgLogging names a bucket's server access logging configuration, a
// typed configuration (see typedConfigs).
const cfgLogging = "logging"

// Errors of PutBucketLogging; the wire layer maps them to S3's codes.
var (
	// ErrInvalidTargetBucket is a target bucket that does not exist or
	// that the account may not log into (S3's InvalidTargetBucketForLogging).
	ErrInvalidTargetBucket = errors.New("invalid target bucket for logging")
	// ErrCrossLocationLogging is a target bucket in another region than
	// the source (S3's CrossLocationLoggingProhibited).
	ErrCrossLocationLogging = errors.New("cross-location logging prohibited")
	// ErrLogTargetRetention is a target with a default object lock
	// retention, which S3 does not deliver logs into. It wraps
	// ErrInvalidTargetBucket.
	ErrLogTargetRetention = fmt.Errorf("target has a default retention: %w", ErrInvalidTargetBucket)
)

// Partition date sources of PartitionedPrefix log object keys.
const (
	LogDateEventTime    = "EventTime"
	LogDateDeliveryTime = "DeliveryTime"
)

// MaxLogPrefixBytes bounds TargetPrefix: together with the date and the
// unique suffix the log object key must stay below S3's 1024 bytes.
const MaxLogPrefixBytes = 900

// BucketLogging is a bucket's server access logging configuration.
type BucketLogging struct {
	TargetBucket string       `json:"b"`
	TargetPrefix string       `json:"p,omitempty"`
	TargetGrants []LogGrant   `json:"g,omitempty"`
	KeyFormat    LogKeyFormat `json:"f"`
}

// LogGrant is a TargetGrants entry: who else may read the log objects.
type LogGrant struct {
	Type        string `json:"t"` // CanonicalUser, AmazonCustomerByEmail or Group
	ID          string `json:"i,omitempty"`
	DisplayName string `json:"d,omitempty"`
	Email       string `json:"e,omitempty"`
	URI         string `json:"u,omitempty"`
	Permission  string `json:"p"` // FULL_CONTROL, READ or WRITE
}

// LogKeyFormat is TargetObjectKeyFormat: SimplePrefix (Partitioned false)
// or PartitionedPrefix with its date source.
type LogKeyFormat struct {
	Partitioned bool   `json:"x,omitempty"`
	DateSource  string `json:"s,omitempty"` // EventTime or DeliveryTime
}

// validate checks what the service can check on its own; the target's
// permissions are the wire layer's (its policy documents).
func (c *BucketLogging) validate() error {
	if c.TargetBucket == "" {
		return fmt.Errorf("empty target bucket: %w", ErrInvalidTargetBucket)
	}
	if len(c.TargetPrefix) > MaxLogPrefixBytes {
		return fmt.Errorf("target prefix of %d bytes: %w", len(c.TargetPrefix), ErrInvalidArgument)
	}
	if !c.KeyFormat.Partitioned && c.KeyFormat.DateSource != "" {
		return fmt.Errorf("a simple prefix has no date source: %w", ErrInvalidArgument)
	}
	if c.KeyFormat.Partitioned && c.KeyFormat.DateSource != LogDateEventTime && c.KeyFormat.DateSource != LogDateDeliveryTime {
		return fmt.Errorf("partition date source %q: %w", c.KeyFormat.DateSource, ErrInvalidArgument)
	}
	for _, g := range c.TargetGrants {
		switch g.Permission {
		case "FULL_CONTROL", "READ", "WRITE":
		default:
			return fmt.Errorf("target grant permission %q: %w", g.Permission, ErrInvalidArgument)
		}
	}
	return nil
}

// PutBucketLogging sets (or, with nil, turns off) a bucket's server
// access logging. The target bucket must exist in the source's region;
// both are read in the commit that stores the configuration.
func (s *Service) PutBucketLogging(ctx context.Context, bucket string, c *BucketLogging) error {
	if c == nil {
		return s.deleteConfig(ctx, bucket, cfgLogging)
	}
	if err := c.validate(); err != nil {
		return fmt.Errorf("logging of %q: %w", bucket, err)
	}
	doc, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("logging of %q: %w", bucket, err)
	}
	err = s.meta.Update(ctx, func(tx meta.Txn) error {
		src, err := s.bucket(ctx, tx, bucket)
		if err != nil {
			return err
		}
		dst, err := s.bucket(ctx, tx, c.TargetBucket)
		if errors.Is(err, ErrNoSuchBucket) {
			return fmt.Errorf("target %q does not exist: %w", c.TargetBucket, ErrInvalidTargetBucket)
		}
		if err != nil {
			return err
		}
		if dst.Region != src.Region {
			return fmt.Errorf("target %q in %s: %w", c.TargetBucket, dst.Region, ErrCrossLocationLogging)
		}
		if dst.ObjectLock {
			lc, err := lockConfigOf(ctx, tx, dst)
			if err != nil {
				return err
			}
			if lc.Default != nil {
				return fmt.Errorf("target %q: %w", c.TargetBucket, ErrLogTargetRetention)
			}
		}
		return tx.Set(configKey(bucket, cfgLogging), doc)
	})
	if err != nil {
		return fmt.Errorf("put logging of %q: %w", bucket, err)
	}
	return nil
}

// GetBucketLogging returns a bucket's logging configuration, nil when
// logging is off.
func (s *Service) GetBucketLogging(ctx context.Context, bucket string) (*BucketLogging, error) {
	doc, err := s.GetBucketConfig(ctx, bucket, cfgLogging)
	if errors.Is(err, ErrNoSuchBucketConfig) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return decodeLogging(bucket, doc)
}

// BucketLoggingOf is GetBucketLogging for the request path, which has
// already resolved the bucket: one point read, nil when logging is off or
// the bucket is gone.
func (s *Service) BucketLoggingOf(ctx context.Context, bucket string) (*BucketLogging, error) {
	if validBucketName(bucket) != nil {
		return nil, nil
	}
	doc, err := s.meta.Get(ctx, configKey(bucket, cfgLogging))
	if errors.Is(err, meta.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read logging of %q: %w", bucket, err)
	}
	return decodeLogging(bucket, doc)
}

func decodeLogging(bucket string, doc []byte) (*BucketLogging, error) {
	var c BucketLogging
	if err := json.Unmarshal(doc, &c); err != nil {
		return nil, fmt.Errorf("logging of %q: %w", bucket, errCorrupt)
	}
	return &c, nil
}
