package kms

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/hoard-s3/hoard/internal/meta"
	"github.com/hoard-s3/hoard/internal/sse"
)

const (
	maxAliasLen    = 256
	reservedPrefix = "alias/aws/"
	defaultS3Alias = "alias/aws/s3"
	defaultS3Desc  = "Default key that protects my S3 objects when no other key is defined"
)

// validAliasSyntax checks "alias/" followed by 1+ of [a-zA-Z0-9/_-].
func validAliasSyntax(name string) error {
	rest, ok := strings.CutPrefix(name, "alias/")
	if !ok || rest == "" || len(name) > maxAliasLen {
		return fmt.Errorf("%w: %q must be alias/ followed by 1 to %d characters", ErrInvalidAlias, clip(name), maxAliasLen-len("alias/"))
	}
	for _, c := range []byte(rest) {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '/' || c == '_' || c == '-'
		if !ok {
			return fmt.Errorf("%w: %q may contain only letters, digits, /, _ and -", ErrInvalidAlias, clip(name))
		}
	}
	return nil
}

// customerAlias checks an alias a caller may create, change or delete.
func customerAlias(name string) error {
	if err := validAliasSyntax(name); err != nil {
		return err
	}
	if strings.HasPrefix(name, reservedPrefix) {
		return fmt.Errorf("%w: the prefix %s is reserved for AWS managed keys", ErrInvalidAlias, reservedPrefix)
	}
	return nil
}

// aliasTarget reads the key an alias may point at: named by key id or ARN
// (not by another alias), customer managed and not pending deletion.
func (s *Service) aliasTarget(ctx context.Context, rd meta.Reader, ref string) (*keyRecord, error) {
	id, alias, err := s.parseRef(ref)
	if err != nil {
		return nil, err
	}
	if alias != "" {
		return nil, fmt.Errorf("%w: TargetKeyId must be a key id or key ARN, not an alias", ErrValidation)
	}
	rec, err := s.loadKey(ctx, rd, id)
	if err != nil {
		return nil, err
	}
	if err := customerKey(rec); err != nil {
		return nil, fmt.Errorf("key %s: %w", id, err)
	}
	return rec, nil
}

// authorizeAlias asks for action on the alias (which identity policies
// govern) and on each key it names (which their key policies govern), as
// KMS does.
func (s *Service) authorizeAlias(ctx context.Context, action, name string, keys ...*keyRecord) error {
	if err := s.authorize(ctx, access{action: action, resource: s.aliasARN(name)}); err != nil {
		return err
	}
	for _, rec := range keys {
		if rec == nil {
			continue // the alias's key is deleted: nothing to ask its policy
		}
		if err := s.authorize(ctx, access{action: action, rec: rec}); err != nil {
			return err
		}
	}
	return nil
}

// aliasedKey reads the key an alias points at; nil when that key is
// deleted (its aliases go with it at the next purge).
func (s *Service) aliasedKey(ctx context.Context, rd meta.Reader, a *aliasRecord) (*keyRecord, error) {
	rec, err := s.loadKey(ctx, rd, a.Target)
	if errors.Is(err, sse.ErrKeyNotFound) {
		return nil, nil
	}
	return rec, err
}

// CreateAlias makes name ("alias/NAME") point at the key target.
func (s *Service) CreateAlias(ctx context.Context, name, target string) error {
	if err := customerAlias(name); err != nil {
		return err
	}
	return s.store.Update(ctx, func(txn meta.Txn) error {
		_, err := txn.Get(ctx, aliasKey(name))
		switch {
		case err == nil:
			return fmt.Errorf("alias %s: %w", name, ErrAlreadyExists)
		case !errors.Is(err, meta.ErrNotFound):
			return fmt.Errorf("read alias %s: %w", name, err)
		}
		rec, err := s.aliasTarget(ctx, txn, target)
		if err != nil {
			return err
		}
		if err := s.authorizeAlias(ctx, "kms:CreateAlias", name, rec); err != nil {
			return err
		}
		now := ms(s.clock())
		return putJSON(txn, aliasKey(name), aliasRecord{Target: rec.ID, Created: now, Updated: now})
	})
}

// UpdateAlias points an existing alias at another key.
func (s *Service) UpdateAlias(ctx context.Context, name, target string) error {
	if err := customerAlias(name); err != nil {
		return err
	}
	return s.store.Update(ctx, func(txn meta.Txn) error {
		a, err := s.loadAlias(ctx, txn, name)
		if err != nil {
			return err
		}
		rec, err := s.aliasTarget(ctx, txn, target)
		if err != nil {
			return err
		}
		old, err := s.aliasedKey(ctx, txn, a)
		if err != nil {
			return err
		}
		if err := s.authorizeAlias(ctx, "kms:UpdateAlias", name, old, rec); err != nil {
			return err
		}
		a.Target, a.Updated = rec.ID, ms(s.clock())
		return putJSON(txn, aliasKey(name), a)
	})
}

