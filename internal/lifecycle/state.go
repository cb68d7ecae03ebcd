package lifecycle

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/hoard-s3/hoard/internal/meta"
)

// The worker's own records in the metadata store, under a prefix of its
// own (no one-letter prefix of the object service starts with it):
//
//	lifecycle/lease/<bucket>    which gateway works on the bucket, until when
//	lifecycle/cursor/<bucket>   where the bucket's pass stands
const (
	leasePrefix  = "lifecycle/lease/"
	cursorPrefix = "lifecycle/cursor/"
)

func leaseKey(bucket string) []byte  { return []byte(leasePrefix + bucket) }
func cursorKey(bucket string) []byte { return []byte(cursorPrefix + bucket) }

type lease struct {
	Owner string
	Until int64 // Unix nanoseconds
}

// Phases of a bucket's pass.
const (
	phaseIdle     = ""
	phaseVersions = "versions"
	phaseUploads  = "uploads"
)

// cursor is a bucket's progress. During a pass, Key (and UploadID) is the
// last key whose versions (or upload) were dealt with completely: a
// resumed pass starts right after it. Between passes, Phase is idle and
// Finished says when the last one ended.
type cursor struct {
	Phase    string `json:",omitempty"`
	Key      string `json:",omitempty"`
	UploadID string `json:",omitempty"`
	Started  int64  `json:",omitempty"`
	Finished int64  `json:",omitempty"`
}

// errLeaseLost: another gateway took the bucket over (this one stalled
// past its lease); the pass stops and leaves the bucket to it.
var errLeaseLost = errors.New("lifecycle lease taken over by another gateway")

// claim takes the bucket's lease and reads its cursor in one transaction.
// ok is false when another gateway holds the lease, or the last pass
// ended less than half a period ago (a gateway sharing the work did it).
func (w *Worker) claim(ctx context.Context, bucket string) (cur cursor, ok bool, err error) {
	now := w.cfg.Now()
	err = w.store.Update(ctx, func(tx meta.Txn) error {
		ok = false
		l, err := readJSON[lease](ctx, tx, leaseKey(bucket))
		if err != nil {
			return err
		}
		if l.Owner != "" && l.Owner != w.cfg.Owner && l.Until > now.UnixNano() {
			return nil
		}
		if cur, err = readJSON[cursor](ctx, tx, cursorKey(bucket)); err != nil {
			return err
		}
		if cur.Phase == phaseIdle && cur.Finished != 0 && now.Sub(time.Unix(0, cur.Finished)) < w.cfg.Every/2 {
			return nil
		}
		ok = true
		return writeJSON(tx, leaseKey(bucket), lease{Owner: w.cfg.Owner, Until: now.Add(w.cfg.Lease).UnixNano()})
	})
	if err != nil {
		return cur, false, fmt.Errorf("claim lifecycle lease of %q: %w", bucket, err)
	}
	return cur, ok, nil
}

// checkpoint records the cursor and renews the lease, in one
// transaction, provided the lease is still this gateway's.
func (w *Worker) checkpoint(ctx context.Context, bucket string, cur cursor) error {
	now := w.cfg.Now()
	err := w.store.Update(ctx, func(tx meta.Txn) error {
		l, err := readJSON[lease](ctx, tx, leaseKey(bucket))
		if err != nil {
			return err
		}
		if l.Owner != w.cfg.Owner {
			return errLeaseLost
		}
		if err := writeJSON(tx, cursorKey(bucket), cur); err != nil {
			return err
		}
		if cur.Phase == phaseIdle {
			return tx.Delete(leaseKey(bucket))
		}
		return writeJSON(tx, leaseKey(bucket), lease{Owner: w.cfg.Owner, Until: now.Add(w.cfg.Lease).UnixNano()})
	})
	if err != nil {
		return fmt.Errorf("lifecycle checkpoint of %q: %w", bucket, err)
	}
	return nil
}

// release gives the bucket's lease up, if it is still this gateway's.
func (w *Worker) release(ctx context.Context, bucket string) error {
	return w.store.Update(ctx, func(tx meta.Txn) error {
		l, err := readJSON[lease](ctx, tx, leaseKey(bucket))
		if err != nil || l.Owner != w.cfg.Owner {
			return err
		}
		return tx.Delete(leaseKey(bucket))
	})
}

// forget drops the records of a bucket that no longer exists.
func (w *Worker) forget(ctx context.Context, bucket string) error {
	return w.store.Update(ctx, func(tx meta.Txn) error {
		if err := tx.Delete(leaseKey(bucket)); err != nil {
			return err
		}
		return tx.Delete(cursorKey(bucket))
	})
}

// Cursor reports where a bucket's pass stands: the phase ("" between
// passes) and the last key dealt with.
func (w *Worker) Cursor(ctx context.Context, bucket string) (phase, key string, err error) {
	c, err := readJSON[cursor](ctx, w.store, cursorKey(bucket))
	return c.Phase, c.Key, err
}

func readJSON[T any](ctx context.Context, r meta.Reader, key []byte) (T, error) {
	var v T
	b, err := r.Get(ctx, key)
	if errors.Is(err, meta.ErrNotFound) {
		return v, nil
	}
	if err != nil {
		return v, err
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return v, fmt.Errorf("lifecycle record %q: %w", key, err)
	}
	return v, nil
}

func writeJSON(tx meta.Txn, key []byte, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return tx.Set(key, b)
}
