package lifecycle

import (
	"context"
	"time"
)

// pacer spaces work out to at most a given number of units per second,
// so that a pass over a large bucket takes a bounded share of the
// engines and foreground requests keep their latency. Bursts up to a
// tenth of a second's worth pass at once.
type pacer struct {
	per  time.Duration // time one unit is worth
	next time.Time
}

func newPacer(perSecond int) *pacer { return &pacer{per: time.Second / time.Duration(perSecond)} }

// yield sleeps factor times as long as the work that took since: a
// worker that alternates work and yield holds at most 1/(factor+1) of
// the engines' time, whatever the machine's load, and slows down by
// itself when foreground requests make its own commits slower.
func yield(ctx context.Context, since time.Time, factor int) error {
	return sleep(ctx, time.Duration(factor)*time.Since(since))
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// wait blocks until n more units may go, or ctx ends.
func (p *pacer) wait(ctx context.Context, n int) error {
	now := time.Now()
	if floor := now.Add(-100 * time.Millisecond); p.next.Before(floor) {
		p.next = floor
	}
	p.next = p.next.Add(time.Duration(n) * p.per)
	return sleep(ctx, p.next.Sub(now))
}
