package server

import (
	"context"

	"github.com/hoard-s3/hoard/internal/object"
)

// ownsBuckets reports whether a canonical id owns a bucket (an account
// that does cannot be deleted).
func (s *Server) ownsBuckets(ctx context.Context, canonical string) (bool, error) {
	res, err := s.service.ListBuckets(ctx, object.ListBucketsInput{
		Max:  1,
		Keep: func(b *object.Bucket) bool { return b.Owner == canonical },
	})
	if err != nil {
		return false, err
	}
	return len(res.Buckets) > 0, nil
}
