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

// wait blocks until n more units may go, or ctx ends.
func (p *pacer) wait(ctx context.Context, n int) error {
	now := time.Now()
	if floor := now.Add(-100 * time.Millisecond); p.next.Before(floor) {
		p.next = floor
	}
	p.next = p.next.Add(time.Duration(n) * p.per)
	d := p.next.Sub(now)
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
