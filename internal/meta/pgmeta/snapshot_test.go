package pgmeta

import (
	"context"
	"errors"
	"testing"

	"github.com/hoard-s3/hoard/internal/meta"
)

// TestSnapshotIsFrozen: writes after the snapshot stay out of its reads
// and of two iterators paging in turn.
func TestSnapshotIsFrozen(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	set := func(k, v string) {
		if err := s.Update(ctx, func(tx meta.Txn) error { return tx.Set([]byte(k), []byte(v)) }); err != nil {
			t.Fatal(err)
		}
	}
	set("a1", "1")
	set("b1", "1")
	snap, err := s.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer snap.Close()
	set("a1", "2")
	set("a2", "2")
	if err := s.Update(ctx, func(tx meta.Txn) error { return tx.Delete([]byte("b1")) }); err != nil {
		t.Fatal(err)
	}
	if v, err := snap.Get(ctx, []byte("a1")); err != nil || string(v) != "1" {
		t.Errorf("a1 = %q, %v", v, err)
	}
	if _, err := snap.Get(ctx, []byte("a2")); !errors.Is(err, meta.ErrNotFound) {
		t.Errorf("a2 seen: %v", err)
	}
	ia, err := snap.NewIter(ctx, []byte("a"), []byte("b"))
	if err != nil {
		t.Fatal(err)
	}
	defer ia.Close()
	ib, err := snap.NewIter(ctx, []byte("b"), []byte("c"))
	if err != nil {
		t.Fatal(err)
	}
	defer ib.Close()
	var keys string
	for okA, okB := ia.First(), ib.First(); okA || okB; {
		if okA {
			keys += string(ia.Key())
			okA = ia.Next()
		}
		if okB {
			keys += string(ib.Key())
			okB = ib.Next()
		}
	}
	if err := errors.Join(ia.Error(), ib.Error()); err != nil {
		t.Fatal(err)
	}
	if keys != "a1b1" {
		t.Errorf("snapshot scan = %q, want a1b1", keys)
	}
}
