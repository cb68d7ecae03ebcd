package object

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/hoard-s3/hoard/internal/meta"
	"github.com/hoard-s3/hoard/internal/sse"
)

// rewrapBatch is how many records one rotation transaction rewrites: small
// enough that a transaction never holds much, large enough to share fsyncs.
const rewrapBatch = 64

// RewrapKeys re-wraps every SSE-S3 data key (of objects and of uploads in
// progress) that is not wrapped under the keyring's active root key, and
// drops the unsalted customer-key MD5 that SSE-C records written by older
// versions still hold. Object data is not touched: only the metadata
// records change. It returns how many records it rewrote. It is safe to run again
// after an interruption; records already under the active key are skipped.
func (s *Service) RewrapKeys(ctx context.Context) (int, error) {
	total := 0
	for _, prefix := range []string{objectPrefix, versionPfx, uploadPrefix} {
		n, err := s.rewrapRange(ctx, []byte(prefix))
		total += n
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

// rewrapRange rewrites the stale records under prefix, batch by batch.
func (s *Service) rewrapRange(ctx context.Context, prefix []byte) (int, error) {
	active := s.keyring.ActiveID()
	from, end := prefix, meta.PrefixEnd(prefix)
	total := 0
	for {
		keys, next, err := s.staleKeys(ctx, from, end, active)
		if err != nil {
			return total, err
		}
		if len(keys) > 0 {
			n, err := s.rewrapKeys(ctx, keys)
			total += n
			if err != nil {
				return total, err
			}
		}
		if next == nil {
			return total, nil
		}
		from = next
	}
}

// staleKeys collects up to rewrapBatch record keys in [from, end) whose
// envelope (or sealed metadata) needs rewriting. next is where to
// continue, nil at the end.
func (s *Service) staleKeys(ctx context.Context, from, end []byte, active string) (keys [][]byte, next []byte, err error) {
	it, err := s.meta.NewIter(ctx, from, end)
	if err != nil {
		return nil, nil, fmt.Errorf("rewrap scan: %w", err)
	}
	defer it.Close()
	for ok := it.First(); ok; ok = it.Next() {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		if len(keys) == rewrapBatch {
			return keys, append([]byte(nil), it.Key()...), nil
		}
		v, err := it.Value()
		if err != nil {
			return nil, nil, fmt.Errorf("rewrap scan: %w", err)
		}
		env, sealed, err := envelopeOf(it.Key(), v)
		if err != nil {
			return nil, nil, err
		}
		if stale(env, active) || staleSeal(sealed, active) {
			keys = append(keys, append([]byte(nil), it.Key()...))
		}
	}
	return keys, nil, it.Error()
}

// envelopeOf decodes the key envelope and the sealed metadata of an
// object or upload record.
func envelopeOf(key, v []byte) (*sse.Envelope, []byte, error) {
	if bytes.HasPrefix(key, []byte(uploadPrefix)) {
		u, err := decodeUpload(v)
		if err != nil {
			return nil, nil, fmt.Errorf("%q: %w", key, err)
		}
		return u.Enc, u.sealedMeta, nil
	}
	r, err := decodeRecordMode(v, modeHeader)
	if err != nil {
		return nil, nil, fmt.Errorf("%q: %w", key, err)
	}
	return r.Enc, r.sealedMeta, nil
}

// stale reports whether a record's envelope needs rewriting: an SSE-S3
// data key under an older root key, or an SSE-C envelope that still holds
// the unsalted MD5 of its customer key (re-encoding drops it).
func stale(env *sse.Envelope, active string) bool {
	if env != nil && env.Type == sse.C {
		return env.HasLegacyKeyMD5()
	}
	if env == nil || env.Type != sse.S3 {
		return false
	}
	id, err := sse.WrappedKeyID(env.Wrapped)
	return err == nil && id != active
}

// rewrapKeys rewrites a batch of records in one transaction, re-reading
// each so that a concurrent write is never overwritten with stale data.
func (s *Service) rewrapKeys(ctx context.Context, keys [][]byte) (int, error) {
	active := s.keyring.ActiveID()
	n := 0
	err := s.meta.Update(ctx, func(tx meta.Txn) error {
		n = 0
		for _, k := range keys {
			v, err := tx.Get(ctx, k)
			if errors.Is(err, meta.ErrNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			out, err := s.rewrapRecord(k, v, active)
			if err != nil {
				return err
			}
			if out == nil {
				continue
			}
			if err := tx.Set(k, out); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("rewrap data keys: %w", err)
	}
	return n, nil
}

// rewrapRecord returns the record re-encoded with its data key and its
// sealed metadata under the active root key (and no legacy customer-key
// MD5), or nil when it needs no change.
func (s *Service) rewrapRecord(k, v []byte, active string) ([]byte, error) {
	bucket, key, err := bindingOfRecordKey(k)
	if err != nil {
		return nil, err
	}
	rewrap := func(env *sse.Envelope) (bool, error) {
		if !stale(env, active) {
			return false, nil
		}
		if env.Type == sse.C {
			return true, nil // re-encoding drops the legacy key MD5
		}
		bind := keyBinding(bucket, key)
		dk, err := s.keyring.Unwrap(env.Wrapped, bind)
		if err != nil {
			return false, fmt.Errorf("%s/%s: %w", bucket, key, err)
		}
		env.Wrapped, err = s.keyring.Wrap(dk, bind)
		return err == nil, err
	}
	reseal := func(sealed *[]byte) (bool, error) {
		if !staleSeal(*sealed, active) {
			return false, nil
		}
		out, err := s.reseal(bucket, key, *sealed)
		*sealed = out
		return err == nil, err
	}
	// Both kinds of record are rewritten the same way: their envelope,
	// their sealed metadata, then re-encoded as they were otherwise.
	var env *sse.Envelope
	var sealed *[]byte
	var encoded func() []byte
	if bytes.HasPrefix(k, []byte(uploadPrefix)) {
		u, err := decodeUpload(v)
		if err != nil {
			return nil, err
		}
		env, sealed, encoded = u.Enc, &u.sealedMeta, u.encode
	} else {
		r, err := decodeRecordMode(v, modeFull)
		if err != nil {
			return nil, err
		}
		env, sealed, encoded = r.Enc, &r.sealedMeta, r.encode
	}
	wrapped, err := rewrap(env)
	if err != nil {
		return nil, err
	}
	resealed, err := reseal(sealed)
	if err != nil || !wrapped && !resealed {
		return nil, err
	}
	return encoded(), nil
}

// bindingOfRecordKey recovers bucket and object key from an object record
// key (o/<bucket>/<key>), a version key (v/<bucket>/<key>\x00<sort id>) or
// an upload record key (u/<bucket>/<key>\x00<id>).
func bindingOfRecordKey(k []byte) (bucket, key string, err error) {
	if len(k) < 2 {
		return "", "", fmt.Errorf("record key %q: %w", k, errCorrupt)
	}
	rest := k[2:]
	i := bytes.IndexByte(rest, '/')
	if i < 0 {
		return "", "", fmt.Errorf("record key %q: %w", k, errCorrupt)
	}
	bucket, rest = string(rest[:i]), rest[i+1:]
	if bytes.HasPrefix(k, []byte(uploadPrefix)) || bytes.HasPrefix(k, []byte(versionPfx)) {
		j := bytes.LastIndexByte(rest, 0)
		if j < 0 {
			return "", "", fmt.Errorf("upload key %q: %w", k, errCorrupt)
		}
		rest = rest[:j]
	}
	return bucket, string(rest), nil
}
