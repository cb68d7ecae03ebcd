// Package outbox is the durable queue of work that follows a change: an
// event notification, an access-log line, later a replication or an
// inventory trigger. A record is appended inside the same meta.Update as
// the change that causes it, so the two commit together or not at all;
// a Dispatcher drains the records to the consumer registered for their
// kind and deletes each one only after the consumer acknowledged it.
//
// Everything the dispatcher needs lives in the metadata engine, under
// keys of its own (keys.go): records, per-shard sequence counters and
// per-shard leases. Several gateways sharing one database share the work
// shard by shard, and a gateway that crashes resumes from what the
// metadata says. Nothing held in memory is needed for correctness: the
// in-process state (the "full" flag, wake-ups, backoff) only makes it
// faster or kinder.
//
// Order: records of one order key (for events: target, bucket and object
// key) go to one shard and are delivered one after another in sequence
// order; a shard stops at its first unacknowledged record and retries it
// with backoff. Sequence numbers increase per shard and follow the clock
// where it allows (max(last+1, now in ns)), so they also serve as S3's
// "sequencer".
package outbox

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hoard-s3/hoard/internal/meta"
)

// DefaultShards is the number of shards of each kind. More shards mean
// more parallel delivery and less contention on the per-shard counters
// (which matters on a shared SQL database); fewer mean fewer idle polls.
const DefaultShards = 16

// MaxPayload bounds one record's payload.
const MaxPayload = 256 << 10

// ErrBadRecord is an Append the caller got wrong (empty kind, payload
// too large): a bug, never a client's mistake.
var ErrBadRecord = errors.New("outbox: bad record")

// Record is one unit of work.
type Record struct {
	// Kind names the consumer, e.g. "notify.webhook1" or "accesslog".
	// It is a short identifier: letters, digits, '.', '-', '_'.
	Kind string
	// OrderKey groups records that must be delivered in order.
	OrderKey string
	// Payload is the consumer's own encoding of the work.
	Payload []byte
	// Set by the outbox:
	Shard int       // the shard the record lives in
	Seq   uint64    // increasing per shard, hence per order key
	Time  time.Time // when it was appended
}

// Limits bound the outbox. A zero field is no limit. When the outbox is
// full, Append drops new records (counting and logging them) rather than
// fail or slow the write that caused them.
type Limits struct {
	MaxRecords int64
	MaxBytes   int64
}

// Outbox appends records; see Dispatcher for the reading side.
type Outbox struct {
	store  meta.Store
	shards int
	limits Limits
	log    *slog.Logger
	now    func() time.Time

	full    atomic.Bool
	dropped sync.Map // kind -> *atomic.Int64
	lastLog atomic.Int64

	mu    sync.Mutex
	wakes map[string][]chan struct{} // kind -> per-shard wake-ups of the local dispatcher
}

// Options configures an Outbox.
type Options struct {
	Shards int // DefaultShards when 0; must be the same on every gateway
	Limits Limits
	Logger *slog.Logger
	Now    func() time.Time
}

