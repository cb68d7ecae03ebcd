package kms

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/hoard-s3/hoard/internal/meta"
	"github.com/hoard-s3/hoard/internal/sse"
)

const (
	maxDescription = 8192
	// Deletion waiting period bounds, in days, as KMS has them.
	minPendingDays     = 7
	maxPendingDays     = 30
	defaultPendingDays = 30
	maxListLimit       = 1000
	defaultListLimit   = 100
)

// newKeyRecord makes a key with fresh material wrapped by the root key.
func (s *Service) newKeyRecord(description string, manager KeyManager) (*keyRecord, error) {
	id := uuid.NewString()
	material := make([]byte, 32)
	if _, err := rand.Read(material); err != nil {
		return nil, fmt.Errorf("generate key material: %w", err)
	}
	defer clear(material)
	wrapped, err := s.root.Wrap(material, materialAAD(id))
	if err != nil {
		return nil, fmt.Errorf("wrap key material: %w", err)
	}
	return &keyRecord{
		ID: id, Created: ms(s.clock()), Description: description,
		State: StateEnabled, Manager: manager, Material: wrapped,
	}, nil
}

// CreateKeyInput is what CreateKey takes.
type CreateKeyInput struct {
	Description string
	// Policy is the key policy; empty gives the default key policy.
	Policy string
	// BypassLockout skips the check that Policy lets the caller change it
	// later (BypassPolicyLockoutSafetyCheck).
	BypassLockout bool
}

// CreateKey creates an enabled, customer managed symmetric key.
func (s *Service) CreateKey(ctx context.Context, in CreateKeyInput) (KeyMetadata, error) {
	if len(in.Description) > maxDescription || !utf8.ValidString(in.Description) {
		return KeyMetadata{}, fmt.Errorf("%w: description must be valid UTF-8 of at most %d bytes", ErrValidation, maxDescription)
	}
	err := s.authorize(ctx, access{action: "kms:CreateKey", resource: "*",
		extra: map[string]string{"kms:BypassPolicyLockoutSafetyCheck": strconv.FormatBool(in.BypassLockout)}})
	if err != nil {
		return KeyMetadata{}, err
	}
	rec, err := s.newKeyRecord(in.Description, ManagerCustomer)
	if err != nil {
		return KeyMetadata{}, err
	}
	rec.Policy = in.Policy
	if in.Policy == "" {
		rec.Policy = s.defaultPolicy()
	} else if err := s.parseKeyPolicy(ctx, in.Policy, rec.ID, in.BypassLockout); err != nil {
		return KeyMetadata{}, err
	}
	err = s.store.Update(ctx, func(txn meta.Txn) error { return putJSON(txn, keyKey(rec.ID), rec) })
	if err != nil {
		return KeyMetadata{}, fmt.Errorf("create key: %w", err)
	}
	return s.metadata(rec), nil
}

// DescribeKey returns a key's metadata. ref is a key id, key ARN, alias
// name or alias ARN; alias/aws/s3 is created on first use, as in KMS.
func (s *Service) DescribeKey(ctx context.Context, ref string) (KeyMetadata, error) {
	rec, err := s.lookup(ctx, ref)
	if err != nil {
		return KeyMetadata{}, err
	}
	a := access{action: "kms:DescribeKey", rec: rec, extra: s.withRequestAlias(nil, ref)}
	if err := s.authorize(ctx, a); err != nil {
		return KeyMetadata{}, err
	}
	return s.metadata(rec), nil
}

// lookup resolves ref and reads its key, creating the S3 default key when
// ref names it.
func (s *Service) lookup(ctx context.Context, ref string) (*keyRecord, error) {
	id, alias, err := s.parseRef(ref)
	if err != nil {
		return nil, err
	}
	if alias == defaultS3Alias {
		arn, err := s.DefaultKey(ctx)
		if err != nil {
			return nil, err
		}
		id = arn[len(arn)-36:]
	} else if alias != "" {
		if id, err = s.resolve(ctx, s.store, alias); err != nil {
			return nil, err
		}
	}
	return s.loadKey(ctx, s.store, id)
}

