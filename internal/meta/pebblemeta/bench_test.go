package pebblemeta

import (
	"bytes"
	"context"
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/hoard-s3/hoard/internal/meta"
)

// BenchmarkUpdateParallel measures small durable commits from 64 goroutines,
// the shape of many concurrent small PUTs. It compares waiting for the fsync
// after releasing the commit lock (the default) with syncing under it.
func BenchmarkUpdateParallel(b *testing.B) {
	for _, mode := range []struct {
		name          string
		syncUnderLock bool
	}{{"syncAfterUnlock", false}, {"syncUnderLock", true}} {
		b.Run(mode.name, func(b *testing.B) {
			s, err := OpenWith(b.TempDir(), Options{syncUnderLock: mode.syncUnderLock})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			ctx := context.Background()
			value := bytes.Repeat([]byte("v"), 256)
			var seq atomic.Uint64
			// SetParallelism multiplies GOMAXPROCS; aim for 64 goroutines.
			b.SetParallelism((64 + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					key := fmt.Appendf(nil, "bucket/object-%012d", seq.Add(1))
					err := s.Update(ctx, func(tx meta.Txn) error { return tx.Set(key, value) })
					if err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}

// fill writes n keys "k/%08d" with 256-byte values in batches.
func fill(b *testing.B, s *Store, n int) {
	value := bytes.Repeat([]byte("v"), 256)
	for start := 0; start < n; start += 1000 {
		err := s.Update(context.Background(), func(tx meta.Txn) error {
			for i := start; i < min(start+1000, n); i++ {
				if err := tx.Set(fmt.Appendf(nil, "k/%08d", i), value); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkGet(b *testing.B) {
	const n = 100_000
	s, err := Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	fill(b, s, n)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, err := s.Get(ctx, fmt.Appendf(nil, "k/%08d", (i*7919)%n)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkScan reads 1000 consecutive keys per op, like one listing page.
func BenchmarkScan(b *testing.B) {
	const n, page = 100_000, 1000
	s, err := Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	fill(b, s, n)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		it, err := s.NewIter(ctx, []byte("k/"), meta.PrefixEnd([]byte("k/")))
		if err != nil {
			b.Fatal(err)
		}
		got := 0
		for ok := it.SeekGE(fmt.Appendf(nil, "k/%08d", (i*page)%(n-page))); ok && got < page; ok = it.Next() {
			if _, err := it.Value(); err != nil {
				b.Fatal(err)
			}
			got++
		}
		if err := it.Close(); err != nil || got != page {
			b.Fatalf("scanned %d keys, err %v", got, err)
		}
	}
	b.ReportMetric(float64(page*b.N)/b.Elapsed().Seconds(), "keys/s")
}
