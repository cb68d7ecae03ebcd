package pebblemeta

import (
	"context"
	"fmt"
	"testing"

	"github.com/hoard-s3/hoard/internal/meta"
)

// Once the memtables have grown to full size (they are charged to the
// block cache), reads of flushed tables must still be served from the
// cache, not from the files.
func TestBlockCacheWorksWithFullMemtables(t *testing.T) {
	s, err := OpenWith(t.TempDir(), Options{MemTableSize: 2 << 20, CacheSize: 2 << 20})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	val := make([]byte, 4096)
	key := func(i int) []byte { return []byte(fmt.Sprintf("o/bucket/%07d", i)) }
	const n = 6000 // 24 MiB: many flushes of full 2 MiB memtables
	for lo := 0; lo < n; lo += 100 {
		err := s.Update(ctx, func(tx meta.Txn) error {
			for i := lo; i < lo+100; i++ {
				if err := tx.Set(key(i), val); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	before := s.Metrics().BlockCache
	for range 20 {
		for i := 0; i < 1000; i += 10 {
			if _, err := s.Get(ctx, key(i)); err != nil {
				t.Fatal(err)
			}
		}
	}
	after := s.Metrics().BlockCache
	hits, misses := after.Hits-before.Hits, after.Misses-before.Misses
	if after.Size == 0 || hits < 10*misses {
		t.Fatalf("block cache of %d bytes: %d hits, %d misses over repeated reads", after.Size, hits, misses)
	}
}
