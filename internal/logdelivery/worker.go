package logdelivery

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"
)

// Sink delivers the records of the streams whose name starts with its
// prefix. Deliver returns nil once the batch is durable at its
// destination, or ErrDrop for records that can never be delivered (their
// destination is gone), which are dropped; any other error keeps them for
// the next flush.
type Sink interface {
	Deliver(ctx context.Context, stream string, recs []Record, now time.Time) error
}

// ErrDrop marks records whose destination no longer exists.
var ErrDrop = errors.New("logdelivery: records cannot be delivered")

// Worker flushes the spool every Interval.
type Worker struct {
	Spool    *Spool
	Interval time.Duration
	Logger   *slog.Logger
	// Sinks by stream prefix ("a/" access logs, "audit" the audit trail).
	Sinks map[string]Sink
	// Owner names this gateway in the flush lease.
	Owner string
}

// NewOwner returns a random lease owner name.
func NewOwner() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Run flushes until ctx ends.
func (w *Worker) Run(ctx context.Context) {
	t := time.NewTicker(w.Interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if err := w.Flush(ctx); err != nil && ctx.Err() == nil && !errors.Is(err, errLeaseHeld) {
			w.Logger.Warn("log delivery failed; the records stay queued", "err", err)
		}
	}
}

// Flush delivers every queued record once, stream by stream. A stream
// whose sink fails is skipped until the next flush; the others go on.
func (w *Worker) Flush(ctx context.Context) error {
	ttl := max(2*w.Interval, time.Minute)
	if err := w.Spool.takeLease(ctx, w.Owner, ttl); err != nil {
		return err
	}
	var errs []error
	from := ""
	for {
		recs, next, err := w.Spool.Scan(ctx, from)
		if err != nil {
			return errors.Join(append(errs, err)...)
		}
		if len(recs) == 0 {
			return errors.Join(errs...)
		}
		stream := recs[0].Stream
		if err := w.deliver(ctx, stream, recs); err != nil {
			errs = append(errs, err)
			next = stream + "\x01" // past this stream's records
		}
		if next == "" {
			return errors.Join(errs...)
		}
		from = next
		if err := w.Spool.takeLease(ctx, w.Owner, ttl); err != nil {
			return errors.Join(append(errs, err)...)
		}
	}
}

func (w *Worker) deliver(ctx context.Context, stream string, recs []Record) error {
	sink := w.sinkFor(stream)
	var err error
	if sink == nil {
		err = fmt.Errorf("no sink for stream %q: %w", stream, ErrDrop)
	} else {
		err = sink.Deliver(ctx, stream, recs, w.Spool.now().UTC())
	}
	if errors.Is(err, ErrDrop) {
		w.Logger.Warn("dropping log records that cannot be delivered", "stream", stream, "records", len(recs), "err", err)
		err = nil
	}
	if err != nil {
		return fmt.Errorf("deliver %d records of %s: %w", len(recs), stream, err)
	}
	return w.Spool.Ack(ctx, recs)
}

func (w *Worker) sinkFor(stream string) Sink {
	for prefix, s := range w.Sinks {
		if strings.HasPrefix(stream, prefix) {
			return s
		}
	}
	return nil
}
