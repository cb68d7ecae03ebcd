// Package object is the object service: buckets, objects, versions and
// listings on top of a metadata engine (meta.Store) and a data engine
// (blob.Store). It knows nothing of HTTP; it returns the sentinel errors of
// errors.go and the wire layer maps them to S3 errors.
package object

import (
	"context"
	"time"

	"github.com/hoard-s3/hoard/internal/blob"
	"github.com/hoard-s3/hoard/internal/meta"
)

// Config tunes the service.
type Config struct {
	// InlineThreshold is the largest object stored inside its metadata
	// record instead of a data file.
	InlineThreshold int64
	// Now returns the current time; tests may replace it.
	Now func() time.Time
}

// Service is the object service.
type Service struct {
	meta  meta.Store
	blobs blob.Store
	cfg   Config
}

// New returns a service over the given engines.
func New(m meta.Store, b blob.Store, cfg Config) *Service {
	if cfg.InlineThreshold <= 0 {
		cfg.InlineThreshold = 64 << 10
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Service{meta: m, blobs: b, cfg: cfg}
}

// The methods below are the service's whole surface. Those still returning
// ErrNotImplemented are being built.

func (s *Service) CreateBucket(ctx context.Context, name, region, owner string) error {
	return ErrNotImplemented
}

func (s *Service) HeadBucket(ctx context.Context, name string) (*Bucket, error) {
	return nil, ErrNotImplemented
}

func (s *Service) ListBuckets(ctx context.Context, in ListBucketsInput) (*ListBucketsResult, error) {
	return nil, ErrNotImplemented
}

func (s *Service) DeleteBucket(ctx context.Context, name string) error {
	return ErrNotImplemented
}

// PutObject stores an object. It answers only when data and metadata are
// durable; on any error nothing is visible.
func (s *Service) PutObject(ctx context.Context, in PutInput) (*ObjectInfo, error) {
	return nil, ErrNotImplemented
}

// GetObject opens an object. When a read condition fails with
// ErrNotModified or ErrPreconditionFailed, the returned reader (without
// Body) still carries Info so the caller can send ETag and Last-Modified.
func (s *Service) GetObject(ctx context.Context, in GetInput) (*ObjectReader, error) {
	return nil, ErrNotImplemented
}

func (s *Service) DeleteObject(ctx context.Context, in DeleteInput) (*DeleteResult, error) {
	return nil, ErrNotImplemented
}

// DeleteObjects deletes up to MaxDeleteObjects objects of one bucket; the
// per-key outcome is in each result's Err.
func (s *Service) DeleteObjects(ctx context.Context, bucket string, objs []DeleteInput) ([]DeleteResult, error) {
	return nil, ErrNotImplemented
}

func (s *Service) CopyObject(ctx context.Context, in CopyInput) (*ObjectInfo, error) {
	return nil, ErrNotImplemented
}

func (s *Service) ListObjects(ctx context.Context, in ListInput) (*ListResult, error) {
	return nil, ErrNotImplemented
}

func (s *Service) GetObjectTagging(ctx context.Context, bucket, key, versionID string) ([]Tag, string, error) {
	return nil, "", ErrNotImplemented
}

func (s *Service) PutObjectTagging(ctx context.Context, bucket, key, versionID string, tags []Tag) (string, error) {
	return "", ErrNotImplemented
}

func (s *Service) DeleteObjectTagging(ctx context.Context, bucket, key, versionID string) (string, error) {
	return "", ErrNotImplemented
}

// CollectGarbage reclaims data files that no metadata references.
func (s *Service) CollectGarbage(ctx context.Context) (int, error) {
	return 0, ErrNotImplemented
}
