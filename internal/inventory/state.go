package inventory

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/hoard-s3/hoard/internal/meta"
)

// The scheduler's records in the metadata store, under a prefix of its
// own (no one-letter prefix of the object service starts with it), per
// configuration (bucket names hold no NUL, ids no NUL either):
//
//	inventory/lease/<bucket>\x00<id>   which gateway writes the report, until when
//	inventory/state/<bucket>\x00<id>   the last report delivered
const (
	leasePrefix = "inventory/lease/"
	statePrefix = "inventory/state/"
)

func leaseKey(bucket, id string) []byte { return []byte(leasePrefix + bucket + "\x00" + id) }
func stateKey(bucket, id string) []byte { return []byte(statePrefix + bucket + "\x00" + id) }

type lease struct {
	Owner string
	Until int64 // Unix nanoseconds
}

// state is a configuration's last delivered report. Slot is the
// schedule period it belongs to (Unix nanoseconds / period), so a
// restarted server knows whether the current period's report is done.
type state struct {
	Slot     int64
	Finished int64  `json:",omitempty"` // Unix nanoseconds
	Manifest string `json:",omitempty"`
}

// errBusy: another gateway holds the configuration's lease.
var errBusy = errors.New("inventory report in progress on another gateway")

// errLeaseLost: another gateway took the configuration over.
var errLeaseLost = errors.New("inventory lease taken over by another gateway")

// claim takes the configuration's lease when the report of slot is not
// done yet (force: whatever the slot). ok is false when there is
// nothing to do; errBusy when another gateway holds it.
func (s *Scheduler) claim(ctx context.Context, bucket, id string, slot int64, force bool) (ok bool, err error) {
	now := s.cfg.Now()
	err = s.store.Update(ctx, func(tx meta.Txn) error {
		ok = false
		st, err := readJSON[state](ctx, tx, stateKey(bucket, id))
		if err != nil {
			return err
		}
		if !force && st.Slot >= slot {
			return nil
		}
		l, err := readJSON[lease](ctx, tx, leaseKey(bucket, id))
		if err != nil {
			return err
		}
		if l.Owner != "" && l.Owner != s.cfg.Owner && l.Until > now.UnixNano() {
			return errBusy
		}
		ok = true
		return writeJSON(tx, leaseKey(bucket, id), lease{Owner: s.cfg.Owner, Until: now.Add(s.cfg.Lease).UnixNano()})
	})
	if err != nil && !errors.Is(err, errBusy) {
		err = fmt.Errorf("claim inventory lease of %q/%q: %w", bucket, id, err)
	}
	return ok, err
}

// renew extends the lease while a report is being written.
func (s *Scheduler) renew(ctx context.Context, bucket, id string) error {
	until := s.cfg.Now().Add(s.cfg.Lease).UnixNano()
	return s.store.Update(ctx, func(tx meta.Txn) error {
		l, err := readJSON[lease](ctx, tx, leaseKey(bucket, id))
		if err != nil {
			return err
		}
		if l.Owner != s.cfg.Owner {
			return errLeaseLost
		}
		return writeJSON(tx, leaseKey(bucket, id), lease{Owner: s.cfg.Owner, Until: until})
	})
}

// done records the delivered report and gives the lease back; release
// (st nil) only gives it back.
func (s *Scheduler) done(ctx context.Context, bucket, id string, st *state) error {
	return s.store.Update(ctx, func(tx meta.Txn) error {
		l, err := readJSON[lease](ctx, tx, leaseKey(bucket, id))
		if err != nil {
			return err
		}
		if l.Owner != s.cfg.Owner {
			return errLeaseLost
		}
		if st != nil {
			if err := writeJSON(tx, stateKey(bucket, id), st); err != nil {
				return err
			}
		}
		return tx.Delete(leaseKey(bucket, id))
	})
}

// LastReport is the manifest key and time of a configuration's last
// delivered report ("" when none yet).
func (s *Scheduler) LastReport(ctx context.Context, bucket, id string) (string, time.Time, error) {
	st, err := readJSON[state](ctx, s.store, stateKey(bucket, id))
	if err != nil || st.Finished == 0 {
		return "", time.Time{}, err
	}
	return st.Manifest, time.Unix(0, st.Finished), nil
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
		return v, fmt.Errorf("inventory record %q: %w", key, err)
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
