package iam

import (
	"context"
	"time"

	"github.com/hoard-s3/hoard/internal/meta"
)

// Access key statuses.
const (
	StatusActive   = "Active"
	StatusInactive = "Inactive"
)

// MaxAccessKeys is how many access keys a user may have, as in AWS.
const MaxAccessKeys = 2

// AccessKey is a user's long-term access key. SecretAccessKey is set only
// in CreateAccessKey's answer: the secret is never shown again.
type AccessKey struct {
	UserName        string
	AccessKeyID     string
	Status          string
	SecretAccessKey string
	CreateDate      time.Time
}

// keyRecord is a stored access key; Secret is wrapped under the root key,
// bound to the key id.
type keyRecord struct {
	AccessKeyID string
	UserName    string
	Status      string
	CreateDate  time.Time
	Secret      []byte
	Root        bool `json:",omitempty"` // the account root's own key (rootkeys.go)
}

func keyAAD(id string) []byte { return []byte("iam access key\x00" + id) }

// CreateAccessKey creates an active key for a user (at most MaxAccessKeys).
func (s *Service) CreateAccessKey(ctx context.Context, user string) (*AccessKey, error) {
	if err := checkName("userName", user, 64); err != nil {
		return nil, err
	}
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
		u, err := s.getUser(ctx, txn, user)
		if err != nil {
			return err
		}
		n, err := count(ctx, txn, pUserKey+fold(user)+"/", MaxAccessKeys)
		if err != nil {
			return err
		}
		if n >= MaxAccessKeys {
			return errorf(ErrLimitExceeded, "Cannot exceed quota for AccessKeysPerUser: %d", MaxAccessKeys)
		}
		ak.UserName = u.UserName
		rec := keyRecord{AccessKeyID: id, UserName: u.UserName, Status: StatusActive, CreateDate: ak.CreateDate, Secret: wrapped}
		if err := setJSON(txn, key(pKey, id), rec); err != nil {
			return err
		}
		return txn.Set(key(pUserKey, fold(user), id), nil)
	})
	if err != nil {
		return nil, err
	}
	return ak, nil
}

// ListAccessKeys lists a user's keys (without secrets).
func (s *Service) ListAccessKeys(ctx context.Context, user string, page Page) ([]AccessKey, string, error) {
	if err := checkName("userName", user, 64); err != nil {
		return nil, "", err
	}
	if _, err := s.getUser(ctx, s.store, user); err != nil {
		return nil, "", err
	}
	var out []AccessKey
	var ids []string
	next, err := listRecords(ctx, s.store, pUserKey+fold(user)+"/", page, func(id string, _ []byte, add bool) (bool, error) {
		if add {
			ids = append(ids, id)
		}
		return true, nil
	})
	if err != nil {
		return nil, "", err
	}
	for _, id := range ids {
		var rec keyRecord
		found, err := getJSON(ctx, s.store, key(pKey, id), &rec)
		if err != nil {
			return nil, "", err
		}
		if found {
			out = append(out, AccessKey{UserName: rec.UserName, AccessKeyID: id, Status: rec.Status, CreateDate: rec.CreateDate})
		}
	}
	return out, next, nil
}

// UpdateAccessKey sets a key's status to Active or Inactive.
func (s *Service) UpdateAccessKey(ctx context.Context, user, id, status string) error {
	if status != StatusActive && status != StatusInactive {
		return errorf(ErrValidation, "1 validation error detected: Value '%s' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive]", clip(status))
	}
	return s.store.Update(ctx, func(txn meta.Txn) error {
		rec, err := s.userKey(ctx, txn, user, id)
		if err != nil {
			return err
		}
		rec.Status = status
		return setJSON(txn, key(pKey, id), rec)
	})
}

// DeleteAccessKey deletes a user's key; it stops working at once.
func (s *Service) DeleteAccessKey(ctx context.Context, user, id string) error {
	return s.store.Update(ctx, func(txn meta.Txn) error {
		if _, err := s.userKey(ctx, txn, user, id); err != nil {
			return err
		}
		if err := txn.Delete(key(pKey, id)); err != nil {
			return err
		}
		return txn.Delete(key(pUserKey, fold(user), id))
	})
}

// userKey reads key id and checks that it belongs to user.
func (s *Service) userKey(ctx context.Context, r meta.Reader, user, id string) (*keyRecord, error) {
	if err := checkName("userName", user, 64); err != nil {
		return nil, err
	}
	if len(id) < 16 || len(id) > 128 || !nameRE.MatchString(id) {
		return nil, errorf(ErrValidation, "1 validation error detected: Value '%s' at 'accessKeyId' failed to satisfy constraint: Member must have length greater than or equal to 16 and match pattern [\\w]+", clip(id))
	}
	if _, err := s.getUser(ctx, r, user); err != nil {
		return nil, err
	}
	var rec keyRecord
	found, err := getJSON(ctx, r, key(pKey, id), &rec)
	if err != nil {
		return nil, err
	}
	if !found || fold(rec.UserName) != fold(user) {
		return nil, errorf(ErrNoSuchEntity, "The Access Key with id %s cannot be found.", id)
	}
	return &rec, nil
}
