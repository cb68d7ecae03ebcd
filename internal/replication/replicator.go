// Package replication is the replicator: the outbox consumer that takes
// each queued version (object.ReplicationTask) to the destination bucket
// of its rule, on whichever registered site holds that bucket, and
// records the outcome in the version's replication status.
//
// It sits below the wire layer: it reads versions through the object
// service (which decrypts SSE-S3 and SSE-KMS data, so plaintext travels
// over the site link only and is sealed again under the destination's
// keys) and writes them to the other site with a signed S3 request that
// carries the version id (s3api/replica.go). Its state is the outbox's:
// a task is deleted only once the destination acknowledged it, so a
// crash, a restart or a destination down for an hour loses nothing; a
// failing task is retried with the outbox's backoff, its version showing
// FAILED meanwhile.
package replication

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/hoard-s3/hoard/internal/object"
	"github.com/hoard-s3/hoard/internal/outbox"
	"github.com/hoard-s3/hoard/internal/sites"
)

// Sites lists the registered sites with their secrets (*sites.Registry).
type Sites interface {
	All(ctx context.Context) ([]sites.Credentials, error)
}

// Config configures a Replicator.
type Config struct {
	Service *object.Service
	Sites   Sites
	Outbox  *outbox.Outbox
	HTTP    *http.Client // default: one with a 5 minute timeout
	Logger  *slog.Logger
	Now     func() time.Time
}

// Replicator delivers replication tasks.
type Replicator struct {
	cfg     Config
	log     *slog.Logger
	metrics *Metrics

	// base bounds transfers instead of the outbox's per-delivery
	// deadline (a third of a lease, a few seconds), which a large object
	// outlives; Close cancels it.
	base  context.Context
	close context.CancelFunc

	mu    sync.Mutex
	dests map[string]cachedDest // bucket name -> where it lives
}

// transferTimeout bounds the transfer of one version.
const transferTimeout = 30 * time.Minute

type cachedDest struct {
	site sites.Credentials
	at   time.Time
}

// destTTL is how long a bucket's site is remembered.
const destTTL = time.Minute

// New returns a replicator; Register makes it the outbox's consumer.
func New(cfg Config) *Replicator {
	if cfg.HTTP == nil {
		cfg.HTTP = &http.Client{Timeout: 5 * time.Minute}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	r := &Replicator{cfg: cfg, log: cfg.Logger.With("component", "replication"), metrics: newMetrics(), dests: map[string]cachedDest{}}
	r.base, r.close = context.WithCancel(context.Background())
	return r
}

// Close ends transfers in progress (at shutdown); their tasks stay queued.
func (r *Replicator) Close() { r.close() }

// Register makes r the consumer of replication tasks.
func (r *Replicator) Register(d *outbox.Dispatcher) error {
	return d.Register(object.ReplicationKind, r, outbox.ConsumerOptions{MaxBatch: 16})
}

// Deliver replicates a shard's tasks in order and stops at the first
// failure, which the outbox retries with backoff. A transfer is bounded by
// transferTimeout rather than by ctx's deadline; once that has passed, no
// further task starts and those done are acknowledged. A task whose
// lease ran out meanwhile may be delivered twice, which the destination
// takes as success (the version is already there).
func (r *Replicator) Deliver(ctx context.Context, batch []outbox.Record) (int, error) {
	for i, rec := range batch {
		if ctx.Err() != nil {
			return i, nil
		}
		task, err := object.DecodeTask(rec.Payload)
		if err != nil {
			r.log.Error("dropping a malformed replication task", "err", err)
			continue
		}
		tctx, cancel := context.WithTimeout(r.base, transferTimeout)
		err = r.replicate(tctx, task)
		cancel()
		if err != nil {
			r.metrics.failures.Add(1)
			if !task.Marker && r.base.Err() == nil {
				r.setStatus(task, object.ReplFailed)
			}
			return i, fmt.Errorf("replicate %s/%s %s: %w", task.Bucket, task.Key, task.VersionID, err)
		}
		r.metrics.observe(object.ReplicationLag(task, r.cfg.Now()))
	}
	return len(batch), nil
}

// errPermanent is a task that can never succeed (its rule is gone): it
// is dropped, the version left FAILED.
var errPermanent = errors.New("replication cannot succeed")

func (r *Replicator) replicate(ctx context.Context, task object.ReplicationTask) error {
	rule, err := r.rule(ctx, task)
	if errors.Is(err, errPermanent) {
		r.log.Warn("replication task dropped", "bucket", task.Bucket, "key", task.Key, "version", task.VersionID, "err", err)
		r.setStatus(task, object.ReplFailed)
		return nil
	}
	if err != nil {
		return err
	}
	site, err := r.destination(ctx, rule.Destination.DestinationBucket())
	if err != nil {
		return err
	}
	if task.Marker {
		return r.sendMarker(ctx, site, rule, task)
	}
	done, err := r.sendVersion(ctx, site, rule, task)
	if err != nil || !done {
		return err
	}
	return r.cfg.Service.SetReplicationStatus(ctx, task.Bucket, task.Key, task.VersionID, object.ReplCompleted)
}

// rule is the rule a task was queued under, as configured now.
func (r *Replicator) rule(ctx context.Context, task object.ReplicationTask) (*object.ReplicationRule, error) {
	cfg, err := r.cfg.Service.GetBucketReplication(ctx, task.Bucket)
	if errors.Is(err, object.ErrNoSuchBucketConfig) || errors.Is(err, object.ErrNoSuchBucket) {
		return nil, fmt.Errorf("%w: bucket %s has no replication configuration", errPermanent, task.Bucket)
	}
	if err != nil {
		return nil, err
	}
	rule := cfg.Rule(task.Rule)
	if rule == nil {
		return nil, fmt.Errorf("%w: rule %q is gone", errPermanent, task.Rule)
	}
	return rule, nil
}

func (r *Replicator) setStatus(task object.ReplicationTask, st object.ReplicationStatus) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := r.cfg.Service.SetReplicationStatus(ctx, task.Bucket, task.Key, task.VersionID, st); err != nil {
		r.log.Warn("replication status not recorded", "bucket", task.Bucket, "key", task.Key, "status", st.String(), "err", err)
	}
}

// destination finds the site that holds bucket: the first registered
// site that answers HEAD bucket with 200, remembered for a minute.
func (r *Replicator) destination(ctx context.Context, bucket string) (sites.Credentials, error) {
	r.mu.Lock()
	c, ok := r.dests[bucket]
	r.mu.Unlock()
	if ok && r.cfg.Now().Sub(c.at) < destTTL {
		return c.site, nil
	}
	all, err := r.cfg.Sites.All(ctx)
	if err != nil {
		return sites.Credentials{}, err
	}
	var errs []error
	for _, s := range all {
		found, err := r.hasBucket(ctx, s, bucket)
		if err != nil {
			errs = append(errs, fmt.Errorf("site %s: %w", s.Name, err))
			continue
		}
		if found {
			r.mu.Lock()
			r.dests[bucket] = cachedDest{site: s, at: r.cfg.Now()}
			r.mu.Unlock()
			return s, nil
		}
	}
	return sites.Credentials{}, fmt.Errorf("no registered site holds bucket %s (of %d sites): %w", bucket, len(all), errors.Join(errs...))
}

// forget drops a cached destination after a failure, so the next try
// looks again (the bucket may have moved).
func (r *Replicator) forget(bucket string) {
	r.mu.Lock()
	delete(r.dests, bucket)
	r.mu.Unlock()
}
