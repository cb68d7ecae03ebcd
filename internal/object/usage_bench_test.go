package object

import (
	"bytes"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/hoard-s3/hoard/internal/blob"
)

// What the usage counters cost a 4 KiB PUT in the object service alone
// (no HTTP, no signature): 16 PUTs in flight of new keys two prefix levels
// deep, counters on and off. With HOARD_TEST_META=postgres it measures
// PostgreSQL. bench/usage.sh alternates the two.
func benchServicePut(b *testing.B, off bool) {
	dir := b.TempDir()
	m := openTestMeta(b, dir)
	b.Cleanup(func() { m.Close() })
	blobs, err := blob.OpenDir(dir+"/blobs", blob.OS)
	if err != nil {
		b.Fatal(err)
	}
	s := New(m, blobs, Config{UsageOff: off})
	if err := s.CreateBucket(ctx, "bench", "us-east-1", "owner"); err != nil {
		b.Fatal(err)
	}
	data := make([]byte, 4<<10)
	var seq atomic.Int64
	b.SetBytes(int64(len(data)))
	b.SetParallelism(8)
	stop := reportCPU(b)
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
}

func BenchmarkUsageServicePut4KiB(b *testing.B)    { benchServicePut(b, false) }
func BenchmarkUsageServicePut4KiBOff(b *testing.B) { benchServicePut(b, true) }
