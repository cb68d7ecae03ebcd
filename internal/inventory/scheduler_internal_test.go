package inventory

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hoard-s3/hoard/internal/blob"
	"github.com/hoard-s3/hoard/internal/meta/pebblemeta"
	"github.com/hoard-s3/hoard/internal/object"
)

type engines struct {
	store *pebblemeta.Store
	svc   *object.Service
}

func openEngines(t *testing.T, dir string) *engines {
	t.Helper()
	store, err := pebblemeta.OpenWith(filepath.Join(dir, "meta"), pebblemeta.Options{})
	if err != nil {
		t.Fatal(err)
	}
	blobs, err := blob.OpenDir(filepath.Join(dir, "blobs"), blob.OS)
	if err != nil {
		t.Fatal(err)
	}
	return &engines{store: store, svc: object.New(store, blobs, object.Config{})}
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// clock is a settable time source shared by schedulers.
type clock struct{ ns atomic.Int64 }

func (c *clock) now() time.Time      { return time.Unix(0, c.ns.Load()) }
func (c *clock) add(d time.Duration) { c.ns.Add(int64(d)) }
func newClock(t time.Time) *clock    { c := &clock{}; c.ns.Store(t.UnixNano()); return c }
func (e *engines) sched(owner string, clk *clock) *Scheduler {
	return NewScheduler(e.svc, e.store, SchedulerConfig{Day: time.Hour, Lease: time.Minute, Owner: owner,
		Logger: quiet(), Now: clk.now})
}

func setup(t *testing.T, ctx context.Context, e *engines) {
	t.Helper()
	for _, b := range []string{"src", "dst"} {
		if err := e.svc.CreateBucket(ctx, b, "us-east-1", "owner"); err != nil {
			t.Fatal(err)
		}
	}
	for _, k := range []string{"a", "b", "c"} {
		if _, err := e.svc.PutObject(ctx, object.PutInput{Bucket: "src", Key: k, Body: bytes.NewReader([]byte(k)), Size: 1}); err != nil {
			t.Fatal(err)
		}
	}
	c := &object.InventoryConfiguration{ID: "d", Enabled: true, Versions: object.InventoryCurrent, Frequency: object.InventoryDaily,
		Destination: object.InventoryDestination{BucketARN: "arn:aws:s3:::dst", Format: object.InventoryCSV}}
	if err := e.svc.PutBucketInventory(ctx, "src", "d", c); err != nil {
		t.Fatal(err)
	}
}

func pass(t *testing.T, ctx context.Context, s *Scheduler, want int) {
	t.Helper()
	n, err := s.Pass(ctx)
	if err != nil || n != want {
		t.Fatalf("pass wrote %d reports (%v), want %d", n, err, want)
	}
}

// TestSchedulerLeaseAndRestart: a report whose gateway died is written
// by another once the lease runs out, exactly once a period, and a
// restarted server remembers the period is done.
func TestSchedulerLeaseAndRestart(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	e := openEngines(t, dir)
	setup(t, ctx, e)
	clk := newClock(time.Date(2026, 12, 7, 0, 10, 0, 0, time.UTC))
	dead := e.sched("dead", clk)
	slot := clk.now().UnixNano() / int64(time.Hour)
	if ok, err := dead.claim(ctx, "src", "d", slot, false); !ok || err != nil {
		t.Fatalf("claim: %v %v", ok, err)
	}
	b := e.sched("b", clk)
	pass(t, ctx, b, 0) // the dead gateway's lease still holds
	if _, err := b.RunNow(ctx, "src", "d"); err == nil {
		t.Fatal("RunNow under another gateway's lease succeeded")
	}
	clk.add(2 * time.Minute)
	pass(t, ctx, b, 1)
	pass(t, ctx, b, 0)
	man, _, err := b.LastReport(ctx, "src", "d")
	if err != nil || man == "" {
		t.Fatalf("last report %q %v", man, err)
	}
	if err := e.store.Close(); err != nil {
		t.Fatal(err)
	}

	e = openEngines(t, dir)
	defer e.store.Close()
	c := e.sched("c", clk)
	pass(t, ctx, c, 0)
	clk.add(time.Hour)
	pass(t, ctx, c, 1)
	// A disabled configuration is skipped by the schedule but runs on demand.
	cfg, err := e.svc.GetBucketInventory(ctx, "src", "d")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Enabled = false
	if err := e.svc.PutBucketInventory(ctx, "src", "d", cfg); err != nil {
		t.Fatal(err)
	}
	clk.add(time.Hour)
	pass(t, ctx, c, 0)
	if rep, err := c.RunNow(ctx, "src", "d"); err != nil || rep.Rows != 3 {
		t.Fatalf("RunNow: %+v %v", rep, err)
	}
}
