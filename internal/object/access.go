package object

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/hoard-s3/hoard/internal/event"
	"github.com/hoard-s3/hoard/internal/meta"
)

// Access control documents the wire layer reads on every request (bucket
// policy, Block Public Access, ownership, ACLs) and the account-wide
// settings live under their own prefixes:
//
//	a/<name>                   account-wide setting <name>
//	l/<bucket>/<key>           ACL of the current object <key>
//
// An object ACL records the identity of the object version it was set on
// (modification time, ETag and data file); a later write of the key makes it stale,
// and a stale ACL reads as none. So an object's ACL goes with the object
// without touching the write and delete paths: a replaced or deleted
// object never inherits it, the next ACL write overwrites it, and
// DeleteBucket removes what is left.
const (
	accountPrefix = "a/"
	objACLPrefix  = "l/"
)

// BucketConfigs reads configuration documents of a bucket (nil for each
// one it does not have) without checking that the bucket exists: the
// authorizer calls it on every request and the operation reports a
// missing bucket itself.
func (s *Service) BucketConfigs(ctx context.Context, bucket string, names ...string) ([][]byte, error) {
	out := make([][]byte, len(names))
	for i, name := range names {
		if err := validConfigName(name); err != nil {
			return nil, err
		}
		doc, err := s.meta.Get(ctx, configKey(bucket, name))
		if errors.Is(err, meta.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("read %s configuration of %q: %w", name, bucket, err)
		}
		out[i] = doc
	}
	return out, nil
}

// GetAccountConfig returns an account-wide setting, or
// ErrNoSuchBucketConfig when it was never set.
func (s *Service) GetAccountConfig(ctx context.Context, name string) ([]byte, error) {
	if err := validConfigName(name); err != nil {
		return nil, err
	}
	doc, err := s.meta.Get(ctx, []byte(accountPrefix+name))
	if errors.Is(err, meta.ErrNotFound) {
		return nil, fmt.Errorf("account %s configuration: %w", name, ErrNoSuchBucketConfig)
	}
	if err != nil {
		return nil, fmt.Errorf("read account %s configuration: %w", name, err)
	}
	return doc, nil
}

// PutAccountConfig stores an account-wide setting; a nil doc deletes it.
func (s *Service) PutAccountConfig(ctx context.Context, name string, doc []byte) error {
	if err := validConfigName(name); err != nil {
		return err
	}
	if len(doc) > MaxBucketConfigBytes {
		return fmt.Errorf("account configuration %s of %d bytes: %w", name, len(doc), ErrEntityTooLarge)
	}
	err := s.meta.Update(ctx, func(tx meta.Txn) error {
		if doc == nil {
			return tx.Delete([]byte(accountPrefix + name))
		}
		return tx.Set([]byte(accountPrefix+name), doc)
	})
	if err != nil {
		return fmt.Errorf("put account %s configuration: %w", name, err)
	}
	return nil
}

type objectACL struct {
	Stamp string `json:"s"`
	Doc   []byte `json:"d"`
}

func objACLBase(bucket string) []byte { return []byte(objACLPrefix + bucket + "/") }

func objACLKey(bucket, key string) []byte { return append(objACLBase(bucket), key...) }

// objACLKeyOf is where the ACL of one version lives: the null version
// keeps the key ACLs had before versioning, other versions add "\x00<id>"
// (keys hold no NUL).
func objACLKeyOf(bucket, key, vid string) []byte {
	k := objACLKey(bucket, key)
	if vid == NullVersion || vid == "" {
		return k
	}
	return append(append(k, 0), vid...)
}

func aclStamp(r *record) string {
	return strconv.FormatInt(r.ModTime, 36) + "-" + hex.EncodeToString(r.ETag) + "-" + r.BlobID
}

// PutObjectACL attaches an ACL document to a version of an object (vid
// "" for the latest; ErrNoSuchKey when there is none).
func (s *Service) PutObjectACL(ctx context.Context, bucket, key, vid string, doc []byte) error {
	if len(doc) > MaxBucketConfigBytes {
		return fmt.Errorf("object ACL of %d bytes: %w", len(doc), ErrEntityTooLarge)
	}
	if err := checkVersion(vid); err != nil {
		return err
	}
	err := s.meta.Update(ctx, func(tx meta.Txn) error {
		rec, err := s.existing(ctx, tx, bucket, key, vid, false)
		if err != nil {
			return err
		}
		if err := setACL(tx, bucket, key, rec, doc); err != nil {
			return err
		}
		return s.changeEvent(ctx, tx, bucket, event.ObjectACLPut, key, rec)
	})
	if err != nil {
		return fmt.Errorf("put ACL of %s/%s: %w", bucket, key, err)
	}
	return nil
}

// setACL binds doc to the version rec inside tx (nil doc: nothing).
func setACL(tx meta.Txn, bucket, key string, rec *record, doc []byte) error {
	if doc == nil {
		return nil
	}
	v, err := json.Marshal(objectACL{Stamp: aclStamp(rec), Doc: doc})
	if err != nil {
		return err
	}
	return tx.Set(objACLKeyOf(bucket, key, rec.VersionID), v)
}

// ObjectACL returns the ACL document of a version of an object (vid ""
// for the latest): nil when it has none (or the version does not exist).
func (s *Service) ObjectACL(ctx context.Context, bucket, key, vid string) ([]byte, error) {
	if checkVersion(vid) != nil {
		return nil, nil
	}
	loc, err := s.readVersion(ctx, s.meta, bucket, key, vid, modeHeader)
	if isRequestError(err) || errors.Is(err, ErrNoSuchBucket) {
		return nil, nil // no such version: no ACL
	}
	if err != nil {
		return nil, err
	}
	rec := loc.rec
	v, err := s.meta.Get(ctx, objACLKeyOf(bucket, key, rec.VersionID))
	if errors.Is(err, meta.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read ACL of %s/%s: %w", bucket, key, err)
	}
	var acl objectACL
	if err := json.Unmarshal(v, &acl); err != nil {
		return nil, fmt.Errorf("ACL of %s/%s: %w", bucket, key, errCorrupt)
	}
	if aclStamp(rec) != acl.Stamp {
		return nil, nil
	}
	return acl.Doc, nil
}
