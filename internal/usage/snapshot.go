package usage

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"time"

	"github.com/hoard-s3/hoard/internal/meta"
)

const (
	snapPfx  = "usage/s/"
	leaseKey = "usage/lease"
	// snapPrefixes bounds the prefixes a snapshot keeps (the largest).
	snapPrefixes = 500
)

func snapBase(bucket string) []byte { return []byte(snapPfx + bucket + "/") }

// Day is a bucket's usage on one day, as a snapshot kept it.
type Day struct {
	Date     string  `json:"date"` // YYYY-MM-DD, UTC
	Prefixes []Scope `json:"prefixes"`
}

// Worker folds the counters' deltas and takes a snapshot of every bucket
// once a day. Several gateways on one database share the work through a
// lease in the metadata store, so one of them does it at a time.
type Worker struct {
	Store   meta.Store
	Prices  PriceTable
	Buckets func(ctx context.Context) ([]string, error)
	Logger  *slog.Logger
	// Now is the clock (time.Now by default).
	Now func() time.Time
	// Every is the period of folds and snapshot checks (5 s by default).
	Every time.Duration
	// Keep is how many days of snapshots stay (90 by default).
	Keep int
	// Owner names this gateway in the lease (random by default).
	Owner string
}

type lease struct {
	Owner string
	Until int64
}

func (w *Worker) defaults() {
	if w.Now == nil {
		w.Now = time.Now
	}
	if w.Every <= 0 {
		w.Every = 5 * time.Second
	}
	if w.Keep <= 0 {
		w.Keep = 90
	}
	if w.Logger == nil {
		w.Logger = slog.Default()
	}
	if w.Owner == "" {
		var b [8]byte
		_, _ = rand.Read(b[:])
		w.Owner = hex.EncodeToString(b[:])
	}
}

// Run works until ctx ends.
func (w *Worker) Run(ctx context.Context) {
	w.defaults()
	for {
		if err := w.Pass(ctx); err != nil && ctx.Err() == nil {
			w.Logger.Warn("usage counters: background pass failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(w.Every):
		}
	}
}

// Pass folds deltas and takes today's missing snapshots, when this
// gateway holds (or takes) the lease.
func (w *Worker) Pass(ctx context.Context) error {
	w.defaults()
	ok, err := w.claim(ctx)
	if err != nil || !ok {
		return err
	}
	if _, err := FoldAll(ctx, w.Store, 1000); err != nil {
		return err
	}
	names, err := w.Buckets(ctx)
	if err != nil {
		return err
	}
	day := w.Now().UTC().Format(time.DateOnly)
	for _, b := range names {
		if err := w.snapshot(ctx, b, day); err != nil {
			return err
		}
	}
	return nil
}

// claim takes or renews the lease for three periods.
func (w *Worker) claim(ctx context.Context) (bool, error) {
	now := w.Now()
	ok := false
	err := w.Store.Update(ctx, func(tx meta.Txn) error {
		ok = false
		var l lease
		v, err := tx.Get(ctx, []byte(leaseKey))
		switch {
		case err == nil:
			if err := json.Unmarshal(v, &l); err != nil {
				return fmt.Errorf("usage lease: %w", err)
			}
		case !errors.Is(err, meta.ErrNotFound):
			return err
		}
		if l.Owner != "" && l.Owner != w.Owner && l.Until > now.UnixNano() {
			return nil
		}
		ok = true
		raw, _ := json.Marshal(lease{Owner: w.Owner, Until: now.Add(3 * w.Every).UnixNano()})
		return tx.Set([]byte(leaseKey), raw)
	})
	if err != nil {
		return false, fmt.Errorf("claim usage lease: %w", err)
	}
	return ok, nil
}

// snapshot writes bucket's snapshot of day unless it exists, and drops
// snapshots past Keep days, in one transaction.
func (w *Worker) snapshot(ctx context.Context, bucket, day string) error {
	return w.Store.Update(ctx, func(tx meta.Txn) error {
		k := append(snapBase(bucket), day...)
		if _, err := tx.Get(ctx, k); err == nil {
			return nil
		} else if !errors.Is(err, meta.ErrNotFound) {
			return err
		}
		sc, err := ReadTx(ctx, tx, bucket)
		if err != nil {
			return err
		}
		if err := tx.Set(k, encodeScopes(largest(sc, snapPrefixes))); err != nil {
			return err
		}
		return w.dropOld(ctx, tx, bucket, day)
	})
}

// TakeSnapshot writes bucket's snapshot of the given day (YYYY-MM-DD)
// now, replacing one taken earlier that day.
func (w *Worker) TakeSnapshot(ctx context.Context, bucket string, day time.Time) error {
	return w.Store.Update(ctx, func(tx meta.Txn) error {
		sc, err := ReadTx(ctx, tx, bucket)
		if err != nil {
			return err
		}
		return tx.Set(append(snapBase(bucket), day.UTC().Format(time.DateOnly)...), encodeScopes(largest(sc, snapPrefixes)))
	})
}

func (w *Worker) dropOld(ctx context.Context, tx meta.Txn, bucket, today string) error {
	t, err := time.Parse(time.DateOnly, today)
	if err != nil {
		return err
	}
	cutoff := t.AddDate(0, 0, -w.Keep).Format(time.DateOnly)
	base := snapBase(bucket)
	var old [][]byte
	if _, err := scan(ctx, tx, base, -1, func(k, _ []byte) error {
		if string(k) < cutoff {
			old = append(old, append(append([]byte{}, base...), k...))
		}
		return nil
	}); err != nil {
		return err
	}
	for _, k := range old {
		if err := tx.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// largest keeps the bucket's own scope and the n largest prefixes.
func largest(sc Scopes, n int) Scopes {
	if len(sc) <= n+1 {
		return sc
	}
	type pc struct {
		p string
		b int64
	}
	var all []pc
	for p, c := range sc {
		if p != "" {
			all = append(all, pc{p, c.Bytes() + c.NoncurrentBytes() + c.UploadBytes + c.RestoredBytes})
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].b > all[j].b })
	out := Scopes{}
	if c := sc[""]; c != nil {
		out[""] = c
	}
	for _, x := range all[:n] {
		out[x.p] = sc[x.p]
	}
	return out
}

// History returns up to the last days snapshots of bucket, oldest first.
func (w *Worker) History(ctx context.Context, bucket string, days int) ([]Day, error) {
	var out []Day
	_, err := scan(ctx, w.Store, snapBase(bucket), -1, func(k, v []byte) error {
		sc := Scopes{}
		if err := decodeScopes(v, sc); err != nil {
			return err
		}
		d := Day{Date: string(k), Prefixes: []Scope{}}
		for p, c := range sc {
			d.Prefixes = append(d.Prefixes, NewScope(p, c, w.Prices))
		}
		sort.Slice(d.Prefixes, func(i, j int) bool { return d.Prefixes[i].Prefix < d.Prefixes[j].Prefix })
		out = append(out, d)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("usage history of %s: %w", bucket, err)
	}
	if len(out) > days {
		out = out[len(out)-days:]
	}
	return out, nil
}
