package outbox

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/hoard-s3/hoard/internal/meta"
)

// KindStats describes the records of one kind waiting in the outbox.
type KindStats struct {
	Kind    string
	Records int64
	Bytes   int64
	// Oldest is the append time of the oldest waiting record (zero when
	// none waits).
	Oldest time.Time
}

// Stats reads, from the metadata, what waits in the outbox per kind, and
// refreshes the outbox's "full" flag from the totals.
func (o *Outbox) Stats(ctx context.Context) (map[string]*KindStats, error) {
	out := map[string]*KindStats{}
	add := func(k []byte, c counter, sign int64) {
		kind, _, ok := splitShardKey(k)
		if !ok {
			return
		}
		s := out[kind]
		if s == nil {
			s = &KindStats{Kind: kind}
			out[kind] = s
		}
		s.Records += sign * c.Count
		s.Bytes += sign * c.Bytes
	}
	if err := scanCounters(ctx, o.store, []byte(prefix+"c/"), func(k []byte, c counter) { add(k, c, 1) }); err != nil {
		return nil, err
	}
	if err := scanCounters(ctx, o.store, []byte(prefix+"d/"), func(k []byte, c counter) { add(k, c, -1) }); err != nil {
		return nil, err
	}
	var recs, size int64
	for kind, s := range out {
		recs += s.Records
		size += s.Bytes
		if s.Records > 0 {
			oldest, err := o.oldest(ctx, kind)
			if err != nil {
				return nil, err
			}
			s.Oldest = oldest
		}
	}
	full := o.limits.MaxRecords > 0 && recs >= o.limits.MaxRecords ||
		o.limits.MaxBytes > 0 && size >= o.limits.MaxBytes
	if was := o.full.Swap(full); was != full {
		if full {
			o.log.Warn("outbox full: new records are dropped until it drains",
				"records", recs, "bytes", size, "max_records", o.limits.MaxRecords, "max_bytes", o.limits.MaxBytes)
		} else {
			o.log.Info("outbox no longer full", "records", recs, "bytes", size)
		}
	}
	return out, nil
}

// oldest is the earliest append time among the heads of kind's shards.
func (o *Outbox) oldest(ctx context.Context, kind string) (time.Time, error) {
	var oldest time.Time
	for shard := 0; shard < o.shards; shard++ {
		it, err := headIter(ctx, o.store, kind, shard)
		if err != nil {
			return time.Time{}, err
		}
		if it.Valid() {
			v, err := it.Value()
			if err == nil {
				var r Record
				if r, err = decodeRecord(kind, shard, it.Key(), v); err == nil && (oldest.IsZero() || r.Time.Before(oldest)) {
					oldest = r.Time
				}
			}
			if err != nil {
				it.Close()
				return time.Time{}, err
			}
		}
		err = it.Error()
		it.Close()
		if err != nil {
			return time.Time{}, err
		}
	}
	return oldest, nil
}

func scanCounters(ctx context.Context, r meta.Reader, base []byte, fn func([]byte, counter)) error {
	it, err := r.NewIter(ctx, base, meta.PrefixEnd(base))
	if err != nil {
		return fmt.Errorf("outbox: scan: %w", err)
	}
	defer it.Close()
	for ok := it.First(); ok; ok = it.Next() {
		k := append([]byte(nil), it.Key()...)
		c, err := readCounter(ctx, r, k)
		if err != nil {
			return err
		}
		fn(k[len(base):], c)
	}
	return it.Error()
}

// splitShardKey parses "<kind>/<shard hex>".
func splitShardKey(k []byte) (string, int, bool) {
	i := bytes.LastIndexByte(k, '/')
	if i <= 0 {
		return "", 0, false
	}
	n, err := strconv.ParseUint(string(k[i+1:]), 16, 32)
	if err != nil {
		return "", 0, false
	}
	return string(k[:i]), int(n), true
}
