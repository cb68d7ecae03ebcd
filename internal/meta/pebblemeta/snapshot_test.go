package pebblemeta

import (
	"context"
	"errors"
	"testing"

	"github.com/hoard-s3/hoard/internal/meta"
)

// TestSnapshotIsFrozen: writes after the snapshot stay out of its reads
// and scans.
func TestSnapshotIsFrozen(t *testing.T) {
	ctx := context.Background()
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	set := func(k, v string) {
		if err := s.Update(ctx, func(tx meta.Txn) error { return tx.Set([]byte(k), []byte(v)) }); err != nil {
			t.Fatal(err)
		}
	}
	set("a", "1")
	set("b", "1")
	snap, err := s.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	set("a", "2")
	set("c", "2")
	if err := s.Update(ctx, func(tx meta.Txn) error { return tx.Delete([]byte("b")) }); err != nil {
		t.Fatal(err)
	}
	if v, err := snap.Get(ctx, []byte("a")); err != nil || string(v) != "1" {
		t.Errorf("a = %q, %v", v, err)
	}
	if _, err := snap.Get(ctx, []byte("c")); !errors.Is(err, meta.ErrNotFound) {
		t.Errorf("c seen: %v", err)
	}
	it, err := snap.NewIter(ctx, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	var keys string
	for ok := it.First(); ok; ok = it.Next() {
		keys += string(it.Key())
	}
	it.Close()
	if keys != "ab" {
		t.Errorf("snapshot scan = %q, want ab", keys)
	}
	if err := snap.Close(); err != nil {
		t.Fatal(err)
	}
}
