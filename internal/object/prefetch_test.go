package object

import (
	"bytes"
	"context"
	"sync/atomic"
	"testing"

	"github.com/hoard-s3/hoard/internal/blob"
	"github.com/hoard-s3/hoard/internal/meta"
)

// readCounter counts reads outside transactions, and reads inside them
// that their Prefetch did not cover.
type readCounter struct {
	meta.Store
	outside, missed atomic.Int64
}

func (c *readCounter) Get(ctx context.Context, k []byte) ([]byte, error) {
	c.outside.Add(1)
	return c.Store.Get(ctx, k)
}

func (c *readCounter) Update(ctx context.Context, fn func(meta.Txn) error) error {
	return c.Store.Update(ctx, func(tx meta.Txn) error { return fn(&readCountingTxn{Txn: tx, c: c}) })
}

type readCountingTxn struct {
	meta.Txn
	c       *readCounter
	fetched map[string]bool
}

func (t *readCountingTxn) Prefetch(ctx context.Context, keys ...[]byte) error {
	t.fetched = map[string]bool{}
	for _, k := range keys {
		t.fetched[string(k)] = true
	}
	return meta.Prefetch(ctx, t.Txn, keys...)
}

func (t *readCountingTxn) Get(ctx context.Context, k []byte) ([]byte, error) {
	if !t.fetched[string(k)] {
		t.c.missed.Add(1)
	}
	return t.Txn.Get(ctx, k)
}

// The commit of a PUT to an unversioned bucket reads only what it read
// ahead: on a remote engine its transaction is two round trips.
func TestPutCommitReadsAhead(t *testing.T) {
	e := newEnv(t)
	e.bucket(t, "bkt")
	c := &readCounter{Store: e.meta}
	blobs, err := blob.OpenDir(t.TempDir(), blob.OS)
	if err != nil {
		t.Fatal(err)
	}
	s := New(c, blobs, Config{InlineThreshold: testThreshold, Now: e.clock.Now})
	for _, size := range []int{100, 3 * testThreshold} {
		for _, key := range []string{"new", "new"} { // a new key, then an overwrite
			c.outside.Store(0)
			c.missed.Store(0)
			body := randBytes(size)
			if _, err := s.PutObject(ctx, PutInput{Bucket: "bkt", Key: key, Body: bytes.NewReader(body), Size: int64(size)}); err != nil {
				t.Fatal(err)
			}
			t.Logf("%d-byte PUT of %s: %d reads before the transaction, %d in it not read ahead", size, key, c.outside.Load(), c.missed.Load())
			if c.missed.Load() != 0 {
				t.Fatalf("%d-byte PUT: %d reads in the commit beyond its prefetch", size, c.missed.Load())
			}
		}
	}
}
