package object

import (
	"context"
	"errors"
	"fmt"

	"github.com/hoard-s3/hoard/internal/meta"
)

// Bucket configurations live beside the bucket record under their own
// prefix. Most (CORS, policy, ownership and the like) are opaque documents
// the wire layer parses and validates; typed ones (tags, buckettags.go)
// the service validates and encodes itself:
//
//	c/<bucket>/<name>         configuration document <name> of <bucket>
//
// Bucket names never contain '/', so "c/<bucket>/" holds exactly one
// bucket's configurations and DeleteBucket removes them with one scan.
const configPrefix = "c/"

// MaxBucketConfigBytes bounds one stored document; S3's largest bucket
// configurations (policies, lifecycle) stay well below it.
const MaxBucketConfigBytes = 1 << 20

// ErrNoSuchBucketConfig is a configuration the bucket does not have; the
// wire layer names it per kind (NoSuchCORSConfiguration, ...).
var ErrNoSuchBucketConfig = errors.New("no such bucket configuration")

func configBase(bucket string) []byte { return []byte(configPrefix + bucket + "/") }

func configKey(bucket, name string) []byte { return append(configBase(bucket), name...) }

// validConfigName keeps names to short identifiers: they are chosen by
// the wire layer, never by clients, so anything else is a bug.
func validConfigName(name string) error {
	if name == "" || len(name) > 64 {
		return fmt.Errorf("bucket configuration name %q: %w", name, ErrInvalidArgument)
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return fmt.Errorf("bucket configuration name %q: %w", name, ErrInvalidArgument)
		}
	}
	return nil
}

// PutBucketConfig stores (or replaces) a bucket's configuration document.
// The bucket is re-read in the same transaction, so a document is never
// left behind by a concurrent DeleteBucket.
func (s *Service) PutBucketConfig(ctx context.Context, bucket, name string, doc []byte) error {
	if err := validOpaqueName(name); err != nil {
		return err
	}
	return s.putConfig(ctx, bucket, name, doc)
}

// validOpaqueName is validConfigName for the wire layer's own documents,
// which may not overwrite a typed configuration of the service.
func validOpaqueName(name string) error {
	if err := validConfigName(name); err != nil {
		return err
	}
	if typedConfigs[name] {
		return fmt.Errorf("bucket configuration %q has its own call: %w", name, ErrInvalidArgument)
	}
	return nil
}

func (s *Service) putConfig(ctx context.Context, bucket, name string, doc []byte) error {
	if len(doc) > MaxBucketConfigBytes {
		return fmt.Errorf("bucket configuration %s of %d bytes: %w", name, len(doc), ErrEntityTooLarge)
	}
	err := s.meta.Update(ctx, func(tx meta.Txn) error {
		if _, err := s.bucket(ctx, tx, bucket); err != nil {
			return err
		}
		return tx.Set(configKey(bucket, name), doc)
	})
	if err != nil {
		return fmt.Errorf("put %s configuration of %q: %w", name, bucket, err)
	}
	return nil
}

// GetBucketConfig returns a bucket's configuration document, or
// ErrNoSuchBucketConfig (ErrNoSuchBucket when the bucket is missing).
func (s *Service) GetBucketConfig(ctx context.Context, bucket, name string) ([]byte, error) {
	if err := validConfigName(name); err != nil {
		return nil, err
	}
	if _, err := s.bucket(ctx, s.meta, bucket); err != nil {
		return nil, err
	}
	doc, err := s.meta.Get(ctx, configKey(bucket, name))
	if errors.Is(err, meta.ErrNotFound) {
		return nil, fmt.Errorf("%s configuration of %q: %w", name, bucket, ErrNoSuchBucketConfig)
	}
	if err != nil {
		return nil, fmt.Errorf("read %s configuration of %q: %w", name, bucket, err)
	}
	return doc, nil
}

// DeleteBucketConfig removes a configuration document. Removing one that
// does not exist succeeds, as S3's Delete*Configuration calls do.
func (s *Service) DeleteBucketConfig(ctx context.Context, bucket, name string) error {
	if err := validOpaqueName(name); err != nil {
		return err
	}
	return s.deleteConfig(ctx, bucket, name)
}

func (s *Service) deleteConfig(ctx context.Context, bucket, name string) error {
	err := s.meta.Update(ctx, func(tx meta.Txn) error {
		if _, err := s.bucket(ctx, tx, bucket); err != nil {
			return err
		}
		return tx.Delete(configKey(bucket, name))
	})
	if err != nil {
		return fmt.Errorf("delete %s configuration of %q: %w", name, bucket, err)
	}
	return nil
}

// dropConfigs deletes, inside tx, every configuration of a bucket and the
// (stale) ACLs of its deleted objects.
func dropConfigs(ctx context.Context, tx meta.Txn, bucket string) error {
	if err := dropPrefix(ctx, tx, configBase(bucket)); err != nil {
		return err
	}
	return dropPrefix(ctx, tx, objACLBase(bucket))
}

// dropPrefix deletes, inside tx, every key under base.
func dropPrefix(ctx context.Context, tx meta.Txn, base []byte) error {
	it, err := tx.NewIter(ctx, base, meta.PrefixEnd(base))
	if err != nil {
		return err
	}
	var keys [][]byte
	for ok := it.First(); ok; ok = it.Next() {
		keys = append(keys, append([]byte(nil), it.Key()...))
	}
	ierr := it.Error()
	if err := it.Close(); ierr == nil {
		ierr = err
	}
	if ierr != nil {
		return ierr
	}
	for _, k := range keys {
		if err := tx.Delete(k); err != nil {
			return err
		}
	}
	return nil
}
