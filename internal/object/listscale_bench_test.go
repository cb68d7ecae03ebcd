package object

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/hoard-s3/hoard/internal/blob"
	"github.com/hoard-s3/hoard/internal/meta"
	"github.com/hoard-s3/hoard/internal/meta/pebblemeta"
)

// BenchmarkListPageScale lists one 1,000-key page from buckets of 1,000
// and 1,000,000 keys, at the start and from the middle (a continuation).
// A page is a bounded seek plus a scan of the page, so its cost must not
// depend on the bucket's size. The records are written straight into the
// metadata store (10,000 per transaction) so that loading a million keys
// takes seconds, not the minutes of a million PUTs.
func BenchmarkListPageScale(b *testing.B) {
	for _, n := range []int{1_000, 1_000_000} {
		if n > 1_000 && testing.Short() {
			continue
		}
		b.Run(fmt.Sprintf("keys=%d", n), func(b *testing.B) {
			s := loadedService(b, n)
			for _, from := range []struct {
				name  string
				after string
			}{{"first", ""}, {"middle", scaleKey(n / 2)}} {
				b.Run(from.name, func(b *testing.B) {
					ctx := context.Background()
					b.ReportAllocs()
					for b.Loop() {
						res, err := s.ListObjects(ctx, ListInput{Bucket: "scale", After: from.after, MaxKeys: MaxListKeys})
						if err != nil {
							b.Fatal(err)
						}
						if want := min(MaxListKeys, n); len(res.Objects) != want && from.after == "" {
							b.Fatalf("%d keys, want %d", len(res.Objects), want)
						}
					}
				})
			}
		})
	}
}

func scaleKey(i int) string { return fmt.Sprintf("d%02d/obj-%07d", i%100, i) }

func loadedService(b *testing.B, n int) *Service {
	dir := b.TempDir()
	m, err := pebblemeta.Open(filepath.Join(dir, "meta"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { m.Close() })
	blobs, err := blob.OpenDir(filepath.Join(dir, "blobs"), blob.OS)
	if err != nil {
		b.Fatal(err)
	}
	s := New(m, blobs, Config{Encryption: EncryptionOff})
	ctx := context.Background()
	if err := s.CreateBucket(ctx, "scale", "us-east-1", "owner"); err != nil {
		b.Fatal(err)
	}
	rec := (&record{ModTime: time.Now().UnixNano(), ETag: make([]byte, 16), Inline: []byte{}}).encode()
	const batch = 10_000
	for lo := 0; lo < n; lo += batch {
		err := m.Update(ctx, func(tx meta.Txn) error {
			for i := lo; i < min(lo+batch, n); i++ {
				if err := tx.Set(objectKey("scale", scaleKey(i)), rec); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	return s
}
