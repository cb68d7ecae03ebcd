package object

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/hoard-s3/hoard/internal/blob"
)

// testEnv is a service over the real engines in a temporary directory.
type testEnv struct {
	*Service
	t       *testing.T
	blobDir string
	dir     *blob.Dir
	clock   *fakeClock
}

type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

const testThreshold = 1024

func newEnv(t testing.TB) *testEnv {
	return newEnvFS(t, blob.OS)
}

func newEnvFS(t testing.TB, fs blob.FS) *testEnv {
	t.Helper()
	dir := t.TempDir()
	m := openTestMeta(t, dir)
	t.Cleanup(func() { m.Close() })
	blobDir := filepath.Join(dir, "blobs")
	b, err := blob.OpenDir(blobDir, fs)
	if err != nil {
		t.Fatalf("open blobs: %v", err)
	}
	clock := &fakeClock{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	s := New(m, b, Config{InlineThreshold: testThreshold, Now: clock.Now})
	e := &testEnv{Service: s, blobDir: blobDir, dir: b, clock: clock}
	if tt, ok := t.(*testing.T); ok {
		e.t = tt
	}
	return e
}

var ctx = context.Background()

func (e *testEnv) bucket(t testing.TB, name string) {
	t.Helper()
	if err := e.CreateBucket(ctx, name, "us-east-1", "owner"); err != nil {
		t.Fatalf("create bucket %s: %v", name, err)
	}
}

func (e *testEnv) put(t testing.TB, bucket, key string, data []byte) *ObjectInfo {
	t.Helper()
	info, err := e.PutObject(ctx, PutInput{Bucket: bucket, Key: key, Body: bytes.NewReader(data), Size: int64(len(data))})
	if err != nil {
		t.Fatalf("put %s/%s: %v", bucket, key, err)
	}
	return info
}

func (e *testEnv) read(t testing.TB, bucket, key string) []byte {
	t.Helper()
	r, err := e.GetObject(ctx, GetInput{Bucket: bucket, Key: key})
	if err != nil {
		t.Fatalf("get %s/%s: %v", bucket, key, err)
	}
	defer r.Body.Close()
	b, err := io.ReadAll(r.Body)
	if err != nil {
		t.Fatalf("read %s/%s: %v", bucket, key, err)
	}
	return b
}

// blobFiles counts regular files under the blob directory (committed and
// temporary alike).
func (e *testEnv) blobFiles(t testing.TB) int {
	t.Helper()
	n := 0
	err := filepath.WalkDir(e.blobDir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			n++
		}
		return nil
	})
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("walk blobs: %v", err)
	}
	return n
}

func randBytes(n int) []byte {
	b := make([]byte, n)
	r := rand.New(rand.NewPCG(uint64(n), 7))
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func md5hex(b []byte) string {
	s := md5.Sum(b)
	return hex.EncodeToString(s[:])
}

func wantErr(t testing.TB, err, want error) {
	t.Helper()
	if want == nil {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return
	}
	if !errors.Is(err, want) {
		t.Fatalf("error = %v, want %v", err, want)
	}
}
