package object

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hoard-s3/hoard/internal/meta"
)

// CreateBucket creates a bucket. There is a single account, so an existing
// bucket is always "already owned by you".
func (s *Service) CreateBucket(ctx context.Context, name, region, owner string) error {
	if err := validBucketName(name); err != nil {
		return err
	}
	b := &Bucket{Name: name, Region: region, Owner: owner, Created: s.cfg.Now().UTC()}
	return s.meta.Update(ctx, func(tx meta.Txn) error {
		_, err := tx.Get(ctx, bucketKey(name))
		switch {
		case err == nil:
			return fmt.Errorf("create bucket %q: %w", name, ErrBucketAlreadyOwned)
		case !errors.Is(err, meta.ErrNotFound):
			return fmt.Errorf("create bucket %q: %w", name, err)
		}
		return tx.Set(bucketKey(name), encodeBucket(b))
	})
}

func (s *Service) HeadBucket(ctx context.Context, name string) (*Bucket, error) {
	return s.bucket(ctx, s.meta, name)
}

// bucket reads a bucket record through r (the store or a transaction).
func (s *Service) bucket(ctx context.Context, r meta.Reader, name string) (*Bucket, error) {
	if name == "" || strings.IndexByte(name, '/') >= 0 {
		return nil, fmt.Errorf("bucket %q: %w", name, ErrNoSuchBucket)
	}
	v, err := r.Get(ctx, bucketKey(name))
	if errors.Is(err, meta.ErrNotFound) {
		return nil, fmt.Errorf("bucket %q: %w", name, ErrNoSuchBucket)
	}
	if err != nil {
		return nil, fmt.Errorf("read bucket %q: %w", name, err)
	}
	return decodeBucket(name, v)
}

// ListBuckets pages through buckets in name order.
func (s *Service) ListBuckets(ctx context.Context, in ListBucketsInput) (*ListBucketsResult, error) {
	lower := bucketKey(in.Prefix)
	upper := meta.PrefixEnd(lower)
	it, err := s.meta.NewIter(ctx, lower, upper)
	if err != nil {
		return nil, fmt.Errorf("list buckets: %w", err)
	}
	defer it.Close()
	ok := it.First()
	if in.After != "" && in.After >= in.Prefix {
		// The smallest name greater than After.
		ok = it.SeekGE(bucketKey(in.After + "\x00"))
	}
	res := &ListBucketsResult{Buckets: []Bucket{}}
	for ; ok; ok = it.Next() {
		if in.Max > 0 && len(res.Buckets) == in.Max {
			res.Next = res.Buckets[len(res.Buckets)-1].Name
			break
		}
		name := string(it.Key()[len(bucketPrefix):])
		v, err := it.Value()
		if err != nil {
			return nil, fmt.Errorf("list buckets: %w", err)
		}
		b, err := decodeBucket(name, v)
		if err != nil {
			return nil, err
		}
		res.Buckets = append(res.Buckets, *b)
	}
	if err := it.Error(); err != nil {
		return nil, fmt.Errorf("list buckets: %w", err)
	}
	return res, nil
}

// DeleteBucket removes an empty bucket. The emptiness check and the delete
// are one transaction, so a concurrent PUT (which re-reads the bucket in its
// own transaction) either lands first and blocks the delete or fails.
func (s *Service) DeleteBucket(ctx context.Context, name string) error {
	return s.meta.Update(ctx, func(tx meta.Txn) error {
		if _, err := s.bucket(ctx, tx, name); err != nil {
			return err
		}
		base := objectBase(name)
		it, err := tx.NewIter(ctx, base, meta.PrefixEnd(base))
		if err != nil {
			return fmt.Errorf("delete bucket %q: %w", name, err)
		}
		nonEmpty := it.First()
		ierr := it.Error()
		if err := it.Close(); ierr == nil {
			ierr = err
		}
		if ierr != nil {
			return fmt.Errorf("delete bucket %q: %w", name, ierr)
		}
		if nonEmpty {
			return fmt.Errorf("delete bucket %q: %w", name, ErrBucketNotEmpty)
		}
		return tx.Delete(bucketKey(name))
	})
}
