package object

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/hoard-s3/hoard/internal/meta"
)

// Server-side encryption algorithms of bucket defaults and requests.
const (
	SSEAlgorithmAES256 = "AES256"
	SSEAlgorithmKMS    = "aws:kms"
)

// encryptionConfig is the bucket configuration document name of the
// default encryption.
const encryptionConfig = "encryption"

// BucketEncryption is a bucket's default encryption.
type BucketEncryption struct {
	SSEAlgorithm     string `json:"alg"`
	KMSMasterKeyID   string `json:"kms,omitempty"`
	BucketKeyEnabled bool   `json:"bke,omitempty"`
}

func validBucketEncryption(c BucketEncryption) error {
	switch c.SSEAlgorithm {
	case SSEAlgorithmAES256:
		if c.KMSMasterKeyID != "" {
			return fmt.Errorf("KMSMasterKeyID with %s: %w", c.SSEAlgorithm, ErrInvalidEncryption)
		}
	case SSEAlgorithmKMS:
		if len(c.KMSMasterKeyID) > 2048 || !utf8.ValidString(c.KMSMasterKeyID) {
			return fmt.Errorf("KMSMasterKeyID: %w", ErrInvalidEncryption)
		}
	default:
		return fmt.Errorf("SSEAlgorithm %q: %w", c.SSEAlgorithm, ErrInvalidEncryption)
	}
	return nil
}

// PutBucketEncryption sets a bucket's default encryption.
func (s *Service) PutBucketEncryption(ctx context.Context, bucket string, c BucketEncryption) error {
	if err := validBucketEncryption(c); err != nil {
		return err
	}
	doc, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("encode bucket encryption: %w", err)
	}
	return s.PutBucketConfig(ctx, bucket, encryptionConfig, doc)
}

// GetBucketEncryption returns a bucket's default encryption: SSE-S3
// (AES256) when the bucket never set one, as in S3 since 2023.
func (s *Service) GetBucketEncryption(ctx context.Context, bucket string) (*BucketEncryption, error) {
	if _, err := s.bucket(ctx, s.meta, bucket); err != nil {
		return nil, err
	}
	return s.bucketEncryption(ctx, bucket)
}

// DeleteBucketEncryption resets the default to SSE-S3.
func (s *Service) DeleteBucketEncryption(ctx context.Context, bucket string) error {
	return s.DeleteBucketConfig(ctx, bucket, encryptionConfig)
}

// bucketEncryption reads the default of a bucket known to exist: one
// point read on the write path.
func (s *Service) bucketEncryption(ctx context.Context, bucket string) (*BucketEncryption, error) {
	doc, err := s.meta.Get(ctx, configKey(bucket, encryptionConfig))
	if errors.Is(err, meta.ErrNotFound) {
		return &BucketEncryption{SSEAlgorithm: SSEAlgorithmAES256}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read encryption configuration of %q: %w", bucket, err)
	}
	var c BucketEncryption
	if err := json.Unmarshal(doc, &c); err != nil {
		return nil, fmt.Errorf("bucket encryption of %q: %w", bucket, errCorrupt)
	}
	return &c, nil
}
