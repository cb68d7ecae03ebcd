package inventory

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/hoard-s3/hoard/internal/meta"
	"github.com/hoard-s3/hoard/internal/object"
)

// SchedulerConfig tunes the scheduler. Zero values take the defaults.
type SchedulerConfig struct {
	// Day is the length of a Daily period (24 hours unless compressed
	// with --inventory-day); Weekly is seven of them.
	Day time.Duration
	// Every is the time between passes: a twentieth of a day, at most a
	// minute, so a report starts soon after its period begins.
	Every time.Duration
	// Lease is how long a report stays with one gateway without renewal.
	Lease time.Duration
	// Owner names this gateway in leases (random by default).
	Owner  string
	Report Config
	Logger *slog.Logger
	Now    func() time.Time
}

// DefaultLease is renewed every third of it while a report is written.
const DefaultLease = 2 * time.Minute

func (c *SchedulerConfig) fill() {
	if c.Day <= 0 {
		c.Day = 24 * time.Hour
	}
	if c.Every <= 0 {
		c.Every = min(c.Day/20, time.Minute)
	}
	if c.Lease <= 0 {
		c.Lease = DefaultLease
	}
	if c.Owner == "" {
		var b [8]byte
		rand.Read(b[:])
		c.Owner = hex.EncodeToString(b[:])
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Report.Logger == nil {
		c.Report.Logger = c.Logger
	}
	if c.Report.Now == nil {
		c.Report.Now = c.Now
	}
}

// Scheduler writes each enabled inventory configuration's report once
// per period (Daily or Weekly), in the background. Periods are aligned
// on the Unix epoch; a configuration's last delivered period and the
// lease of a report in progress live in the metadata store, so a
// restarted server writes a report it was interrupted in (from the
// start: a report is delivered whole or not at all) and several
// gateways sharing a database write each report once.
type Scheduler struct {
	svc   *object.Service
	store meta.Store
	gen   *Generator
	cfg   SchedulerConfig
}

// NewScheduler returns a scheduler over the object service and the
// metadata store that service uses.
func NewScheduler(svc *object.Service, store meta.Store, cfg SchedulerConfig) *Scheduler {
	cfg.fill()
	return &Scheduler{svc: svc, store: store, gen: NewGenerator(svc, cfg.Report), cfg: cfg}
}

// Run makes passes until ctx ends.
func (s *Scheduler) Run(ctx context.Context) {
	t := time.NewTicker(s.cfg.Every)
	defer t.Stop()
	for {
		n, err := s.Pass(ctx)
		if err != nil && ctx.Err() == nil {
			s.cfg.Logger.Warn("inventory pass failed", "err", err)
		} else if n > 0 {
			s.cfg.Logger.Info("inventory pass", "reports", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (s *Scheduler) period(c *object.InventoryConfiguration) time.Duration {
	if c.Frequency == object.InventoryWeekly {
		return 7 * s.cfg.Day
	}
	return s.cfg.Day
}

// Pass writes the reports that are due and returns how many it wrote.
func (s *Scheduler) Pass(ctx context.Context) (int, error) {
	written := 0
	after := ""
	for {
		page, err := s.svc.ListBuckets(ctx, object.ListBucketsInput{After: after, Max: 1000})
		if err != nil {
			return written, fmt.Errorf("list buckets: %w", err)
		}
		for _, b := range page.Buckets {
			n, err := s.bucketPass(ctx, b.Name)
			written += n
			if ctx.Err() != nil {
				return written, ctx.Err()
			}
			if err != nil && !errors.Is(err, object.ErrNoSuchBucket) {
				s.cfg.Logger.Warn("inventory of a bucket failed", "bucket", b.Name, "err", err)
			}
		}
		if page.Next == "" {
			return written, nil
		}
		after = page.Next
	}
}

func (s *Scheduler) bucketPass(ctx context.Context, bucket string) (int, error) {
	written := 0
	after := ""
	for {
		page, err := s.svc.ListBucketInventories(ctx, bucket, after, 0)
		if err != nil {
			return written, err
		}
		for _, c := range page.Configs {
			if !c.Enabled {
				continue
			}
			slot := s.cfg.Now().UnixNano() / int64(s.period(c))
			rep, err := s.run(ctx, bucket, c, slot, false)
			switch {
			case errors.Is(err, errBusy):
			case err != nil:
				s.cfg.Logger.Warn("inventory report failed", "bucket", bucket, "id", c.ID, "err", err)
			case rep != nil:
				written++
				s.cfg.Logger.Info("inventory report", "bucket", bucket, "id", c.ID, "rows", rep.Rows, "manifest", rep.ManifestKey)
			}
		}
		if page.Next == "" {
			return written, nil
		}
		after = page.Next
	}
}

// RunNow writes configuration id's report of bucket at once, whatever
// its schedule (disabled configurations included), unless another
// gateway is writing it.
func (s *Scheduler) RunNow(ctx context.Context, bucket, id string) (*Report, error) {
	c, err := s.svc.GetBucketInventory(ctx, bucket, id)
	if err != nil {
		return nil, err
	}
	slot := s.cfg.Now().UnixNano() / int64(s.period(c))
	rep, err := s.run(ctx, bucket, c, slot, true)
	if errors.Is(err, errBusy) {
		return nil, fmt.Errorf("inventory %q of %q: %w", id, bucket, ErrBusy)
	}
	return rep, err
}

// ErrBusy is a report another gateway is writing.
var ErrBusy = errors.New("inventory report already in progress")

// run writes one report under the lease; nil, nil when it was not due.
func (s *Scheduler) run(ctx context.Context, bucket string, c *object.InventoryConfiguration, slot int64, force bool) (*Report, error) {
	ok, err := s.claim(ctx, bucket, c.ID, slot, force)
	if err != nil || !ok {
		return nil, err
	}
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	renewed := make(chan error, 1)
	go func() { renewed <- s.keepLease(rctx, cancel, bucket, c.ID) }()
	rep, err := s.gen.Run(rctx, bucket, c)
	cancel()
	if lerr := <-renewed; lerr != nil && err == nil {
		err = lerr
	}
	// The lease is given back whatever happened: a failed report is
	// retried at the next pass, an interrupted one by whoever restarts.
	dctx := context.WithoutCancel(ctx)
	if err != nil {
		if rerr := s.done(dctx, bucket, c.ID, nil); rerr != nil && !errors.Is(rerr, errLeaseLost) {
			s.cfg.Logger.Warn("inventory lease release failed", "bucket", bucket, "id", c.ID, "err", rerr)
		}
		return nil, err
	}
	st := &state{Slot: slot, Finished: s.cfg.Now().UnixNano(), Manifest: rep.ManifestKey}
	if err := s.done(dctx, bucket, c.ID, st); err != nil {
		return nil, fmt.Errorf("record inventory report of %q/%q: %w", bucket, c.ID, err)
	}
	return rep, nil
}

// keepLease renews the lease every third of it until ctx ends; losing
// it cancels the report.
func (s *Scheduler) keepLease(ctx context.Context, cancel context.CancelFunc, bucket, id string) error {
	t := time.NewTicker(s.cfg.Lease / 3)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
			if err := s.renew(ctx, bucket, id); err != nil {
				if ctx.Err() != nil {
					return nil
				}
				cancel()
				return fmt.Errorf("renew inventory lease of %q/%q: %w", bucket, id, err)
			}
		}
	}
}
