// Package lifecycle applies buckets' lifecycle rules in the background:
// it expires current versions, removes noncurrent versions and lone
// delete markers, aborts stale multipart uploads and hands transitions to
// the tiers. It sits below the wire layer and above the object service,
// whose calls (ApplyLifecycle, AbortMultipartUpload) make every change
// under the same version and object-lock rules as a client's request.
//
// A pass walks each bucket with rules once, in key order, a page at a
// time, so memory stays flat whatever the bucket's size. Its progress (a
// cursor per bucket) and the right to work on a bucket (a lease) live in
// the metadata store, never in memory: a restarted server resumes where
// the last one stopped, and several gateways sharing one database share
// the buckets between them.
package lifecycle

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

// Transitioner moves one version to another storage class: copy to the
// class's tier, verify, switch in one metadata commit, remove the source.
// It must leave a version alone that is no longer the one written at
// modTime. ServiceTransitioner is the object service's; without one the
// worker leaves transitions undone and says so once per pass.
type Transitioner interface {
	TransitionObject(ctx context.Context, bucket, key, versionID, storageClass string, modTime time.Time) error
}

// ServiceTransitioner is the object service's Transition, named as
// lifecycle's doing (s3:LifecycleTransition).
type ServiceTransitioner struct{ Svc *object.Service }

// TransitionObject implements Transitioner.
func (t ServiceTransitioner) TransitionObject(ctx context.Context, bucket, key, versionID, class string, modTime time.Time) error {
	_, err := t.Svc.Transition(ctx, object.TransitionInput{Bucket: bucket, Key: key, VersionID: versionID,
		StorageClass: class, IfModTime: modTime, EventName: object.EventLifecycleTransition})
	return err
}

// Config tunes the worker. Zero values take the defaults.
type Config struct {
	// Day is the length of a lifecycle day (S3's 24 hours by default).
	Day time.Duration
	// Every is the time between passes: a quarter day, at most an hour,
	// so a rule due on day N is applied well before day N+2.
	Every time.Duration
	// Rate caps the changes (expirations, aborts, transitions) per second.
	Rate int
	// ScanRate caps the versions listed per second.
	ScanRate int
	// Batch is the number of expirations committed together.
	Batch int
	// Yield is how many times as long as each batch and listing page
	// took the worker then sleeps (so it holds at most 1/(Yield+1) of the
	// engines' time); negative means not at all.
	Yield int
	// Lease is how long a bucket stays with one gateway without renewal.
	Lease time.Duration
	// Owner names this gateway in leases (random by default).
	Owner string
	// Transitioner applies transitions; nil leaves them undone.
	Transitioner Transitioner
	Logger       *slog.Logger
	Now          func() time.Time
}

// Defaults.
const (
	DefaultRate     = 1000
	DefaultYield    = 2
	DefaultScanRate = 20000
	DefaultBatch    = 20
	DefaultLease    = time.Minute
	pageSize        = 1000
)

func (c *Config) fill() {
	if c.Day <= 0 {
		c.Day = time.Duration(object.S3Day)
	}
	if c.Every <= 0 {
		c.Every = min(c.Day/4, time.Hour)
	}
	if c.Rate <= 0 {
		c.Rate = DefaultRate
	}
	if c.ScanRate <= 0 {
		c.ScanRate = DefaultScanRate
	}
	if c.Batch <= 0 || c.Batch > object.MaxLifecycleBatch {
		c.Batch = DefaultBatch
	}
	if c.Yield == 0 {
		c.Yield = DefaultYield
	}
	if c.Yield < 0 {
		c.Yield = 0
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
}

// Worker applies lifecycle rules.
type Worker struct {
	svc   *object.Service
	store meta.Store
	cfg   Config
	day   object.LifecycleDay
	act   *pacer
	scan  *pacer
}

// New returns a worker over the object service and the metadata store
// that service uses (the worker keeps its cursors and leases there).
func New(svc *object.Service, store meta.Store, cfg Config) *Worker {
	cfg.fill()
	return &Worker{svc: svc, store: store, cfg: cfg, day: object.LifecycleDay(cfg.Day),
		act: newPacer(cfg.Rate), scan: newPacer(cfg.ScanRate)}
}

// Stats counts what one pass did.
type Stats struct {
	Buckets, Scanned             int
	Expired, Noncurrent, Markers int
	Aborted, Transitioned        int
	// Protected counts removals object lock refused; Stale, versions that
	// changed between the scan and the change; Pending, transitions left
	// for want of a Transitioner.
	Protected, Stale, Pending int
}

func (s *Stats) add(o Stats) {
	s.Buckets += o.Buckets
	s.Scanned += o.Scanned
	s.Expired += o.Expired
	s.Noncurrent += o.Noncurrent
	s.Markers += o.Markers
	s.Aborted += o.Aborted
	s.Transitioned += o.Transitioned
	s.Protected += o.Protected
	s.Stale += o.Stale
	s.Pending += o.Pending
}

// Run makes passes until ctx ends.
func (w *Worker) Run(ctx context.Context) {
	t := time.NewTicker(w.cfg.Every)
	defer t.Stop()
	for {
		st, err := w.Pass(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			w.cfg.Logger.Warn("lifecycle pass failed", "err", err)
		case st.Expired+st.Noncurrent+st.Markers+st.Aborted+st.Transitioned > 0:
			w.cfg.Logger.Info("lifecycle pass", "buckets", st.Buckets, "scanned", st.Scanned,
				"expired", st.Expired, "noncurrent", st.Noncurrent, "markers", st.Markers,
				"aborted", st.Aborted, "transitioned", st.Transitioned, "protected", st.Protected)
		}
		if st.Pending > 0 {
			w.cfg.Logger.Warn("lifecycle transitions are due but no storage tiers are configured", "versions", st.Pending)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Pass visits every bucket once. A bucket another gateway holds, or one
// whose pass finished less than Every ago, is skipped; one whose pass was
// interrupted resumes from its cursor.
func (w *Worker) Pass(ctx context.Context) (Stats, error) {
	var total Stats
	after := ""
	for {
		page, err := w.svc.ListBuckets(ctx, object.ListBucketsInput{After: after, Max: pageSize})
		if err != nil {
			return total, fmt.Errorf("list buckets: %w", err)
		}
		for _, b := range page.Buckets {
			st, err := w.bucketPass(ctx, b.Name)
			total.add(st)
			if err != nil && !errors.Is(err, object.ErrNoSuchBucket) {
				if ctx.Err() != nil {
					return total, ctx.Err()
				}
				w.cfg.Logger.Warn("lifecycle pass of a bucket failed", "bucket", b.Name, "err", err)
			}
		}
		if page.Next == "" {
			return total, nil
		}
		after = page.Next
	}
}
