// Package object is the object service: buckets, objects, versions and
// listings on top of a metadata engine (meta.Store) and a data engine
// (blob.Store). It knows nothing of HTTP; it returns the sentinel errors of
// errors.go and the wire layer maps them to S3 errors.
//
// The methods are spread over files by concern: bucket.go, put.go, get.go,
// conditions.go, delete.go, copy.go, list.go, tagging.go, gc.go; multipart
// uploads in multipart.go, complete.go and mplist.go. record.go,
// parttable.go, mprecord.go and keys.go hold the stored formats.
package object

import (
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
	// minPartSize is S3's minimum size of every part but the last; tests
	// lower it to build many-part objects cheaply.
	minPartSize int64
}

// New returns a service over the given engines.
func New(m meta.Store, b blob.Store, cfg Config) *Service {
	if cfg.InlineThreshold <= 0 {
		cfg.InlineThreshold = 64 << 10
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Service{meta: m, blobs: b, cfg: cfg, minPartSize: MinPartSize}
}
