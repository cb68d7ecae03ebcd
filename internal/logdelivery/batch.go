// Package logdelivery turns log records (server access logs, the audit
// trail) into objects. Each record is an outbox record (internal/outbox),
// durable from the moment it is appended; a Batcher, the outbox's
// consumer of its kind, holds records back until the oldest is Interval
// old, then writes them as objects and acknowledges them, so a crash at
// any point loses nothing (it may deliver a batch twice).
package logdelivery

import (
	"context"
	"errors"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/hoard-s3/hoard/internal/audit"
	"github.com/hoard-s3/hoard/internal/outbox"
)

// Outbox kinds of log records.
const (
	KindAccessLog = "accesslog" // order key: the source bucket
	KindAudit     = audit.Kind  // order key: the same
)

// MaxBatch is the most records one log object holds; a backlog becomes
// several objects of bounded size.
const MaxBatch = 5000

// Sink writes the records of one order key (a source bucket, the audit
// trail) as one or more objects. It returns nil once they are durable at
// their destination, or ErrDrop for records that can never be delivered
// (their destination is gone); any other error keeps them for a retry.
type Sink interface {
	Deliver(ctx context.Context, orderKey string, recs []outbox.Record, now time.Time) error
}

// ErrDrop marks records whose destination no longer exists.
var ErrDrop = errors.New("logdelivery: records cannot be delivered")

// Batcher is the outbox consumer of one kind of log record.
type Batcher struct {
	Sink     Sink
	Interval time.Duration
	Logger   *slog.Logger
	Now      func() time.Time
	// flushBefore (unix ns): records appended before it go out at once.
	flushBefore atomic.Int64
}

// FlushBefore makes records appended before t due now.
func (b *Batcher) FlushBefore(t time.Time) { b.flushBefore.Store(t.UnixNano()) }

// Deliver writes the batch once its oldest record is due (or the batch
// is full) and acknowledges what was written; before that it answers
// "not yet" and the outbox asks again later.
func (b *Batcher) Deliver(ctx context.Context, batch []outbox.Record) (int, error) {
	now := b.Now()
	oldest := batch[0].Time
	due := len(batch) >= MaxBatch || !oldest.After(now.Add(-b.Interval)) || oldest.UnixNano() < b.flushBefore.Load()
	if !due {
		return 0, nil
	}
	// One object per order key (records of several buckets share a
	// shard), each in append order.
	var keys []string
	groups := map[string][]outbox.Record{}
	for _, r := range batch {
		if groups[r.OrderKey] == nil {
			keys = append(keys, r.OrderKey)
		}
		groups[r.OrderKey] = append(groups[r.OrderKey], r)
	}
	done := map[string]bool{}
	for _, k := range keys {
		err := b.Sink.Deliver(ctx, k, groups[k], now.UTC())
		if errors.Is(err, ErrDrop) {
			b.Logger.Warn("dropping log records that cannot be delivered", "kind", batch[0].Kind,
				"key", k, "records", len(groups[k]), "err", err)
			err = nil
		}
		if err != nil {
			return ackedPrefix(batch, done), err
		}
		done[k] = true
	}
	return len(batch), nil
}

// ackedPrefix is how many records from the start belong to delivered
// keys: those are acknowledged; the rest (some perhaps written already)
// come again, at least once.
func ackedPrefix(batch []outbox.Record, done map[string]bool) int {
	for i, r := range batch {
		if !done[r.OrderKey] {
			return i
		}
	}
	return len(batch)
}

// Queue appends log records to the outbox, each in a commit of its own
// (a log record follows a request, not a metadata change).
type Queue struct{ Outbox *outbox.Outbox }

// Append makes one record durable. A full outbox drops it (the outbox
// counts and logs that) rather than fail the request it describes.
func (q Queue) Append(ctx context.Context, kind, orderKey string, data []byte) error {
	_, _, err := q.Outbox.AppendNow(ctx, outbox.Record{Kind: kind, OrderKey: orderKey, Payload: data})
	return err
}
