package outbox

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/hoard-s3/hoard/internal/meta"
	"github.com/hoard-s3/hoard/internal/meta/pebblemeta"
)

func openStore(t *testing.T, dir string) *pebblemeta.Store {
	t.Helper()
	st, err := pebblemeta.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// appendN appends n records of kind, each in its own transaction beside a
// change of its own, the order key cycling through keys.
func appendN(t *testing.T, ob *Outbox, kind string, n, keys int) {
	t.Helper()
	ctx := context.Background()
	for i := 0; i < n; i++ {
		err := ob.Store().Update(ctx, func(tx meta.Txn) error {
			if err := tx.Set([]byte(fmt.Sprintf("change/%d", i)), []byte("x")); err != nil {
				return err
			}
			_, _, err := ob.Append(ctx, tx, Record{Kind: kind, OrderKey: fmt.Sprintf("k%d", i%keys), Payload: []byte(fmt.Sprint(i))})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// collector is a consumer that remembers what it got, per order key, and
// fails while failing is set.
type collector struct {
	mu      sync.Mutex
	got     map[string][]string
	seqs    map[string][]uint64
	total   int
	failing bool
	calls   int
}

func newCollector() *collector {
	return &collector{got: map[string][]string{}, seqs: map[string][]uint64{}}
}

func (c *collector) Deliver(_ context.Context, batch []Record) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls++
	if c.failing {
		return 0, errors.New("target down")
	}
	for _, r := range batch {
		c.got[r.OrderKey] = append(c.got[r.OrderKey], string(r.Payload))
		c.seqs[r.OrderKey] = append(c.seqs[r.OrderKey], r.Seq)
		c.total++
	}
	return len(batch), nil
}

func (c *collector) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.total
}

func (c *collector) setFailing(v bool) {
	c.mu.Lock()
	c.failing = v
	c.mu.Unlock()
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func fastOpts(owner string) DispatcherOptions {
	return DispatcherOptions{Owner: owner, Poll: 20 * time.Millisecond, MinBackoff: 5 * time.Millisecond, MaxBackoff: 40 * time.Millisecond, LeaseTTL: 2 * time.Second}
}

// checkOrder asserts every order key's payloads arrived in append order,
// with increasing sequence numbers.
func checkOrder(t *testing.T, c *collector, n, keys int) {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	for k := 0; k < keys; k++ {
		key := fmt.Sprintf("k%d", k)
		var want []string
		for i := k; i < n; i += keys {
			want = append(want, fmt.Sprint(i))
		}
		if fmt.Sprint(c.got[key]) != fmt.Sprint(want) {
			t.Fatalf("key %s: got %v, want %v", key, c.got[key], want)
		}
		for i := 1; i < len(c.seqs[key]); i++ {
			if c.seqs[key][i] <= c.seqs[key][i-1] {
				t.Fatalf("key %s: sequence %d after %d", key, c.seqs[key][i], c.seqs[key][i-1])
			}
		}
	}
}

func stats(t *testing.T, ob *Outbox, kind string) KindStats {
	t.Helper()
	s, err := ob.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if s[kind] == nil {
		return KindStats{Kind: kind}
	}
	return *s[kind]
}

func TestAppendCommitsWithTheChange(t *testing.T) {
	st := openStore(t, t.TempDir())
	defer st.Close()
	ob := New(st, Options{})
	ctx := context.Background()
	boom := errors.New("change refused")
	err := st.Update(ctx, func(tx meta.Txn) error {
		if _, _, err := ob.Append(ctx, tx, Record{Kind: "k", OrderKey: "a", Payload: []byte("1")}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err %v", err)
	}
	if s := stats(t, ob, "k"); s.Records != 0 {
		t.Fatalf("a rolled back change left %d records", s.Records)
	}
	appendN(t, ob, "k", 3, 1)
	s := stats(t, ob, "k")
	if s.Records != 3 || s.Bytes != 3 || s.Oldest.IsZero() {
		t.Fatalf("stats %+v", s)
	}
}

func TestAppendRejectsBadRecords(t *testing.T) {
	st := openStore(t, t.TempDir())
	defer st.Close()
	ob := New(st, Options{})
	ctx := context.Background()
	for _, r := range []Record{{Kind: ""}, {Kind: "a/b"}, {Kind: "k", Payload: make([]byte, MaxPayload+1)}} {
		err := st.Update(ctx, func(tx meta.Txn) error { _, _, err := ob.Append(ctx, tx, r); return err })
		if !errors.Is(err, ErrBadRecord) {
			t.Errorf("kind %q payload %d: err %v", r.Kind, len(r.Payload), err)
		}
	}
}

func TestDeliversInOrderAndDeletes(t *testing.T) {
	st := openStore(t, t.TempDir())
	defer st.Close()
	ob := New(st, Options{Shards: 4})
	appendN(t, ob, "ev", 200, 7)
	c := newCollector()
	d := NewDispatcher(ob, fastOpts("a"))
	if err := d.Register("ev", c, ConsumerOptions{MaxBatch: 16}); err != nil {
		t.Fatal(err)
	}
	d.Start(context.Background())
	defer d.Stop()
	waitFor(t, "200 records", func() bool { return c.count() == 200 })
	checkOrder(t, c, 200, 7)
	waitFor(t, "an empty outbox", func() bool { return stats(t, ob, "ev").Records == 0 })
	// Appended while running: woken, not polled.
	appendN(t, ob, "ev", 10, 7)
	waitFor(t, "210 acknowledged", func() bool { got, _ := d.Counters("ev"); return got.Delivered == 210 })
	if got, _ := d.Counters("ev"); c.count() != 210 || got.Failed != 0 {
		t.Fatalf("counters %+v", got)
	}
}

func TestFailingConsumerRecoversWithEverything(t *testing.T) {
	st := openStore(t, t.TempDir())
	defer st.Close()
	ob := New(st, Options{Shards: 2})
	c := newCollector()
	c.setFailing(true)
	d := NewDispatcher(ob, fastOpts("a"))
	if err := d.Register("ev", c, ConsumerOptions{}); err != nil {
		t.Fatal(err)
	}
	d.Start(context.Background())
	defer d.Stop()
	appendN(t, ob, "ev", 50, 5)
	waitFor(t, "retries", func() bool { got, _ := d.Counters("ev"); return got.Retried >= 4 })
	if s := stats(t, ob, "ev"); s.Records != 50 {
		t.Fatalf("%d records wait while the consumer fails, want 50", s.Records)
	}
	c.setFailing(false)
	waitFor(t, "50 acknowledged", func() bool { got, _ := d.Counters("ev"); return got.Delivered == 50 })
	checkOrder(t, c, 50, 5)
	got, last := d.Counters("ev")
	if got.Failed == 0 || got.Delivered != 50 || last != "target down" {
		t.Fatalf("counters %+v, last error %q", got, last)
	}
}

func TestResumesFromMetadataAfterRestart(t *testing.T) {
	dir := t.TempDir()
	st := openStore(t, dir)
	ob := New(st, Options{Shards: 3})
	appendN(t, ob, "ev", 30, 4)
	c := newCollector()
	c.setFailing(true)
	d := NewDispatcher(ob, fastOpts("a"))
	d.Register("ev", c, ConsumerOptions{})
	d.Start(context.Background())
	waitFor(t, "an attempt", func() bool { got, _ := d.Counters("ev"); return got.Failed > 0 })
	d.Stop()
	st.Close()

	st = openStore(t, dir)
	defer st.Close()
	ob = New(st, Options{Shards: 3})
	c2 := newCollector()
	d = NewDispatcher(ob, fastOpts("b")) // a new owner: a's leases were released
	d.Register("ev", c2, ConsumerOptions{})
	d.Start(context.Background())
	defer d.Stop()
	waitFor(t, "30 records", func() bool { return c2.count() == 30 })
	checkOrder(t, c2, 30, 4)
}

func TestTwoDispatchersShareTheShards(t *testing.T) {
	st := openStore(t, t.TempDir())
	defer st.Close()
	ob := New(st, Options{Shards: 8})
	a, b := newCollector(), newCollector()
	da, db := NewDispatcher(ob, fastOpts("a")), NewDispatcher(ob, fastOpts("b"))
	da.Register("ev", a, ConsumerOptions{})
	db.Register("ev", b, ConsumerOptions{})
	da.Start(context.Background())
	db.Start(context.Background())
	defer da.Stop()
	defer db.Stop()
	appendN(t, ob, "ev", 400, 40)
	waitFor(t, "400 records", func() bool { return a.count()+b.count() == 400 })
	a.mu.Lock()
	b.mu.Lock()
	defer a.mu.Unlock()
	defer b.mu.Unlock()
	for k := range a.got {
		if len(b.got[k]) > 0 {
			t.Fatalf("key %s delivered by both dispatchers", k)
		}
	}
}

func TestExpiredLeaseIsTakenOver(t *testing.T) {
	st := openStore(t, t.TempDir())
	defer st.Close()
	ob := New(st, Options{Shards: 1})
	ctx := context.Background()
	// A gateway that died holding the lease.
	err := st.Update(ctx, func(tx meta.Txn) error {
		return tx.Set(leaseKey("ev", 0), lease{Owner: "dead", Expires: time.Now().Add(300 * time.Millisecond)}.encode())
	})
	if err != nil {
		t.Fatal(err)
	}
	appendN(t, ob, "ev", 5, 1)
	c := newCollector()
	opts := fastOpts("live")
	opts.LeaseTTL = 150 * time.Millisecond
	d := NewDispatcher(ob, opts)
	d.Register("ev", c, ConsumerOptions{})
	start := time.Now()
	d.Start(ctx)
	defer d.Stop()
	waitFor(t, "5 records", func() bool { return c.count() == 5 })
	if time.Since(start) < 250*time.Millisecond {
		t.Fatalf("delivered before the dead owner's lease expired")
	}
}

func TestFullOutboxDropsWithoutFailingWrites(t *testing.T) {
	st := openStore(t, t.TempDir())
	defer st.Close()
	ob := New(st, Options{Limits: Limits{MaxRecords: 5}})
	appendN(t, ob, "ev", 5, 5)
	if s := stats(t, ob, "ev"); s.Records != 5 || !ob.Full() {
		t.Fatalf("stats %+v full %v", s, ob.Full())
	}
	appendN(t, ob, "ev", 3, 3) // the changes commit; the records are dropped
	if s := stats(t, ob, "ev"); s.Records != 5 {
		t.Fatalf("%d records, want 5", s.Records)
	}
	if ob.Dropped("ev") != 3 {
		t.Fatalf("dropped %d, want 3", ob.Dropped("ev"))
	}
	if _, err := st.Get(context.Background(), []byte("change/2")); err != nil {
		t.Fatalf("the change beside a dropped record: %v", err)
	}
	c := newCollector()
	d := NewDispatcher(ob, fastOpts("a"))
	d.Register("ev", c, ConsumerOptions{})
	d.Start(context.Background())
	defer d.Stop()
	waitFor(t, "drained and not full", func() bool { return c.count() == 5 && stats(t, ob, "ev").Records == 0 && !ob.Full() })

	byBytes := New(st, Options{Limits: Limits{MaxBytes: 2}})
	appendN(t, byBytes, "other", 2, 1)
	stats(t, byBytes, "other")
	if !byBytes.Full() {
		t.Fatal("2 bytes in an outbox of 2 is full")
	}
}

func TestConsumerMayWaitForABatch(t *testing.T) {
	st := openStore(t, t.TempDir())
	defer st.Close()
	ob := New(st, Options{Shards: 1})
	var mu sync.Mutex
	var batches []int
	c := ConsumerFunc(func(_ context.Context, b []Record) (int, error) {
		if len(b) < 3 {
			return 0, nil
		}
		mu.Lock()
		batches = append(batches, len(b))
		mu.Unlock()
		return len(b), nil
	})
	d := NewDispatcher(ob, fastOpts("a"))
	d.Register("log", c, ConsumerOptions{MaxBatch: 100})
	d.Start(context.Background())
	defer d.Stop()
	appendN(t, ob, "log", 2, 1)
	time.Sleep(100 * time.Millisecond)
	if s := stats(t, ob, "log"); s.Records != 2 {
		t.Fatalf("%d records, want 2 kept until the batch is big enough", s.Records)
	}
	appendN(t, ob, "log", 1, 1)
	waitFor(t, "one batch", func() bool { mu.Lock(); defer mu.Unlock(); return len(batches) == 1 })
	if batches[0] != 3 {
		t.Fatalf("batch of %d", batches[0])
	}
}

func TestAppendNow(t *testing.T) {
	st := openStore(t, t.TempDir())
	defer st.Close()
	ob := New(st, Options{})
	r, ok, err := ob.AppendNow(context.Background(), Record{Kind: "log", OrderKey: "b", Payload: []byte("line")})
	if err != nil || !ok || r.Seq == 0 {
		t.Fatalf("record %+v ok %v err %v", r, ok, err)
	}
	if s := stats(t, ob, "log"); s.Records != 1 || s.Bytes != 4 {
		t.Fatalf("stats %+v", s)
	}
}