// New returns an outbox over store.
func New(store meta.Store, opts Options) *Outbox {
	if opts.Shards <= 0 {
		opts.Shards = DefaultShards
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Outbox{
		store: store, shards: opts.Shards, limits: opts.Limits,
		log: opts.Logger.With("component", "outbox"), now: opts.Now,
		wakes: map[string][]chan struct{}{},
	}
}

// Store is the metadata engine the outbox lives in.
func (o *Outbox) Store() meta.Store { return o.store }

// Shards is the number of shards of each kind.
func (o *Outbox) Shards() int { return o.shards }

// ShardOf is the shard of an order key.
func (o *Outbox) ShardOf(orderKey string) int {
	h := fnv.New32a()
	h.Write([]byte(orderKey))
	return int(h.Sum32() % uint32(o.shards))
}

// Append adds r to the outbox inside tx, the transaction of the change
// that causes it, and returns r as stored (shard, sequence, time). When
// the outbox is full it stores nothing and returns ok false with no
// error: the change goes on without its record. fn may run more than once
// (meta.Store.Update), which is harmless: only the committed run counts.
func (o *Outbox) Append(ctx context.Context, tx meta.Txn, r Record) (Record, bool, error) {
	if err := validKind(r.Kind); err != nil {
		return r, false, err
	}
	if len(r.Payload) > MaxPayload {
		return r, false, fmt.Errorf("%w: payload of %d bytes", ErrBadRecord, len(r.Payload))
	}
	if o.full.Load() {
		o.drop(r.Kind)
		return r, false, nil
	}
	r.Shard = o.ShardOf(r.OrderKey)
	r.Time = o.now()
	c, err := readCounter(ctx, tx, counterKey(r.Kind, r.Shard))
	if err != nil {
		return r, false, err
	}
	r.Seq = max(c.Seq+1, uint64(r.Time.UnixNano()))
	c.Seq = r.Seq
	c.Count++
	c.Bytes += int64(len(r.Payload))
	if err := tx.Set(counterKey(r.Kind, r.Shard), c.encode()); err != nil {
		return r, false, fmt.Errorf("outbox: counter: %w", err)
	}
	if err := tx.Set(recordKey(r.Kind, r.Shard, r.Seq), encodeRecord(r)); err != nil {
		return r, false, fmt.Errorf("outbox: append: %w", err)
	}
	o.wake(r.Kind, r.Shard)
	return r, true, nil
}

// drop counts a record refused because the outbox is full and says so in
// the log, at most every ten seconds.
func (o *Outbox) drop(kind string) {
	v, _ := o.dropped.LoadOrStore(kind, new(atomic.Int64))
	v.(*atomic.Int64).Add(1)
	now := o.now().UnixNano()
	last := o.lastLog.Load()
	if now-last > int64(10*time.Second) && o.lastLog.CompareAndSwap(last, now) {
		o.log.Warn("outbox full: records dropped", "kind", kind,
			"max_records", o.limits.MaxRecords, "max_bytes", o.limits.MaxBytes)
	}
}

// Dropped is the number of records of kind refused since start because
// the outbox was full.
func (o *Outbox) Dropped(kind string) int64 {
	if v, ok := o.dropped.Load(kind); ok {
		return v.(*atomic.Int64).Load()
	}
	return 0
}

// Full reports whether the outbox was full at the last look (Stats).
func (o *Outbox) Full() bool { return o.full.Load() }

// wake tells the local dispatcher of kind that work may be waiting. On
// the embedded engine the dispatcher's next read waits for the commit
// lock this transaction holds, so it sees the record; elsewhere the poll
// interval covers a wake-up that came too early.
func (o *Outbox) wake(kind string, shard int) {
	o.mu.Lock()
	chs := o.wakes[kind]
	o.mu.Unlock()
	if chs != nil {
		select {
		case chs[shard] <- struct{}{}:
		default:
		}
	}
}

func (o *Outbox) wakeChan(kind string, shard int) chan struct{} {
	o.mu.Lock()
	defer o.mu.Unlock()
	chs := o.wakes[kind]
	if chs == nil {
		chs = make([]chan struct{}, o.shards)
		for i := range chs {
			chs[i] = make(chan struct{}, 1)
		}
		o.wakes[kind] = chs
	}
	return chs[shard]
}

func validKind(k string) error {
	if k == "" || len(k) > 100 {
		return fmt.Errorf("%w: kind %q", ErrBadRecord, k)
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_') {
			return fmt.Errorf("%w: kind %q", ErrBadRecord, k)
		}
	}
	return nil
}

// AppendNow appends r in a transaction of its own, for work that follows
// no metadata change (an access-log line of a read, say).
func (o *Outbox) AppendNow(ctx context.Context, r Record) (Record, bool, error) {
	var out Record
	var ok bool
	err := o.store.Update(ctx, func(tx meta.Txn) error {
		var err error
		out, ok, err = o.Append(ctx, tx, r)
		return err
	})
	return out, ok, err
}