// ListKeys lists keys in key-id order: at most limit (default 100, at most
// 1000) from marker on. next is the marker of the following page, empty on
// the last.
func (s *Service) ListKeys(ctx context.Context, marker string, limit int) (keys []KeyMetadata, next string, err error) {
	if limit <= 0 {
		limit = defaultListLimit
	}
	limit = min(limit, maxListLimit)
	if err := s.authorize(ctx, access{action: "kms:ListKeys", resource: "*"}); err != nil {
		return nil, "", err
	}
	if marker != "" {
		if _, ok := canonicalID(marker); !ok {
			return nil, "", fmt.Errorf("%w: %q", ErrInvalidMarker, clip(marker))
		}
	}
	lower := []byte(keyPrefix + marker)
	it, err := s.store.NewIter(ctx, lower, meta.PrefixEnd([]byte(keyPrefix)))
	if err != nil {
		return nil, "", fmt.Errorf("list keys: %w", err)
	}
	defer it.Close()
	now := s.now()
	for ok := it.First(); ok; ok = it.Next() {
		raw, err := it.Value()
		if err != nil {
			return nil, "", fmt.Errorf("list keys: %w", err)
		}
		rec, err := decodeKey(raw)
		if err != nil {
			return nil, "", fmt.Errorf("list keys at %s: %w", it.Key(), err)
		}
		if rec.gone(now) {
			continue
		}
		if len(keys) == limit {
			return keys, rec.ID, nil
		}
		keys = append(keys, s.metadata(rec))
	}
	if err := it.Error(); err != nil {
		return nil, "", fmt.Errorf("list keys: %w", err)
	}
	return keys, "", nil
}

// mutate applies change to the key ref names in one transaction, once the
// caller is authorized for a (whose rec it fills in).
func (s *Service) mutate(ctx context.Context, ref string, a access, change func(*keyRecord) error) (KeyMetadata, error) {
	var out *keyRecord
	err := s.store.Update(ctx, func(txn meta.Txn) error {
		id, err := s.resolve(ctx, txn, ref)
		if err != nil {
			return err
		}
		rec, err := s.loadKey(ctx, txn, id)
		if err != nil {
			return err
		}
		a.rec = rec
		if err := s.authorize(ctx, a); err != nil {
			return err
		}
		if err := change(rec); err != nil {
			return fmt.Errorf("key %s: %w", id, err)
		}
		out = rec
		return putJSON(txn, keyKey(id), rec)
	})
	if err != nil {
		return KeyMetadata{}, err
	}
	return s.metadata(out), nil
}

// customerKey refuses changes to AWS managed keys and to keys pending
// deletion.
func customerKey(r *keyRecord) error {
	if r.Manager == ManagerAWS {
		return ErrManagedKey
	}
	if r.State == StatePendingDeletion {
		return fmt.Errorf("key is pending deletion: %w", ErrInvalidState)
	}
	return nil
}

// EnableKey enables a customer managed key.
func (s *Service) EnableKey(ctx context.Context, ref string) error {
	_, err := s.mutate(ctx, ref, access{action: "kms:EnableKey"}, func(r *keyRecord) error {
		if err := customerKey(r); err != nil {
			return err
		}
		r.State = StateEnabled
		return nil
	})
	return err
}

// DisableKey disables a customer managed key: it can no longer encrypt or
// decrypt until enabled again.
func (s *Service) DisableKey(ctx context.Context, ref string) error {
	_, err := s.mutate(ctx, ref, access{action: "kms:DisableKey"}, func(r *keyRecord) error {
		if err := customerKey(r); err != nil {
			return err
		}
		r.State = StateDisabled
		return nil
	})
	return err
}

// ScheduleKeyDeletion puts a key in PendingDeletion for days days (0 means
// 30; otherwise 7 to 30). The key is unusable meanwhile and deleted after.
func (s *Service) ScheduleKeyDeletion(ctx context.Context, ref string, days int) (KeyMetadata, error) {
	if days == 0 {
		days = defaultPendingDays
	}
	if days < minPendingDays || days > maxPendingDays {
		return KeyMetadata{}, fmt.Errorf("%w: PendingWindowInDays must be between %d and %d", ErrValidation, minPendingDays, maxPendingDays)
	}
	a := access{action: "kms:ScheduleKeyDeletion", extra: map[string]string{"kms:ScheduleKeyDeletionPendingWindowInDays": strconv.Itoa(days)}}
	return s.mutate(ctx, ref, a, func(r *keyRecord) error {
		if err := customerKey(r); err != nil {
			return err
		}
		r.State = StatePendingDeletion
		r.Deletion = ms(s.clock().Add(time.Duration(days) * 24 * time.Hour))
		return nil
	})
}

