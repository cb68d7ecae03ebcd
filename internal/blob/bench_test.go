package blob_test

import (
	"context"
	"syscall"
	"testing"
	"time"

	"github.com/hoard-s3/hoard/internal/blob"
)

// BenchmarkCreateWriteCommit measures a durable 1 MiB blob: create, write,
// fsync, rename, directory fsync.
func BenchmarkCreateWriteCommit(b *testing.B) {
	ctx := context.Background()
	d, _ := openDir(b, blob.OS)
	data := randBytes(1<<20, 1)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if err := writeAll(ctx, d, data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWrite64MiB writes a durable 64 MiB blob in 256 KiB writes (as
// an upload does), through the page cache and with O_DIRECT. cpu-ms/op is
// the process's user+system time: the figure to compare on a busy machine.
func BenchmarkWrite64MiB(b *testing.B) {
	for _, direct := range []bool{false, true} {
		name := map[bool]string{false: "buffered", true: "direct"}[direct]
		b.Run(name, func(b *testing.B) {
			defer blob.SetDirectWrites(blob.SetDirectWrites(direct))
			ctx := context.Background()
			d, _ := openDir(b, blob.OS)
			data := randBytes(64<<20, 1)
			b.SetBytes(int64(len(data)))
			start := cpuTime()
			for b.Loop() {
				w, err := d.Create(ctx)
				if err != nil {
					b.Fatal(err)
				}
				for p := data; len(p) > 0; p = p[256<<10:] {
					if _, err := w.Write(p[:256<<10]); err != nil {
						b.Fatal(err)
					}
				}
				if err := w.Commit(ctx); err != nil {
					b.Fatal(err)
				}
				if err := d.Delete(ctx, w.ID()); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(cpuTime()-start)/float64(b.N)/1e6, "cpu-ms/op")
		})
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
