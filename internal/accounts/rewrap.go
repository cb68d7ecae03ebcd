package accounts

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/hoard-s3/hoard/internal/iam"
	"github.com/hoard-s3/hoard/internal/kms"
	"github.com/hoard-s3/hoard/internal/meta"
)

// RewrapSecrets re-wraps under w's active root key every secret of the
// accounts other than the operator's (whose identity and key services
// live outside any account prefix and are re-wrapped by the caller): each
// account's root secret, its IAM access key and session secrets and its
// key service's key material. Every record is rewritten in a transaction
// of its own, and the old root keys stay in the keyring, so an
// interrupted run has lost nothing and is simply run again.
func RewrapSecrets(ctx context.Context, store meta.Store, w Wrapper, operatorID string) (int, error) {
	ids, err := accountIDs(ctx, store)
	if err != nil {
		return 0, err
	}
	total := 0
	for _, id := range ids {
		if id == operatorID {
			continue
		}
		n, err := rewrapAccount(ctx, store, w, id)
		total += n
		if err != nil {
			return total, fmt.Errorf("account %s: %w", id, err)
		}
	}
	return total, nil
}

func accountIDs(ctx context.Context, store meta.Store) ([]string, error) {
	it, err := store.NewIter(ctx, []byte(pRecord), meta.PrefixEnd([]byte(pRecord)))
	if err != nil {
		return nil, fmt.Errorf("list accounts: %w", err)
	}
	defer it.Close()
	var ids []string
	for ok := it.First(); ok; ok = it.Next() {
		ids = append(ids, string(it.Key()[len(pRecord):]))
	}
	return ids, it.Error()
}

func rewrapAccount(ctx context.Context, store meta.Store, w Wrapper, id string) (int, error) {
	n := 0
	err := store.Update(ctx, func(tx meta.Txn) error {
		n = 0
		raw, err := tx.Get(ctx, []byte(pRecord+id))
		if errors.Is(err, meta.ErrNotFound) {
			return nil // deleted meanwhile
		}
		if err != nil {
			return err
		}
		var a stored
		if err := json.Unmarshal(raw, &a); err != nil {
			return fmt.Errorf("corrupt account record: %w", err)
		}
		if a.RootSecret == nil {
			return nil
		}
		plain, err := w.Unwrap(a.RootSecret, rootAAD(id))
		if err != nil {
			return fmt.Errorf("unwrap root secret: %w", err)
		}
		if a.RootSecret, err = w.Wrap(plain, rootAAD(id)); err != nil {
			return err
		}
		n = 1
		return writeAccount(tx, &a)
	})
	if err != nil {
		return 0, err
	}
	scoped := newScoped(store, id)
	secrets, err := iam.New(scoped, w, iam.Config{AccountID: id}).RewrapSecrets(ctx)
	n += secrets
	if err != nil {
		return n, fmt.Errorf("re-wrap IAM secrets: %w", err)
	}
	keys, err := kms.New(scoped, w, kms.Config{AccountID: id}).RewrapMaterial(ctx)
	n += keys
	if err != nil {
		return n, fmt.Errorf("re-wrap key service keys: %w", err)
	}
	return n, nil
}
