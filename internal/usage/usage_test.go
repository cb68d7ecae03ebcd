package usage

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hoard-s3/hoard/internal/meta"
	"github.com/hoard-s3/hoard/internal/meta/pebblemeta"
)

var ctx = context.Background()

func openStore(t *testing.T) meta.Store {
	t.Helper()
	m, err := pebblemeta.Open(filepath.Join(t.TempDir(), "meta"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

func TestCountersRoundTrip(t *testing.T) {
	c := Counters{Classes: map[string]ClassCount{"STANDARD": {1, 2, 3, 4}, "GLACIER": {-5, 6, 0, 1 << 40}},
		DeleteMarkers: 7, Uploads: 8, UploadParts: 9, UploadBytes: -10, RestoredObjects: 11, RestoredBytes: 12}
	got, err := Decode(c.Encode())
	if err != nil || !got.Equal(&c) {
		t.Fatalf("round trip: %+v %v, want %+v", got, err, c)
	}
	for _, bad := range [][]byte{nil, {2}, c.Encode()[:5], append(c.Encode(), 0)} {
		if _, err := Decode(bad); err == nil {
			t.Fatalf("Decode(%x) accepted", bad)
		}
	}
}

// TestFoldKeepsTotals: reads give the same answer before and after
// folding, and folding leaves no delta behind.
func TestFoldKeepsTotals(t *testing.T) {
	m := openStore(t)
	one := &Counters{Classes: map[string]ClassCount{"STANDARD": {Objects: 1, Bytes: 100}}}
	for i := range 25 {
		d := NewDelta(2)
		d.Add("b1", "a/b/c", one, 1)
		if i%5 == 0 {
			d.Add("b2", "x", one, 1)
			d.Add("b1", "a/z", one, -1)
		}
		if err := m.Update(ctx, func(tx meta.Txn) error { return Write(tx, d, time.Now()) }); err != nil {
			t.Fatal(err)
		}
	}
	before, err := Read(ctx, m, "b1")
	if err != nil {
		t.Fatal(err)
	}
	if got := before[""].Bytes(); got != 2000 {
		t.Fatalf("b1 bytes %d, want 2000", got)
	}
	if got := before["a/b/"].Objects(); got != 25 {
		t.Fatalf("a/b/ objects %d, want 25", got)
	}
	pending, err := PendingBuckets(ctx, m)
	if err != nil || len(pending) != 2 || pending[0] != "b1" || pending[1] != "b2" {
		t.Fatalf("pending %q %v", pending, err)
	}
	if n, err := FoldAll(ctx, m, 7); err != nil || n != 30 {
		t.Fatalf("fold: %d %v, want 30", n, err)
	}
	after, err := Read(ctx, m, "b1")
	if err != nil {
		t.Fatal(err)
	}
	for p, c := range before {
		if !after[p].Equal(c) {
			t.Fatalf("prefix %q: %+v after folding, %+v before", p, after[p], c)
		}
	}
	if pending, _ := PendingBuckets(ctx, m); len(pending) != 0 {
		t.Fatalf("deltas left after folding: %q", pending)
	}
}

// TestWorkerSnapshotsAndLease: a pass folds and takes one snapshot a day
// per bucket; a second gateway waits while the first holds the lease; old
// snapshots go.
func TestWorkerSnapshotsAndLease(t *testing.T) {
	m := openStore(t)
	now := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	buckets := func(context.Context) ([]string, error) { return []string{"b1"}, nil }
	add := func(n int64) {
		d := NewDelta(1)
		d.Add("b1", "p/k", &Counters{Classes: map[string]ClassCount{"STANDARD": {Objects: 1, Bytes: n}}}, 1)
		if err := m.Update(ctx, func(tx meta.Txn) error { return Write(tx, d, now) }); err != nil {
			t.Fatal(err)
		}
	}
	w1 := &Worker{Store: m, Prices: DefaultPrices(), Buckets: buckets, Now: clock, Owner: "one", Keep: 2}
	w2 := &Worker{Store: m, Prices: DefaultPrices(), Buckets: buckets, Now: clock, Owner: "two", Keep: 2}
	for day := range 4 {
		add(100)
		if err := w1.Pass(ctx); err != nil {
			t.Fatal(err)
		}
		add(1) // after today's snapshot: shows tomorrow
		if err := w1.Pass(ctx); err != nil {
			t.Fatal(err)
		}
		if ok, err := w2.claim(ctx); err != nil || ok {
			t.Fatalf("day %d: the second gateway took a held lease: %v %v", day, ok, err)
		}
		now = now.Add(24 * time.Hour)
	}
	if pending, _ := PendingBuckets(ctx, m); len(pending) != 0 {
		t.Fatalf("passes left deltas: %q", pending)
	}
	days, err := w1.History(ctx, "b1", 10)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range days {
		for _, p := range d.Prefixes {
			if p.Prefix == "p/" {
				got = append(got, d.Date+"="+fmt.Sprint(p.Bytes))
			}
		}
	}
	// Keep 2 days: the snapshots of May 2 to 4 (May 4 is day 3's, its
	// cutoff May 2); each holds the day's 100 and the days before.
	want := "2026-05-02=201 2026-05-03=302 2026-05-04=403"
	if strings.Join(got, " ") != want {
		t.Fatalf("history %q, want %q", got, want)
	}
	// Past the lease (three periods), the second gateway takes over.
	now = now.Add(time.Minute)
	if ok, err := w2.claim(ctx); err != nil || !ok {
		t.Fatalf("expired lease not taken: %v %v", ok, err)
	}
}