// CancelKeyDeletion stops a scheduled deletion; the key comes back
// disabled, as in KMS.
func (s *Service) CancelKeyDeletion(ctx context.Context, ref string) (KeyMetadata, error) {
	return s.mutate(ctx, ref, access{action: "kms:CancelKeyDeletion"}, func(r *keyRecord) error {
		if r.State != StatePendingDeletion {
			return fmt.Errorf("key is not pending deletion: %w", ErrInvalidState)
		}
		r.State = StateDisabled
		r.Deletion = 0
		return nil
	})
}

// usable returns the key's state as an error for cryptographic use.
func usable(r *keyRecord) error {
	switch r.State {
	case StateEnabled:
		return nil
	case StateDisabled:
		return fmt.Errorf("key %s: %w", r.ID, sse.ErrKeyDisabled)
	default:
		// Both: KMS callers see the state; SSE callers see a key that refuses.
		return fmt.Errorf("key %s is %s: %w: %w", r.ID, r.State, ErrInvalidState, sse.ErrKeyDisabled)
	}
}

// PurgeDeleted removes keys whose deletion date has passed, with their
// aliases. It returns how many keys it removed.
func (s *Service) PurgeDeleted(ctx context.Context) (int, error) {
	// A read first, so the usual case (nothing to purge) takes no commit.
	if gone, err := s.expiredKeys(ctx, s.store); err != nil || len(gone) == 0 {
		return 0, err
	}
	var n int
	err := s.store.Update(ctx, func(txn meta.Txn) error {
		n = 0
		gone, err := s.expiredKeys(ctx, txn)
		if err != nil {
			return err
		}
		for id := range gone {
			if err := txn.Delete(keyKey(id)); err != nil {
				return fmt.Errorf("delete key %s: %w", id, err)
			}
			n++
		}
		return s.deleteAliasesOf(ctx, txn, gone)
	})
	return n, err
}

func (s *Service) expiredKeys(ctx context.Context, rd meta.Reader) (map[string]bool, error) {
	it, err := rd.NewIter(ctx, []byte(keyPrefix), meta.PrefixEnd([]byte(keyPrefix)))
	if err != nil {
		return nil, fmt.Errorf("scan keys: %w", err)
	}
	defer it.Close()
	gone := map[string]bool{}
	now := s.now()
	for ok := it.First(); ok; ok = it.Next() {
		raw, err := it.Value()
		if err != nil {
			return nil, fmt.Errorf("scan keys: %w", err)
		}
		rec, err := decodeKey(raw)
		if err != nil {
			return nil, fmt.Errorf("scan keys at %s: %w", it.Key(), err)
		}
		if rec.gone(now) {
			gone[rec.ID] = true
		}
	}
	if err := it.Error(); err != nil {
		return nil, fmt.Errorf("scan keys: %w", err)
	}
	return gone, nil
}

// RewrapMaterial re-wraps every key's material under the root key now
// active, after a root key rotation, so the old root key can be retired.
// It returns how many keys it re-wrapped. Key ids and blobs are unchanged.
func (s *Service) RewrapMaterial(ctx context.Context) (int, error) {
	var n int
	err := s.store.Update(ctx, func(txn meta.Txn) error {
		n = 0
		var recs []*keyRecord
		it, err := txn.NewIter(ctx, []byte(keyPrefix), meta.PrefixEnd([]byte(keyPrefix)))
		if err != nil {
			return fmt.Errorf("scan keys: %w", err)
		}
		for ok := it.First(); ok; ok = it.Next() {
			raw, err := it.Value()
			if err != nil {
				it.Close()
				return fmt.Errorf("scan keys: %w", err)
			}
			rec, err := decodeKey(raw)
			if err != nil {
				it.Close()
				return fmt.Errorf("scan keys at %s: %w", it.Key(), err)
			}
			recs = append(recs, rec)
		}
		if err := errors.Join(it.Error(), it.Close()); err != nil {
			return fmt.Errorf("scan keys: %w", err)
		}
		for _, rec := range recs {
			if err := s.rewrap(txn, rec); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

func (s *Service) rewrap(txn meta.Txn, rec *keyRecord) error {
	material, err := s.material(rec)
	if err != nil {
		return err
	}
	defer clear(material)
	if rec.Material, err = s.root.Wrap(material, materialAAD(rec.ID)); err != nil {
		return fmt.Errorf("wrap material of key %s: %w", rec.ID, err)
	}
	return putJSON(txn, keyKey(rec.ID), rec)
}
