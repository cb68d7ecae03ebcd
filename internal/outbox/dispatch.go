package outbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"github.com/hoard-s3/hoard/internal/meta"
)

// Consumer takes records of one kind to wherever they go.
type Consumer interface {
	// Deliver gets up to ConsumerOptions.MaxBatch records of one shard in
	// sequence order and answers how many of them, from the start, are
	// acknowledged (durably taken over by the consumer); those are
	// deleted. An error says why the rest was not: the shard backs off and
	// retries from the first unacknowledged record. None with no error
	// means "not yet" (a consumer that batches waits for more): the shard
	// looks again after the poll interval. Some but not all with no error
	// (the consumer stopped before its deadline) goes on at once.
	Deliver(ctx context.Context, batch []Record) (acked int, err error)
}

// ConsumerFunc adapts a function to Consumer.
type ConsumerFunc func(ctx context.Context, batch []Record) (int, error)

// Deliver calls f.
func (f ConsumerFunc) Deliver(ctx context.Context, batch []Record) (int, error) { return f(ctx, batch) }

// ConsumerOptions tune the delivery of one kind.
type ConsumerOptions struct {
	MaxBatch int // records per Deliver; 64 when 0
	// Timeout bounds one Deliver; a third of the lease when 0 (and at
	// most that), so that a shard's lease outlives any delivery and two
	// workers never deliver one shard at once.
	Timeout time.Duration
}

// DispatcherOptions tune a Dispatcher. Zero values take the defaults.
type DispatcherOptions struct {
	// Owner names this process in leases; it must differ between
	// gateways sharing a database. A process restarted under the same
	// name takes its leases back at once instead of waiting for them to
	// expire. Default: host name and a random suffix.
	Owner      string
	LeaseTTL   time.Duration // 15 s
	Poll       time.Duration // 1 s: how often an idle shard looks for work
	MinBackoff time.Duration // 100 ms
	MaxBackoff time.Duration // 30 s
	Logger     *slog.Logger
}

// Dispatcher drains the outbox to the registered consumers: one worker
// per shard of each registered kind, each holding the shard's lease.
type Dispatcher struct {
	ob   *Outbox
	opts DispatcherOptions
	log  *slog.Logger

	mu        sync.Mutex
	consumers map[string]*entry
	ctx       context.Context
	cancel    context.CancelFunc
	wg        sync.WaitGroup
}

// Counters are a kind's delivery totals since this process started.
type Counters struct {
	Delivered int64 // records the consumer acknowledged
	Failed    int64 // Deliver calls that ended in an error
	Retried   int64 // Deliver calls that repeated a failed one
}

type entry struct {
	kind      string
	c         Consumer
	opts      ConsumerOptions
	delivered atomic.Int64
	failed    atomic.Int64
	retried   atomic.Int64
	lastErr   atomic.Pointer[string]
}

// NewDispatcher returns a dispatcher over ob; Start runs it.
func NewDispatcher(ob *Outbox, opts DispatcherOptions) *Dispatcher {
	if opts.Owner == "" {
		host, _ := os.Hostname()
		opts.Owner = host + "-" + uuid.NewString()[:8]
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&opts.LeaseTTL, 15*time.Second)
	def(&opts.Poll, time.Second)
	def(&opts.MinBackoff, 100*time.Millisecond)
	def(&opts.MaxBackoff, 30*time.Second)
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	return &Dispatcher{ob: ob, opts: opts, log: opts.Logger.With("component", "outbox"), consumers: map[string]*entry{}}
}

