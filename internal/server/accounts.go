package server

import (
	"context"
	"errors"
	"fmt"

	"github.com/hoard-s3/hoard/internal/iam"
	"github.com/hoard-s3/hoard/internal/kms"
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

// eachAccount runs fn over every account's identity and key services and
// adds up what it counts; it goes on past an account that fails.
func (s *Server) eachAccount(ctx context.Context, fn func(*iam.Service, *kms.Service) (int, error)) (int, error) {
	list, err := s.accounts.List(ctx)
	if err != nil {
		return 0, err
	}
	total := 0
	var errs []error
	for _, a := range list {
		i, err := s.accounts.IAM(ctx, a.ID)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		k, err := s.accounts.KMS(ctx, a.ID)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		n, err := fn(i, k)
		total += n
		if err != nil {
			errs = append(errs, fmt.Errorf("account %s: %w", a.ID, err))
		}
	}
	return total, errors.Join(errs...)
}
