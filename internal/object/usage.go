package object

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/hoard-s3/hoard/internal/meta"
	"github.com/hoard-s3/hoard/internal/usage"
)

// foldBatch is how many usage deltas one fold transaction sums.
const foldBatch = 1000

// usageDepthOf turns Config.UsageDepth into the depth in force.
func usageDepthOf(d int) int {
	switch {
	case d == 0:
		return usage.DefaultDepth
	case d < 0:
		return 0
	}
	return min(d, usage.MaxDepth)
}

// UsageDepth is how many levels of key prefixes have counters.
func (s *Service) UsageDepth() int { return s.usageDepth }

// Usage returns the exact usage counters of bucket, by prefix ("" for the
// whole bucket).
func (s *Service) Usage(ctx context.Context, bucket string) (usage.Scopes, error) {
	if _, err := s.bucket(ctx, s.raw, bucket); err != nil {
		return nil, err
	}
	sc, err := usage.Read(ctx, s.raw, bucket)
	if err != nil {
		return nil, err
	}
	if sc[""] == nil {
		sc[""] = &usage.Counters{}
	}
	return sc, nil
}

// UsageUnder returns the exact usage counters of prefix ("" for the
// whole bucket) and of the prefixes under it.
func (s *Service) UsageUnder(ctx context.Context, bucket, prefix string) (usage.Scopes, error) {
	if _, err := s.bucket(ctx, s.raw, bucket); err != nil {
		return nil, err
	}
	sc, err := usage.ReadUnder(ctx, s.raw, bucket, prefix)
	if err != nil {
		return nil, err
	}
	if sc[prefix] == nil {
		sc[prefix] = &usage.Counters{}
	}
	return sc, nil
}

// BucketUsage returns the exact usage counters of the whole bucket.
func (s *Service) BucketUsage(ctx context.Context, bucket string) (*usage.Counters, error) {
	return usage.ReadOne(ctx, s.raw, bucket, "")
}

// FoldUsage folds the deltas of every bucket into their base records, so
// that reads stay short; counters are exact whether or not it runs.
func (s *Service) FoldUsage(ctx context.Context) (int, error) {
	return usage.FoldAll(ctx, s.raw, foldBatch)
}

// Recount is what a recount found for one bucket.
type Recount struct {
	Bucket string
	// Before and After are the bucket's counters before and after.
	Before, After usage.Scopes
}

// Changed reports whether the recount corrected the counters.
func (r *Recount) Changed() bool {
	if len(r.Before) != len(r.After) {
		return true
	}
	for p, c := range r.After {
		b := r.Before[p]
		if b == nil || !b.Equal(c) {
			return true
		}
	}
	return false
}

// RecountUsage recomputes bucket's counters from a full scan of its
// records and replaces them, in one transaction (so it is exact while
// writers go on; on the embedded engine it holds writes back meanwhile).
func (s *Service) RecountUsage(ctx context.Context, bucket string) (*Recount, error) {
	rc := &Recount{Bucket: bucket}
	err := s.raw.Update(ctx, func(tx meta.Txn) error {
		if _, err := s.bucket(ctx, tx, bucket); err != nil {
			return err
		}
		var err error
		if rc.Before, err = usage.ReadTx(ctx, tx, bucket); err != nil {
			return err
		}
		if rc.After, err = s.scanUsage(ctx, tx, bucket); err != nil {
			return err
		}
		return usage.Replace(ctx, tx, bucket, rc.After)
	})
	if err != nil {
		return nil, fmt.Errorf("recount usage of %s: %w", bucket, err)
	}
	return rc, nil
}

// scanUsage counts bucket's records one by one.
func (s *Service) scanUsage(ctx context.Context, r meta.Reader, bucket string) (usage.Scopes, error) {
	d := usage.NewDelta(s.usageDepth)
	add := func(k, v []byte) error {
		ref, c := recordUsage(k, v)
		d.Add(ref.bucket, ref.key, &c, 1)
		return nil
	}
	for _, base := range [][]byte{objectBase(bucket), versionBase(bucket)} {
		if err := eachRecord(ctx, r, base, add); err != nil {
			return nil, err
		}
	}
	err := eachRecord(ctx, r, uploadBase(bucket), func(k, v []byte) error {
		ref, c := recordUsage(k, v)
		d.Add(ref.bucket, ref.key, &c, 1)
		_, id, _ := bytes.Cut(k, []byte{0})
		return eachRecord(ctx, r, partBase(string(id)), func(_, pv []byte) error {
			pc := partCounts(pv)
			d.Add(ref.bucket, ref.key, &pc, 1)
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	sc := d.Buckets()[bucket]
	if sc == nil {
		sc = usage.Scopes{}
	}
	return sc, nil
}

// eachRecord calls fn with every key (whole) and value under base.
func eachRecord(ctx context.Context, r meta.Reader, base []byte, fn func(k, v []byte) error) error {
	it, err := r.NewIter(ctx, base, meta.PrefixEnd(base))
	if err != nil {
		return err
	}
	defer it.Close()
	for ok := it.First(); ok; ok = it.Next() {
		v, err := it.Value()
		if err != nil {
			return err
		}
		if err := fn(bytes.Clone(it.Key()), v); err != nil {
			return err
		}
	}
	return it.Error()
}

// BucketNames lists every bucket of every account.
func (s *Service) BucketNames(ctx context.Context) ([]string, error) {
	var names []string
	err := eachRecord(ctx, s.raw, []byte(bucketPrefix), func(k, _ []byte) error {
		names = append(names, strings.TrimPrefix(string(k), bucketPrefix))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list buckets: %w", err)
	}
	return names, nil
}

// RecountAllUsage recounts every bucket.
func (s *Service) RecountAllUsage(ctx context.Context) ([]*Recount, error) {
	names, err := s.BucketNames(ctx)
	if err != nil {
		return nil, err
	}
	var out []*Recount
	for _, b := range names {
		rc, err := s.RecountUsage(ctx, b)
		if err != nil {
			return out, err
		}
		out = append(out, rc)
	}
	return out, nil
}

// PrepareUsage builds the counters of a data directory whose counters were
// never built or were built with another depth: it recounts every bucket
// and records the depth. Writes already count while it runs, and each
// bucket's recount replaces its counters exactly, so it is safe on a
// serving gateway.
func (s *Service) PrepareUsage(ctx context.Context, log *slog.Logger) error {
	if s.cfg.UsageOff {
		return nil
	}
	d, ok, err := usage.Depth(ctx, s.raw)
	if err != nil {
		return err
	}
	if ok && d == s.usageDepth {
		return nil
	}
	if log != nil {
		log.Info("building usage counters", "depth", s.usageDepth, "previous", d, "recorded", ok)
	}
	if _, err := s.RecountAllUsage(ctx); err != nil {
		return err
	}
	return s.raw.Update(ctx, func(tx meta.Txn) error { return usage.SetDepth(tx, s.usageDepth) })
}