// Register makes c the consumer of kind. Registered before Start, its
// workers start with the dispatcher; after Start, at once.
func (d *Dispatcher) Register(kind string, c Consumer, opts ConsumerOptions) error {
	if err := validKind(kind); err != nil {
		return err
	}
	if opts.MaxBatch <= 0 {
		opts.MaxBatch = 64
	}
	if opts.Timeout <= 0 || opts.Timeout > d.opts.LeaseTTL/3 {
		opts.Timeout = d.opts.LeaseTTL / 3
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, dup := d.consumers[kind]; dup {
		return fmt.Errorf("outbox: kind %q registered twice", kind)
	}
	e := &entry{kind: kind, c: c, opts: opts}
	d.consumers[kind] = e
	if d.ctx != nil {
		d.startKind(e)
	}
	return nil
}

// Start runs the workers until ctx ends or Stop is called.
func (d *Dispatcher) Start(ctx context.Context) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.ctx != nil {
		return
	}
	d.ctx, d.cancel = context.WithCancel(ctx)
	for _, e := range d.consumers {
		d.startKind(e)
	}
	d.wg.Add(1)
	go d.watchFull()
}

func (d *Dispatcher) startKind(e *entry) {
	for shard := 0; shard < d.ob.shards; shard++ {
		d.wg.Add(1)
		go func() {
			defer d.wg.Done()
			w := &worker{d: d, e: e, shard: shard, wake: d.ob.wakeChan(e.kind, shard)}
			w.run(d.ctx)
		}()
	}
}

// Stop ends the workers, waits for them and gives up their leases so
// another gateway takes the shards at once.
func (d *Dispatcher) Stop() {
	d.mu.Lock()
	cancel := d.cancel
	d.mu.Unlock()
	if cancel == nil {
		return
	}
	cancel()
	d.wg.Wait()
}

// Counters returns the delivery totals of kind.
func (d *Dispatcher) Counters(kind string) (Counters, string) {
	d.mu.Lock()
	e := d.consumers[kind]
	d.mu.Unlock()
	if e == nil {
		return Counters{}, ""
	}
	last := ""
	if p := e.lastErr.Load(); p != nil {
		last = *p
	}
	return Counters{Delivered: e.delivered.Load(), Failed: e.failed.Load(), Retried: e.retried.Load()}, last
}

// Kinds lists the registered kinds.
func (d *Dispatcher) Kinds() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make([]string, 0, len(d.consumers))
	for k := range d.consumers {
		out = append(out, k)
	}
	return out
}

// watchFull keeps the outbox's "full" flag current from the metadata.
func (d *Dispatcher) watchFull() {
	defer d.wg.Done()
	t := time.NewTicker(d.opts.Poll)
	defer t.Stop()
	for {
		if _, err := d.ob.Stats(d.ctx); err != nil && d.ctx.Err() == nil {
			d.log.Warn("outbox stats", "err", err)
		}
		select {
		case <-d.ctx.Done():
			return
		case <-t.C:
		}
	}
}

// errLeaseLost ends a delivery whose shard another gateway took over.
var errLeaseLost = errors.New("outbox: lease lost")

// worker drains one shard of one kind.
type worker struct {
	d       *Dispatcher
	e       *entry
	shard   int
	wake    chan struct{}
	until   time.Time // our lease's expiry, as last written
	backoff time.Duration
	// pending are records the consumer acknowledged that are not deleted
	// yet (the oldest since pendingAt); a later read deletes them all in
	// its transaction once there are maxPending or a poll interval went
	// by. Until then reads write nothing, so draining a busy shard costs
	// one commit per maxPending records, not one per batch. A crash
	// before the deletion delivers them again: at least once.
	pending   []ackedRecord
	pendingAt time.Time
}

// ackedRecord is what deleting an acknowledged record needs.
type ackedRecord struct {
	seq  uint64
	size int64
}

// maxPending is how many acknowledged records a worker deletes at once.
const maxPending = 512

func (w *worker) run(ctx context.Context) {
	defer w.release()
	for ctx.Err() == nil {
		held, err := w.claim(ctx)
		if err != nil && ctx.Err() == nil {
			w.d.log.Warn("outbox lease", "kind", w.e.kind, "shard", w.shard, "err", err)
		}
		if !held {
			w.sleep(ctx, w.d.opts.LeaseTTL/3, false)
			continue
		}
		w.step(ctx)
	}
}

