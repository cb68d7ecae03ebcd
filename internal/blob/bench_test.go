package blob_test

import (
	"context"
	"testing"

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
