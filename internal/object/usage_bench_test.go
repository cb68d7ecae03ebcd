package object

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/hoard-s3/hoard/internal/blob"
	"github.com/hoard-s3/hoard/internal/meta"
)

// What the usage counters cost a 4 KiB PUT in the object service alone
// (no HTTP, no signature): 16 PUTs in flight of new keys two prefix levels
// deep, counters on and off; and, for comparison, off but with every
// commit also incrementing one shared counter key (the design the
// counters avoid), to show what contention on one row costs. attempts/op
// counts how often each commit's function ran: above 1, transactions
// conflicted and were retried (PostgreSQL; Pebble never retries). With
// HOARD_TEST_META=postgres it measures PostgreSQL. bench/usage.sh
// alternates the variants.
func benchServicePut(b *testing.B, off, shared bool) {
	dir := b.TempDir()
	m := openTestMeta(b, dir)
	b.Cleanup(func() { m.Close() })
	blobs, err := blob.OpenDir(dir+"/blobs", blob.OS)
	if err != nil {
		b.Fatal(err)
	}
	cs := &attemptCounter{Store: m, shared: shared}
	s := New(cs, blobs, Config{UsageOff: off})
	if err := s.CreateBucket(ctx, "bench", "us-east-1", "owner"); err != nil {
		b.Fatal(err)
	}
	data := make([]byte, 4<<10)
	var seq atomic.Int64
	b.SetBytes(int64(len(data)))
	b.SetParallelism(8)
	stop := reportCPU(b)
	cs.attempts.Store(0)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := seq.Add(1)
			_, err := s.PutObject(ctx, PutInput{Bucket: "bench", Key: fmt.Sprintf("d%02d/e%02d/k%d", i%16, i%7, i),
				Body: bytes.NewReader(data), Size: int64(len(data))})
			if err != nil {
				b.Error(err)
				return
			}
		}
	})
	stop()
	b.ReportMetric(float64(cs.attempts.Load())/float64(b.N), "attempts/op")
}

// attemptCounter counts the runs of each transaction's function and, when
// shared, makes every transaction that writes also add one to a single
// counter key.
type attemptCounter struct {
	meta.Store
	shared   bool
	attempts atomic.Int64
}

var sharedCounterKey = []byte("bench/shared-counter")

func (c *attemptCounter) Update(ctx context.Context, fn func(meta.Txn) error) error {
	return c.Store.Update(ctx, func(tx meta.Txn) error {
		c.attempts.Add(1)
		if err := fn(tx); err != nil || !c.shared {
			return err
		}
		var n uint64
		v, err := tx.Get(ctx, sharedCounterKey)
		switch {
		case err == nil && len(v) == 8:
			n = binary.BigEndian.Uint64(v)
		case err != nil && !errors.Is(err, meta.ErrNotFound):
			return err
		}
		return tx.Set(sharedCounterKey, binary.BigEndian.AppendUint64(nil, n+1))
	})
}

func BenchmarkUsageServicePut4KiB(b *testing.B)       { benchServicePut(b, false, false) }
func BenchmarkUsageServicePut4KiBOff(b *testing.B)    { benchServicePut(b, true, false) }
func BenchmarkUsageServicePut4KiBShared(b *testing.B) { benchServicePut(b, true, true) }