// step reads one batch and delivers it.
func (w *worker) step(ctx context.Context) {
	batch, err := w.read(ctx)
	if err != nil {
		if ctx.Err() == nil {
			w.d.log.Warn("outbox read", "kind", w.e.kind, "shard", w.shard, "err", err)
			w.sleep(ctx, w.d.opts.Poll, false)
		}
		return
	}
	if len(batch) == 0 {
		if len(w.pending) == 0 {
			w.sleep(ctx, w.d.opts.Poll, true)
		} else {
			w.sleep(ctx, w.d.opts.Poll-time.Since(w.pendingAt), true)
		}
		return
	}
	if w.backoff > 0 {
		w.e.retried.Add(1)
	}
	dctx, cancel := context.WithTimeout(ctx, w.e.opts.Timeout)
	acked, derr := w.e.c.Deliver(dctx, batch)
	cancel()
	acked = min(max(acked, 0), len(batch))
	w.e.delivered.Add(int64(acked))
	if len(w.pending) == 0 {
		w.pendingAt = time.Now()
	}
	for _, r := range batch[:acked] {
		w.pending = append(w.pending, ackedRecord{seq: r.Seq, size: int64(len(r.Payload))})
	}
	switch {
	case derr != nil:
		w.flush(ctx)
		w.fail(ctx, derr)
	case acked == 0 && len(batch) > 0:
		w.backoff = 0
		w.sleep(ctx, w.d.opts.Poll, false)
	default:
		// All taken: a later read deletes them in its own transaction.
		// A batch that was not full means the shard is drained: let the
		// writers add more before the next read rather than read them one
		// by one.
		w.backoff = 0
		if len(batch) < w.e.opts.MaxBatch {
			w.sleep(ctx, linger, false)
		}
	}
}

// flush deletes the acknowledged records now.
func (w *worker) flush(ctx context.Context) {
	if len(w.pending) == 0 {
		return
	}
	err := w.d.ob.store.Update(ctx, func(tx meta.Txn) error { return w.deleteAcked(ctx, tx) })
	w.flushed(ctx, err)
}

// flushed books the outcome of a transaction that deleted w.pending.
func (w *worker) flushed(ctx context.Context, err error) {
	switch {
	case err == nil:
		w.pending = nil
	case errors.Is(err, errLeaseLost):
		w.pending = nil // the new owner delivers them again
	case ctx.Err() == nil:
		w.d.log.Warn("outbox ack", "kind", w.e.kind, "shard", w.shard, "err", err)
	}
}

func (w *worker) fail(ctx context.Context, err error) {
	if ctx.Err() != nil {
		return
	}
	w.e.failed.Add(1)
	msg := err.Error()
	w.e.lastErr.Store(&msg)
	if w.backoff == 0 {
		w.backoff = w.d.opts.MinBackoff
		w.d.log.Warn("outbox delivery failed; retrying with backoff", "kind", w.e.kind, "shard", w.shard, "err", err)
	} else {
		w.backoff = min(2*w.backoff, w.d.opts.MaxBackoff)
	}
	w.sleep(ctx, w.backoff, false)
}

// sleep waits d, or less when woken and wakeable.
func (w *worker) sleep(ctx context.Context, d time.Duration, wakeable bool) {
	t := time.NewTimer(d)
	defer t.Stop()
	var wake chan struct{}
	if wakeable {
		wake = w.wake
	}
	select {
	case <-ctx.Done():
	case <-t.C:
	case <-wake:
		// Let the writers that are committing now add theirs, so that
		// under load a read takes several records, not one.
		time.Sleep(linger)
	}
}

// linger is how long a woken worker waits before it reads. Under load
// every read of a shard costs a seek and a transaction whatever it finds,
// so waiting longer means fewer, fuller reads; 20 ms is still far below
// the delay S3 itself gives an event.
const linger = 20 * time.Millisecond

