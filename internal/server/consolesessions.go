package server

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/hoard-s3/hoard/internal/meta"
)

// consoleSessionPfx holds the console's sessions in the metadata store:
// any gateway serves a browser signed in through another.
const consoleSessionPfx = "console/sess/"

// sealer wraps session records under the root keyring (they hold the
// user's secret key).
type sealer interface {
	Wrap(plain, aad []byte) ([]byte, error)
	Unwrap(wrapped, aad []byte) ([]byte, error)
}

// consoleSessions is console.SessionBackend on the metadata store. A
// value is the expiry (8 bytes, Unix nanoseconds, readable by the purge
// without the key) and the sealed record.
type consoleSessions struct {
	store meta.Store
	seal  sealer
	now   func() time.Time
}

func sessionKey(h [32]byte) []byte { return []byte(consoleSessionPfx + hex.EncodeToString(h[:])) }

func (c *consoleSessions) Put(ctx context.Context, h [32]byte, rec []byte, expires time.Time) error {
	k := sessionKey(h)
	sealed, err := c.seal.Wrap(rec, k)
	if err != nil {
		return err
	}
	v := binary.BigEndian.AppendUint64(nil, uint64(expires.UnixNano()))
	v = append(v, sealed...)
	return c.store.Update(ctx, func(tx meta.Txn) error { return tx.Set(k, v) })
}

func (c *consoleSessions) Get(ctx context.Context, h [32]byte) ([]byte, error) {
	k := sessionKey(h)
	v, err := c.store.Get(ctx, k)
	if errors.Is(err, meta.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if len(v) < 8 || !c.now().Before(time.Unix(0, int64(binary.BigEndian.Uint64(v)))) {
		return nil, nil
	}
	rec, err := c.seal.Unwrap(v[8:], k)
	if err != nil {
		return nil, fmt.Errorf("unseal console session: %w", err)
	}
	return rec, nil
}

func (c *consoleSessions) Delete(ctx context.Context, h [32]byte) error {
	return c.store.Update(ctx, func(tx meta.Txn) error { return tx.Delete(sessionKey(h)) })
}

// purge removes expired sessions (already refused by Get).
func (c *consoleSessions) purge(ctx context.Context) (int, error) {
	it, err := c.store.NewIter(ctx, []byte(consoleSessionPfx), meta.PrefixEnd([]byte(consoleSessionPfx)))
	if err != nil {
		return 0, err
	}
	var expired [][]byte
	now := c.now().UnixNano()
	for ok := it.First(); ok && len(expired) < 1000; ok = it.Next() {
		v, err := it.Value()
		if err != nil {
			it.Close()
			return 0, err
		}
		if len(v) < 8 || int64(binary.BigEndian.Uint64(v)) <= now {
			expired = append(expired, append([]byte(nil), it.Key()...))
		}
	}
	err = errors.Join(it.Error(), it.Close())
	if err != nil || len(expired) == 0 {
		return 0, err
	}
	err = c.store.Update(ctx, func(tx meta.Txn) error {
		for _, k := range expired {
			if err := tx.Delete(k); err != nil {
				return err
			}
		}
		return nil
	})
	return len(expired), err
}

// rewrap seals every live console session again under the active root key
// (after a rotation), each in its own transaction; expired ones are left
// to purge.
func (c *consoleSessions) rewrap(ctx context.Context) (int, error) {
	it, err := c.store.NewIter(ctx, []byte(consoleSessionPfx), meta.PrefixEnd([]byte(consoleSessionPfx)))
	if err != nil {
		return 0, err
	}
	var keys [][]byte
	for ok := it.First(); ok; ok = it.Next() {
		keys = append(keys, append([]byte(nil), it.Key()...))
	}
	if err := errors.Join(it.Error(), it.Close()); err != nil {
		return 0, err
	}
	n := 0
	now := c.now().UnixNano()
	for _, k := range keys {
		done := false
		err := c.store.Update(ctx, func(tx meta.Txn) error {
			done = false
			v, err := tx.Get(ctx, k)
			if errors.Is(err, meta.ErrNotFound) {
				return nil
			}
			if err != nil {
				return err
			}
			if len(v) < 8 || int64(binary.BigEndian.Uint64(v)) <= now {
				return nil
			}
			rec, err := c.seal.Unwrap(v[8:], k)
			if err != nil {
				return fmt.Errorf("unseal console session: %w", err)
			}
			sealed, err := c.seal.Wrap(rec, k)
			if err != nil {
				return err
			}
			done = true
			return tx.Set(k, append(v[:8:8], sealed...))
		})
		if err != nil {
			return n, err
		}
		if done {
			n++
		}
	}
	return n, nil
}
