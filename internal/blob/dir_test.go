package blob_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"sync"
	"testing"

	"github.com/hoard-s3/hoard/internal/blob"
	"github.com/hoard-s3/hoard/internal/blob/faultfs"
)

func openDir(t testing.TB, fsys blob.FS) (*blob.Dir, string) {
	t.Helper()
	root := filepath.Join(t.TempDir(), "blobs")
	d, err := blob.OpenDir(root, fsys)
	if err != nil {
		t.Fatal(err)
	}
	return d, root
}

func randBytes(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, seed))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// put writes data in chunks of the given size and commits it.
func put(t testing.TB, d *blob.Dir, data []byte, chunk int) string {
	t.Helper()
	ctx := context.Background()
	w, err := d.Create(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for rest := data; len(rest) > 0; {
		n := min(chunk, len(rest))
		if m, err := w.Write(rest[:n]); err != nil || m != n {
			t.Fatalf("Write = %d, %v", m, err)
		}
		rest = rest[n:]
	}
	if err := w.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	return w.ID()
}

func readAll(t testing.TB, d *blob.Dir, id string) []byte {
	t.Helper()
	r, err := d.Open(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	got, err := io.ReadAll(io.NewSectionReader(r, 0, r.Size()))
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func countFiles(t testing.TB, root string) int {
	t.Helper()
	n, err := faultfs.New(blob.OS).CountFiles(root)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestWriteCommitRead(t *testing.T) {
	d, root := openDir(t, blob.OS)
	tests := []struct {
		name        string
		size, chunk int
	}{
		{"empty", 0, 1},
		{"one byte", 1, 1},
		{"small", 4 << 10, 1000},
		{"buffer minus one", 1<<20 - 1, 64 << 10},
		{"exact buffer", 1 << 20, 1 << 20},
		{"mixed writes", 3<<20 + 7, 700 << 10},
		{"large writes", 5 << 20, 2 << 20},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := randBytes(tt.size, uint64(i))
			id := put(t, d, data, tt.chunk)
			if _, err := os.Stat(filepath.Join(root, id[:2], id[2:4], id)); err != nil {
				t.Fatalf("committed file not in its fan-out place: %v", err)
			}
			if got := readAll(t, d, id); !bytes.Equal(got, data) {
				t.Fatalf("read back %d bytes, want %d (equal=%v)", len(got), len(data), bytes.Equal(got, data))
			}
		})
	}
	if n := countFiles(t, filepath.Join(root, "tmp")); n != 0 {
		t.Fatalf("%d temporary files left after commits", n)
	}
}

func TestAbortAndWriterStates(t *testing.T) {
	ctx := context.Background()
	d, root := openDir(t, blob.OS)
	w, err := d.Create(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(randBytes(2<<20, 1)); err != nil {
		t.Fatal(err)
	}
	if err := w.Abort(); err != nil {
		t.Fatal(err)
	}
	if n := countFiles(t, root); n != 0 {
		t.Fatalf("%d files after Abort", n)
	}
	if err := w.Commit(ctx); err == nil {
		t.Fatal("Commit after Abort succeeded")
	}
	if _, err := d.Open(ctx, w.ID()); !errors.Is(err, blob.ErrNotFound) {
		t.Fatalf("Open aborted blob: %v", err)
	}

	id := put(t, d, []byte("kept"), 4)
	w2, _ := d.Create(ctx)
	_, _ = w2.Write([]byte("x"))
	_ = w2.Commit(ctx)
	if err := w2.Abort(); err != nil {
		t.Fatalf("Abort after Commit: %v", err)
	}
	if err := w2.Commit(ctx); err != nil {
		t.Fatalf("second Commit: %v", err)
	}
	if _, err := w2.Write([]byte("more")); err == nil {
		t.Fatal("Write after Commit succeeded")
	}
	if string(readAll(t, d, w2.ID())) != "x" || string(readAll(t, d, id)) != "kept" {
		t.Fatal("committed blobs changed")
	}
}

func TestCanceledContext(t *testing.T) {
	d, root := openDir(t, blob.OS)
	ctx, cancel := context.WithCancel(context.Background())
	w, err := d.Create(ctx)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = w.Write([]byte("data"))
	cancel()
	if err := w.Commit(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Commit with canceled ctx: %v", err)
	}
	if _, err := d.Create(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Create with canceled ctx: %v", err)
	}
	if n := countFiles(t, root); n != 0 {
		t.Fatalf("%d files after canceled commit", n)
	}
}

var idRE = regexp.MustCompile(`^[0-9a-f]{32}$`)

func TestIDsAreRandomAndChecked(t *testing.T) {
	ctx := context.Background()
	d, _ := openDir(t, blob.OS)
	seen := map[string]bool{}
	for range 200 {
		w, err := d.Create(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !idRE.MatchString(w.ID()) || seen[w.ID()] {
			t.Fatalf("bad or repeated id %q", w.ID())
		}
		seen[w.ID()] = true
		_ = w.Abort()
	}
	for _, id := range []string{"", "tmp", "../../../etc/passwd", "0123456789ABCDEF0123456789abcdef",
		"0123456789abcdef0123456789abcde/", "0123456789abcdef0123456789abcdef0", "..\x00"} {
		if _, err := d.Open(ctx, id); !errors.Is(err, blob.ErrNotFound) || !errors.Is(err, blob.ErrInvalidID) {
			t.Errorf("Open(%q) = %v, want ErrNotFound and ErrInvalidID", id, err)
		}
		if err := d.Delete(ctx, id); !errors.Is(err, blob.ErrInvalidID) {
			t.Errorf("Delete(%q) = %v, want ErrInvalidID", id, err)
		}
	}
}

func TestDelete(t *testing.T) {
	ctx := context.Background()
	d, _ := openDir(t, blob.OS)
	id := put(t, d, []byte("data"), 4)
	if err := d.Delete(ctx, id); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Open(ctx, id); !errors.Is(err, blob.ErrNotFound) {
		t.Fatalf("Open after Delete: %v", err)
	}
	if err := d.Delete(ctx, id); err != nil {
		t.Fatalf("Delete of a missing blob: %v", err)
	}
}

func TestOpenDirClearsTmp(t *testing.T) {
	ctx := context.Background()
	d, root := openDir(t, blob.OS)
	id := put(t, d, []byte("committed"), 9)
	w, _ := d.Create(ctx)
	_, _ = w.Write([]byte("interrupted"))
	// The process "dies" here: w is never committed or aborted.
	if n := countFiles(t, filepath.Join(root, "tmp")); n != 1 {
		t.Fatalf("%d temporary files, want 1", n)
	}
	d, err := blob.OpenDir(root, blob.OS)
	if err != nil {
		t.Fatal(err)
	}
	if n := countFiles(t, filepath.Join(root, "tmp")); n != 0 {
		t.Fatalf("%d temporary files after OpenDir", n)
	}
	if string(readAll(t, d, id)) != "committed" {
		t.Fatal("committed blob lost on OpenDir")
	}
}

// TestConcurrentCommits runs writers in parallel; they share fan-out
// directories and the directory-creation path.
func TestConcurrentCommits(t *testing.T) {
	d, root := openDir(t, blob.OS)
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			for j := range 4 {
				data := randBytes(1000+j, uint64(i*10+j))
				if err := writeAll(context.Background(), d, data); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if n := countFiles(t, root); n != 64 {
		t.Fatalf("%d files, want 64", n)
	}
}
