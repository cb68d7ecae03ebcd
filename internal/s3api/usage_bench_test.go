package s3api_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/hoard-s3/hoard/internal/server"
	"github.com/hoard-s3/hoard/internal/testserver"
)

// What the usage counters cost a 4 KiB PUT as a client sees it: 16 PUTs
// in flight of new keys two prefix levels deep (so every PUT updates the
// bucket's and two prefixes' counters), with the counters on (the
// default) and off. bench/usage.sh alternates the two.
func benchUsagePut(b *testing.B, opts ...testserver.Option) {
	srv := testserver.Start(b, opts...)
	c := srv.Client()
	ctx := context.Background()
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("bench")}); err != nil {
		b.Fatal(err)
	}
	data := make([]byte, 4<<10)
	rand.Read(data)
	var seq atomic.Int64
	b.SetBytes(int64(len(data)))
	b.SetParallelism(8) // 16 in flight on 2 cores
	start := cpuTime()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := seq.Add(1)
			_, err := c.PutObject(ctx, &s3.PutObjectInput{
				Bucket: aws.String("bench"), Key: aws.String(fmt.Sprintf("d%02d/e%02d/k%d", i%16, i%7, i)),
				Body: bytes.NewReader(data),
			})
			if err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
}

func BenchmarkUsagePut4KiB(b *testing.B) { benchUsagePut(b) }
func BenchmarkUsagePut4KiBOff(b *testing.B) {
	benchUsagePut(b, func(c *server.Config) { c.Usage.Off = true })
}