// claim takes or renews the shard's lease when a third of it has run.
func (w *worker) claim(ctx context.Context) (bool, error) {
	now := time.Now()
	ttl := w.d.opts.LeaseTTL
	if w.until.Sub(now) > 2*ttl/3 {
		return true, nil
	}
	if !now.Before(w.until) {
		// The lease ran out: another worker may have delivered and
		// deleted what we still meant to delete, and counted it.
		w.pending = nil
	}
	key := leaseKey(w.e.kind, w.shard)
	held := false
	err := w.d.ob.store.Update(ctx, func(tx meta.Txn) error {
		l, err := readLease(ctx, tx, key)
		if err != nil {
			return err
		}
		if l.Owner != "" && l.Owner != w.d.opts.Owner && l.Expires.After(now) {
			held = false
			return nil
		}
		held = true
		return tx.Set(key, lease{Owner: w.d.opts.Owner, Expires: now.Add(ttl)}.encode())
	})
	if err != nil || !held {
		w.until = time.Time{}
		return false, err
	}
	w.until = now.Add(ttl)
	return true, nil
}

// release gives the lease up on the way out.
func (w *worker) release() {
	if w.until.IsZero() {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	w.flush(ctx)
	key := leaseKey(w.e.kind, w.shard)
	_ = w.d.ob.store.Update(ctx, func(tx meta.Txn) error {
		l, err := readLease(ctx, tx, key)
		if err != nil || l.Owner != w.d.opts.Owner {
			return err
		}
		return tx.Delete(key)
	})
}

// read returns the shard's first records. It reads inside Update so that
// on the embedded engine it never sees a commit whose sync is pending.
func (w *worker) read(ctx context.Context) ([]Record, error) {
	var out []Record
	var after uint64
	if n := len(w.pending); n > 0 {
		after = w.pending[n-1].seq
	}
	// Delivered records are deleted together with a read once there are
	// maxPending of them, or after a poll interval at the latest.
	stale := len(w.pending) > 0 && time.Since(w.pendingAt) >= w.d.opts.Poll
	full := len(w.pending) >= maxPending
	flushing := false
	err := w.d.ob.store.Update(ctx, func(tx meta.Txn) error {
		out, flushing = out[:0], false
		it, err := iterAfter(ctx, tx, w.e.kind, w.shard, after)
		if err != nil {
			return err
		}
		defer it.Close()
		if stale || full {
			flushing = true
			if err := w.deleteAcked(ctx, tx); err != nil {
				return err
			}
		}
		for ok := it.Valid(); ok && len(out) < w.e.opts.MaxBatch; ok = it.Next() {
			v, err := it.Value()
			if err != nil {
				return err
			}
			r, err := decodeRecord(w.e.kind, w.shard, it.Key(), v)
			if err != nil {
				return err
			}
			out = append(out, r)
		}
		return it.Error()
	})
	if flushing {
		w.flushed(ctx, err)
	}
	if err != nil {
		return nil, fmt.Errorf("read %s shard %d: %w", w.e.kind, w.shard, err)
	}
	return out, nil
}

// deleteAcked deletes w.pending inside tx, if the lease is still ours,
// and adds them to the shard's acknowledged totals.
func (w *worker) deleteAcked(ctx context.Context, tx meta.Txn) error {
	lkey, dkey := leaseKey(w.e.kind, w.shard), doneKey(w.e.kind, w.shard)
	l, err := readLease(ctx, tx, lkey)
	if err != nil {
		return err
	}
	if l.Owner != w.d.opts.Owner || !l.Expires.After(time.Now()) {
		w.until = time.Time{}
		return errLeaseLost
	}
	done, err := readCounter(ctx, tx, dkey)
	if err != nil {
		return err
	}
	for _, r := range w.pending {
		if err := tx.Delete(recordKey(w.e.kind, w.shard, r.seq)); err != nil {
			return err
		}
		done.Count++
		done.Bytes += r.size
		done.Seq = max(done.Seq, r.seq)
	}
	return tx.Set(dkey, done.encode())
}
