// Package notify delivers bucket event notifications: it opens the
// targets the operator declared (webhook, NATS, AMQP, Kafka, Redis
// streams) and registers one outbox consumer per target, which renders
// each queued event as Amazon S3's message and sends it. A target that
// fails keeps its events in the outbox; the dispatcher retries them with
// backoff, in order per object key, until the target takes them.
package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"time"

	"github.com/hoard-s3/hoard/internal/event"
	"github.com/hoard-s3/hoard/internal/outbox"
)

// Message is one event as a target sends it.
type Message struct {
	Body []byte // Amazon S3's event message (JSON)
	// Key is "bucket/key": targets that partition (Kafka) or route use
	// it, so one object's events stay in one partition, in order.
	Key string
	// ID is unique per event and stable across retries, for targets that
	// drop duplicates (JetStream's Nats-Msg-Id).
	ID   string
	Name string // event name, "ObjectCreated:Put"
}

// Target sends messages to one destination.
type Target interface {
	// Send delivers m; nil means the destination has it.
	Send(ctx context.Context, m Message) error
	Close() error
}

// Notifier owns the declared targets and their outbox consumers.
type Notifier struct {
	ob      *outbox.Outbox
	disp    *outbox.Dispatcher
	log     *slog.Logger
	targets map[string]*target
}

type target struct {
	spec Spec
	t    Target
	mu   sync.Mutex
	ok   bool // the last attempt succeeded (or none was made)
	last time.Time
}

// New opens every target of specs and registers its consumer with disp.
func New(ob *outbox.Outbox, disp *outbox.Dispatcher, specs []Spec, log *slog.Logger) (*Notifier, error) {
	if log == nil {
		log = slog.Default()
	}
	n := &Notifier{ob: ob, disp: disp, log: log.With("component", "notify"), targets: map[string]*target{}}
	for _, s := range specs {
		if _, dup := n.targets[s.Name]; dup {
			n.Close()
			return nil, fmt.Errorf("notify target %q declared twice", s.Name)
		}
		t, err := Open(s)
		if err != nil {
			n.Close()
			return nil, fmt.Errorf("notify target %q: %w", s.Name, err)
		}
		tg := &target{spec: s, t: t, ok: true}
		n.targets[s.Name] = tg
		if err := disp.Register(event.Kind(s.Name), n.consumer(tg), outbox.ConsumerOptions{MaxBatch: 32}); err != nil {
			n.Close()
			return nil, err
		}
	}
	return n, nil
}

// Names is the set of declared target names.
func (n *Notifier) Names() map[string]bool {
	out := map[string]bool{}
	for name := range n.targets {
		out[name] = true
	}
	return out
}

// Close closes the targets (stop the dispatcher first).
func (n *Notifier) Close() error {
	var errs []error
	for _, t := range n.targets {
		errs = append(errs, t.t.Close())
	}
	return errors.Join(errs...)
}

// consumer renders and sends a target's records one by one, stopping at
// the first the target refuses.
func (n *Notifier) consumer(tg *target) outbox.Consumer {
	return outbox.ConsumerFunc(func(ctx context.Context, batch []outbox.Record) (int, error) {
		deadline, bounded := ctx.Deadline()
		for i, r := range batch {
			if bounded && i > 0 && time.Until(deadline) < sendReserve {
				return i, nil // the rest in the next call, under a renewed lease
			}
			ev, err := event.Decode(r.Payload)
			if err != nil {
				// It can never be sent; keeping it would stop the shard.
				n.log.Error("dropping an undecodable event", "target", tg.spec.Name, "seq", r.Seq, "err", err)
				continue
			}
			m := Message{Body: ev.Message(r.Seq), Key: ev.Bucket + "/" + ev.Key, Name: ev.Name,
				ID: fmt.Sprintf("%s-%d-%d", tg.spec.Name, r.Shard, r.Seq)}
			err = tg.t.Send(ctx, m)
			tg.record(err)
			if err != nil {
				return i, fmt.Errorf("%s target %s: %w", tg.spec.Scheme, tg.spec.Name, err)
			}
		}
		return len(batch), nil
	})
}

// sendReserve is the time left before a delivery's deadline below which
// no further message of the batch is started.
const sendReserve = 2 * time.Second

func (t *target) record(err error) {
	t.mu.Lock()
	t.ok = err == nil
	t.last = time.Now()
	t.mu.Unlock()
}

// Status is one target's health and backlog.
type Status struct {
	Name       string    `json:"name"`
	Scheme     string    `json:"scheme"`
	Endpoint   string    `json:"endpoint"` // the URL without credentials
	Healthy    bool      `json:"healthy"`  // the last send succeeded
	Delivered  int64     `json:"delivered"`
	Failed     int64     `json:"failed"`
	Retried    int64     `json:"retried"`
	Dropped    int64     `json:"dropped"` // refused by a full outbox
	Queued     int64     `json:"queued"`
	QueuedSize int64     `json:"queuedBytes"`
	Oldest     time.Time `json:"oldest,omitzero"`
	LastError  string    `json:"lastError,omitempty"`
}

// Status reports every target, sorted by name; the backlog is read from
// the metadata, so it covers the events of every gateway.
func (n *Notifier) Status(ctx context.Context) ([]Status, error) {
	stats, err := n.ob.Stats(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Status, 0, len(n.targets))
	for name, tg := range n.targets {
		kind := event.Kind(name)
		c, last := n.disp.Counters(kind)
		tg.mu.Lock()
		st := Status{Name: name, Scheme: tg.spec.Scheme, Endpoint: tg.spec.Redacted(), Healthy: tg.ok,
			Delivered: c.Delivered, Failed: c.Failed, Retried: c.Retried, Dropped: n.ob.Dropped(kind)}
		tg.mu.Unlock()
		if !st.Healthy {
			st.LastError = last
		}
		if s := stats[kind]; s != nil {
			st.Queued, st.QueuedSize, st.Oldest = s.Records, s.Bytes, s.Oldest
		}
		out = append(out, st)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}