// DeleteAlias removes an alias; its key is unaffected.
func (s *Service) DeleteAlias(ctx context.Context, name string) error {
	if err := customerAlias(name); err != nil {
		return err
	}
	return s.store.Update(ctx, func(txn meta.Txn) error {
		a, err := s.loadAlias(ctx, txn, name)
		if err != nil {
			return err
		}
		rec, err := s.aliasedKey(ctx, txn, a)
		if err != nil {
			return err
		}
		if err := s.authorizeAlias(ctx, "kms:DeleteAlias", name, rec); err != nil {
			return err
		}
		if err := txn.Delete(aliasKey(name)); err != nil {
			return fmt.Errorf("delete alias %s: %w", name, err)
		}
		return nil
	})
}

// ListAliases lists aliases in name order, only those of key ref when ref
// is not empty, at most limit (default 100, at most 1000) from marker on.
func (s *Service) ListAliases(ctx context.Context, ref, marker string, limit int) (aliases []Alias, next string, err error) {
	if limit <= 0 {
		limit = defaultListLimit
	}
	limit = min(limit, maxListLimit)
	if err := s.authorize(ctx, access{action: "kms:ListAliases", resource: "*"}); err != nil {
		return nil, "", err
	}
	if marker != "" && validAliasSyntax(marker) != nil {
		return nil, "", fmt.Errorf("%w: %q", ErrInvalidMarker, clip(marker))
	}
	var only string
	if ref != "" {
		id, alias, err := s.parseRef(ref)
		if err != nil {
			return nil, "", err
		}
		if alias != "" {
			return nil, "", fmt.Errorf("%w: KeyId must be a key id or key ARN", ErrValidation)
		}
		if _, err := s.loadKey(ctx, s.store, id); err != nil {
			return nil, "", err
		}
		only = id
	}
	err = s.scanAliases(ctx, s.store, marker, func(name string, a *aliasRecord) (bool, error) {
		if only != "" && a.Target != only {
			return true, nil
		}
		if _, err := s.loadKey(ctx, s.store, a.Target); errors.Is(err, sse.ErrKeyNotFound) {
			return true, nil // its key is deleted; PurgeDeleted removes it
		}
		if len(aliases) == limit {
			next = name
			return false, nil
		}
		aliases = append(aliases, Alias{
			Name: name, ARN: s.aliasARN(name), TargetKeyID: a.Target,
			CreationDate: fromMS(a.Created), LastUpdatedDate: fromMS(a.Updated),
		})
		return true, nil
	})
	if err != nil {
		return nil, "", err
	}
	return aliases, next, nil
}

// scanAliases calls fn for each alias from marker on until it returns false.
func (s *Service) scanAliases(ctx context.Context, rd meta.Reader, marker string, fn func(string, *aliasRecord) (bool, error)) error {
	lower := []byte(aliasPrefix)
	if marker != "" {
		lower = aliasKey(marker)
	}
	it, err := rd.NewIter(ctx, lower, meta.PrefixEnd([]byte(aliasPrefix)))
	if err != nil {
		return fmt.Errorf("list aliases: %w", err)
	}
	defer it.Close()
	for ok := it.First(); ok; ok = it.Next() {
		name := "alias/" + string(it.Key()[len(aliasPrefix):])
		raw, err := it.Value()
		if err != nil {
			return fmt.Errorf("list aliases: %w", err)
		}
		var a aliasRecord
		if err := json.Unmarshal(raw, &a); err != nil {
			return fmt.Errorf("alias %s: %w: %w", name, errCorruptKeyRecord, err)
		}
		more, err := fn(name, &a)
		if err != nil || !more {
			return err
		}
	}
	if err := it.Error(); err != nil {
		return fmt.Errorf("list aliases: %w", err)
	}
	return nil
}

// deleteAliasesOf removes the aliases of the keys in gone.
func (s *Service) deleteAliasesOf(ctx context.Context, txn meta.Txn, gone map[string]bool) error {
	if len(gone) == 0 {
		return nil
	}
	var doomed []string
	err := s.scanAliases(ctx, txn, "", func(name string, a *aliasRecord) (bool, error) {
		if gone[a.Target] {
			doomed = append(doomed, name)
		}
		return true, nil
	})
	if err != nil {
		return err
	}
	for _, name := range doomed {
		if err := txn.Delete(aliasKey(name)); err != nil {
			return fmt.Errorf("delete alias %s: %w", name, err)
		}
	}
	return nil
}

// ensureManagedKey returns the key behind an AWS managed alias, creating
// both in one transaction when absent (so racing gateways agree on one).
func (s *Service) ensureManagedKey(ctx context.Context, alias string) (string, error) {
	fresh, err := s.newKeyRecord(defaultS3Desc, ManagerAWS)
	if err != nil {
		return "", err
	}
	var id string
	err = s.store.Update(ctx, func(txn meta.Txn) error {
		a, err := s.loadAlias(ctx, txn, alias)
		if err == nil {
			id = a.Target
			return nil
		}
		if !errors.Is(err, sse.ErrKeyNotFound) {
			return err
		}
		id = fresh.ID
		if err := putJSON(txn, keyKey(fresh.ID), fresh); err != nil {
			return err
		}
		return putJSON(txn, aliasKey(alias), aliasRecord{Target: fresh.ID, Created: fresh.Created, Updated: fresh.Created})
	})
	if err != nil {
		return "", fmt.Errorf("default key %s: %w", alias, err)
	}
	return id, nil
}
