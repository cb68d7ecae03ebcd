package blob_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/hoard-s3/hoard/internal/blob"
)

// Blobs around the O_DIRECT boundaries (exactly one buffer, a buffer plus
// an unaligned tail, writes larger than the buffer) read back intact.
func TestDirectWritesRoundTrip(t *testing.T) {
	ctx := context.Background()
	d, _ := openDir(t, blob.OS)
	const mib = 1 << 20
	for _, tt := range []struct {
		size, chunk int
	}{
		{mib - 1, 4096}, {mib, mib}, {mib + 1, 7}, {3*mib + 4097, 256 << 10}, {5*mib + 123, 3 * mib}, {2 * mib, 1},
	} {
		if tt.chunk == 1 && testing.Short() {
			continue
		}
		data := randBytes(tt.size, uint64(tt.size))
		w, err := d.Create(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for p := data; len(p) > 0; {
			n := min(tt.chunk, len(p))
			if _, err := w.Write(p[:n]); err != nil {
				t.Fatalf("size %d: write: %v", tt.size, err)
			}
			p = p[n:]
		}
		if err := w.Commit(ctx); err != nil {
			t.Fatalf("size %d: commit: %v", tt.size, err)
		}
		if got := readAll(t, d, w.ID()); !bytes.Equal(got, data) {
			t.Fatalf("size %d chunk %d: content differs", tt.size, tt.chunk)
		}
	}
}
