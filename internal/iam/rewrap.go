package iam

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/hoard-s3/hoard/internal/meta"
)

// RewrapSecrets re-wraps every stored secret (access keys and live
// sessions) under the keyring's active root key, after a rotation. Each
// record is rewritten in its own transaction, so an interrupted run loses
// nothing and can simply be run again.
func (s *Service) RewrapSecrets(ctx context.Context) (int, error) {
	n := 0
	for _, t := range []struct {
		prefix string
		aad    func(id string) []byte
		field  func(raw []byte) (wrapped []byte, set func([]byte) any, err error)
	}{
		{pKey, keyAAD, func(raw []byte) ([]byte, func([]byte) any, error) {
			var rec keyRecord
			err := json.Unmarshal(raw, &rec)
			return rec.Secret, func(w []byte) any { rec.Secret = w; return rec }, err
		}},
		{pSession, sessionAAD, func(raw []byte) ([]byte, func([]byte) any, error) {
			var rec sessionRecord
			err := json.Unmarshal(raw, &rec)
			return rec.Wrapped, func(w []byte) any { rec.Wrapped = w; return rec }, err
		}},
	} {
		var ids []string
		err := scan(ctx, s.store, t.prefix, "", func(id string, _ []byte) (bool, error) {
			ids = append(ids, id)
			return false, nil
		})
		if err != nil {
			return n, err
		}
		for _, id := range ids {
			err := s.store.Update(ctx, func(txn meta.Txn) error {
				raw, err := txn.Get(ctx, key(t.prefix, id))
				if err != nil {
					return err
				}
				wrapped, set, err := t.field(raw)
				if err != nil {
					return fmt.Errorf("iam: corrupt record %s%s: %w", t.prefix, id, err)
				}
				plain, err := s.wrap.Unwrap(wrapped, t.aad(id))
				if err != nil {
					return fmt.Errorf("iam: unwrap %s%s: %w", t.prefix, id, err)
				}
				w, err := s.wrap.Wrap(plain, t.aad(id))
				if err != nil {
					return err
				}
				return setJSON(txn, key(t.prefix, id), set(w))
			})
			if errors.Is(err, meta.ErrNotFound) {
				continue // deleted meanwhile
			}
			if err != nil {
				return n, err
			}
			n++
		}
	}
	return n, nil
}
