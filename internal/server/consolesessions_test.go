package server

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/hoard-s3/hoard/internal/meta/pebblemeta"
	"github.com/hoard-s3/hoard/internal/sse"
)

// A rotation seals live console sessions again under the new root key:
// they still open with only that key, and expired ones are left to purge.
func TestConsoleSessionsRewrap(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	m, err := pebblemeta.Open(filepath.Join(dir, "meta"))
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	kr, err := sse.LoadKeyring(dir)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	cs := &consoleSessions{store: m, seal: kr, now: func() time.Time { return now }}
	live, old := [32]byte{1}, [32]byte{2}
	if err := cs.Put(ctx, live, []byte("live session"), now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := cs.Put(ctx, old, []byte("expired session"), now.Add(-time.Minute)); err != nil {
		t.Fatal(err)
	}
	before, err := m.Get(ctx, sessionKey(live))
	if err != nil {
		t.Fatal(err)
	}
	newID, err := kr.Rotate()
	if err != nil {
		t.Fatal(err)
	}
	n, err := cs.rewrap(ctx)
	if err != nil || n != 1 {
		t.Fatalf("rewrap: %d, %v; want 1 live session", n, err)
	}
	after, err := m.Get(ctx, sessionKey(live))
	if err != nil || bytes.Equal(before, after) || !bytes.Equal(before[:8], after[:8]) {
		t.Fatalf("record not resealed with its expiry kept: %v", err)
	}
	keepOnlyRootKey(t, filepath.Join(dir, sse.KeyFileName), newID)
	only, err := sse.LoadKeyring(dir)
	if err != nil {
		t.Fatal(err)
	}
	cs.seal = only
	if rec, err := cs.Get(ctx, live); err != nil || string(rec) != "live session" {
		t.Fatalf("live session with the new key only: %q, %v", rec, err)
	}
}
