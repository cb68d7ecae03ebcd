package object

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hoard-s3/hoard/internal/meta"
	"github.com/hoard-s3/hoard/internal/usage"
)

// BucketConfigDoc is a configuration document a bucket is created with
// (see PutBucketConfig).
type BucketConfigDoc struct {
	Name string
	Doc  []byte
}

// CreateBucket creates a bucket, with its first configuration documents
// in the same commit: a bucket never exists without the settings it was
// created with. There is a single account, so an existing bucket is
// always "already owned by you" (and keeps its settings).
func (s *Service) CreateBucket(ctx context.Context, name, region, owner string, configs ...BucketConfigDoc) error {
	if err := validBucketName(name); err != nil {
		return err
	}
	for _, c := range configs {
		if err := validOpaqueName(c.Name); err != nil {
			return err
		}
		if len(c.Doc) > MaxBucketConfigBytes {
			return fmt.Errorf("bucket configuration %s of %d bytes: %w", c.Name, len(c.Doc), ErrEntityTooLarge)
		}
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
		for _, c := range configs {
			if err := tx.Set(configKey(name, c.Name), c.Doc); err != nil {
				return fmt.Errorf("create bucket %q: %w", name, err)
			}
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
		if in.Keep != nil && !in.Keep(b) {
			continue
		}
		res.Buckets = append(res.Buckets, *b)
	}
	if err := it.Error(); err != nil {
		return nil, fmt.Errorf("list buckets: %w", err)
	}
	return res, nil
}

// DeleteBucket removes a bucket that holds no objects. The emptiness check
// and the delete are one transaction, so a concurrent PUT (which re-reads
// the bucket in its own transaction) either lands first and blocks the
// delete or fails. Uploads in progress do not block it: as in S3, they are
// aborted with the bucket, and their parts' data freed.
func (s *Service) DeleteBucket(ctx context.Context, name string) error {
	var freed []string
	err := s.meta.Update(ctx, func(tx meta.Txn) error {
		freed = freed[:0]
		if _, err := s.bucket(ctx, tx, name); err != nil {
			return err
		}
		// Noncurrent versions and delete markers keep a bucket from being
		// empty, as in S3.
		for _, base := range [][]byte{objectBase(name), versionBase(name)} {
			nonEmpty, err := anyUnder(ctx, tx, base)
			if err != nil {
				return fmt.Errorf("delete bucket %q: %w", name, err)
			}
			if nonEmpty {
				return fmt.Errorf("delete bucket %q: %w", name, ErrBucketNotEmpty)
			}
		}
		var err error
		freed, err = dropUploads(ctx, tx, name)
		if err != nil {
			return fmt.Errorf("delete bucket %q: %w", name, err)
		}
		if err := dropConfigs(ctx, tx, name); err != nil {
			return fmt.Errorf("delete bucket %q: %w", name, err)
		}
		if err := usage.DropSnapshots(ctx, tx, name); err != nil {
			return fmt.Errorf("delete bucket %q: %w", name, err)
		}
		return tx.Delete(bucketKey(name))
	})
	if err != nil {
		return err
	}
	s.deleteBlobs(freed)
	return nil
}

// dropUploads aborts, inside tx, every upload in progress in a bucket and
// returns the part blobs to delete after the commit.
func dropUploads(ctx context.Context, tx meta.Txn, bucket string) ([]string, error) {
	base := uploadBase(bucket)
	it, err := tx.NewIter(ctx, base, meta.PrefixEnd(base))
	if err != nil {
		return nil, err
	}
	var uploads [][2]string
	for ok := it.First(); ok; ok = it.Next() {
		rest := string(it.Key()[len(base):])
		i := strings.IndexByte(rest, 0)
		if i < 0 {
			it.Close()
			return nil, fmt.Errorf("upload key %q: %w", rest, errCorrupt)
		}
		uploads = append(uploads, [2]string{rest[:i], rest[i+1:]})
	}
	ierr := it.Error()
	if err := it.Close(); ierr == nil {
		ierr = err
	}
	if ierr != nil {
		return nil, ierr
	}
	var freed []string
	for _, u := range uploads {
		ids, err := dropUpload(ctx, tx, bucket, u[0], u[1])
		if err != nil {
			return nil, err
		}
		freed = append(freed, ids...)
	}
	return freed, nil
}

// anyUnder reports whether r holds a key under base.
func anyUnder(ctx context.Context, r meta.Reader, base []byte) (bool, error) {
	it, err := r.NewIter(ctx, base, meta.PrefixEnd(base))
	if err != nil {
		return false, err
	}
	found := it.First()
	ierr := it.Error()
	if err := it.Close(); ierr == nil {
		ierr = err
	}
	return found, ierr
}

// PutBucketVersioning sets a bucket's versioning to Enabled or Suspended.
// A bucket never returns to unversioned, and one with object lock cannot
// be suspended (ErrInvalidBucketState).
func (s *Service) PutBucketVersioning(ctx context.Context, name string, state VersioningState) error {
	if state != VersioningEnabled && state != VersioningSuspended {
		return fmt.Errorf("versioning state %d: %w", state, ErrInvalidArgument)
	}
	err := s.meta.Update(ctx, func(tx meta.Txn) error {
		b, err := s.bucket(ctx, tx, name)
		if err != nil {
			return err
		}
		if b.ObjectLock && state == VersioningSuspended {
			return fmt.Errorf("object lock is enabled: %w", ErrInvalidBucketState)
		}
		if state == VersioningSuspended {
			// S3: a bucket that replicates cannot stop versioning.
			if _, err := tx.Get(ctx, configKey(name, cfgReplication)); err == nil {
				return fmt.Errorf("a replication configuration is present: %w", ErrInvalidBucketState)
			} else if !errors.Is(err, meta.ErrNotFound) {
				return err
			}
		}
		if b.Versioning == state {
			return nil
		}
		b.Versioning = state
		return tx.Set(bucketKey(name), encodeBucket(b))
	})
	if err != nil {
		return fmt.Errorf("put versioning of %q: %w", name, err)
	}
	return nil
}
