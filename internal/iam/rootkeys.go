package iam

import (
	"context"

	"github.com/hoard-s3/hoard/internal/meta"
)

// The account root's own access keys. The root key the account was made
// with (the server's, or `hoard admin account create`'s) stays managed by
// the operator; the root may add keys of its own beside it, as AWS lets
// an account's root hold two. They are stored like users' keys (so the
// access key index and secret rotation cover them) with no user name,
// and indexed under iam/rkey/AKID.
const pRootKey = "iam/rkey/"

// CreateRootAccessKey creates an active key for the account root.
func (s *Service) CreateRootAccessKey(ctx context.Context) (*AccessKey, error) {
	id, secret, err := newAccessKey("AKIA")
	if err != nil {
		return nil, err
	}
	wrapped, err := s.wrap.Wrap([]byte(secret), keyAAD(id))
	if err != nil {
		return nil, err
	}
	ak := &AccessKey{AccessKeyID: id, Status: StatusActive, SecretAccessKey: secret, CreateDate: s.clock()}
	err = s.store.Update(ctx, func(txn meta.Txn) error {
		n, err := count(ctx, txn, pRootKey, MaxAccessKeys)
		if err != nil {
			return err
		}
		if s.root.AccessKey != "" {
			n++ // the configured key counts
		}
		if n >= MaxAccessKeys {
			return errorf(ErrLimitExceeded, "Cannot exceed quota for AccessKeysPerUser: %d", MaxAccessKeys)
		}
		rec := keyRecord{AccessKeyID: id, Status: StatusActive, CreateDate: ak.CreateDate, Secret: wrapped, Root: true}
		if err := setJSON(txn, key(pKey, id), rec); err != nil {
			return err
		}
		return txn.Set(key(pRootKey, id), nil)
	})
	if err != nil {
		return nil, err
	}
	return ak, nil
}

// ListRootAccessKeys lists the root's keys: the configured one (created
// with the account, at created) and those the root made.
func (s *Service) ListRootAccessKeys(ctx context.Context, created AccessKey) ([]AccessKey, error) {
	var out []AccessKey
	if s.root.AccessKey != "" {
		created.AccessKeyID, created.Status = s.root.AccessKey, StatusActive
		out = append(out, created)
	}
	var ids []string
	err := scan(ctx, s.store, pRootKey, "", func(id string, _ []byte) (bool, error) {
		ids = append(ids, id)
		return false, nil
	})
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		var rec keyRecord
		found, err := getJSON(ctx, s.store, key(pKey, id), &rec)
		if err != nil {
			return nil, err
		}
		if found && rec.Root {
			out = append(out, AccessKey{AccessKeyID: id, Status: rec.Status, CreateDate: rec.CreateDate})
		}
	}
	return out, nil
}

// UpdateRootAccessKey sets the status of a key the root made.
func (s *Service) UpdateRootAccessKey(ctx context.Context, id, status string) error {
	if status != StatusActive && status != StatusInactive {
		return errorf(ErrValidation, "1 validation error detected: Value '%s' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive]", clip(status))
	}
	return s.store.Update(ctx, func(txn meta.Txn) error {
		rec, err := s.rootKey(ctx, txn, id)
		if err != nil {
			return err
		}
		rec.Status = status
		return setJSON(txn, key(pKey, id), rec)
	})
}

// DeleteRootAccessKey deletes a key the root made; it stops working at once.
func (s *Service) DeleteRootAccessKey(ctx context.Context, id string) error {
	return s.store.Update(ctx, func(txn meta.Txn) error {
		if _, err := s.rootKey(ctx, txn, id); err != nil {
			return err
		}
		if err := txn.Delete(key(pKey, id)); err != nil {
			return err
		}
		return txn.Delete(key(pRootKey, id))
	})
}

// rootKey reads key id and checks that the root made it. The configured
// key is the operator's to change: IAM refuses it with DeleteConflict.
func (s *Service) rootKey(ctx context.Context, r meta.Reader, id string) (*keyRecord, error) {
	if s.isRoot(id) {
		return nil, errorf(ErrDeleteConflict, "The access key %s is the account's configured root key, which the operator manages.", id)
	}
	if len(id) < 16 || len(id) > 128 || !nameRE.MatchString(id) {
		return nil, errorf(ErrValidation, "1 validation error detected: Value '%s' at 'accessKeyId' failed to satisfy constraint: Member must have length greater than or equal to 16 and match pattern [\\w]+", clip(id))
	}
	var rec keyRecord
	found, err := getJSON(ctx, r, key(pKey, id), &rec)
	if err != nil {
		return nil, err
	}
	if !found || !rec.Root {
		return nil, errorf(ErrNoSuchEntity, "The Access Key with id %s cannot be found.", id)
	}
	return &rec, nil
}
