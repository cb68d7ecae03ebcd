package replication

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/hoard-s3/hoard/internal/object"
)

// Metrics are the replicator's figures since start: failures, and the
// lag from write to COMPLETED of the last lagWindow deliveries (p50,
// p99). The backlog is the outbox's, read from the metadata.
type Metrics struct {
	failures  atomic.Int64
	completed atomic.Int64

	mu  sync.Mutex
	lag []time.Duration // ring of the latest lags
	pos int
}

const lagWindow = 4096

func newMetrics() *Metrics { return &Metrics{} }

func (m *Metrics) observe(d time.Duration) {
	m.completed.Add(1)
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.lag) < lagWindow {
		m.lag = append(m.lag, d)
		return
	}
	m.lag[m.pos] = d
	m.pos = (m.pos + 1) % lagWindow
}

// Snapshot is what the metrics say now.
type Snapshot struct {
	Completed, Failures int64
	LagP50, LagP99      time.Duration
	Backlog             int64
}

// Snapshot reads the figures; the backlog from the outbox.
func (r *Replicator) Snapshot(ctx context.Context) (Snapshot, error) {
	m := r.metrics
	s := Snapshot{Completed: m.completed.Load(), Failures: m.failures.Load()}
	m.mu.Lock()
	lags := slices.Clone(m.lag)
	m.mu.Unlock()
	if len(lags) > 0 {
		slices.Sort(lags)
		s.LagP50 = lags[len(lags)*50/100]
		s.LagP99 = lags[min(len(lags)-1, len(lags)*99/100)]
	}
	if r.cfg.Outbox != nil {
		st, err := r.cfg.Outbox.Stats(ctx)
		if err != nil {
			return s, err
		}
		if k := st[object.ReplicationKind]; k != nil {
			s.Backlog = k.Records
		}
	}
	return s, nil
}

var (
	descBacklog   = prometheus.NewDesc("hoard_replication_backlog", "Replication tasks queued and not yet delivered.", nil, nil)
	descCompleted = prometheus.NewDesc("hoard_replication_completed_total", "Versions and delete markers replicated since start.", nil, nil)
	descFailures  = prometheus.NewDesc("hoard_replication_failures_total", "Replication attempts that failed since start (each is retried).", nil, nil)
	descLag       = prometheus.NewDesc("hoard_replication_lag_seconds", "Lag from write to replicated, over the latest deliveries.", []string{"quantile"}, nil)
)

// Collector exports the metrics to Prometheus.
func (r *Replicator) Collector() prometheus.Collector { return collector{r} }

type collector struct{ r *Replicator }

func (c collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descBacklog, descCompleted, descFailures, descLag} {
		ch <- d
	}
}

func (c collector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	s, _ := c.r.Snapshot(ctx)
	ch <- prometheus.MustNewConstMetric(descBacklog, prometheus.GaugeValue, float64(s.Backlog))
	ch <- prometheus.MustNewConstMetric(descCompleted, prometheus.CounterValue, float64(s.Completed))
	ch <- prometheus.MustNewConstMetric(descFailures, prometheus.CounterValue, float64(s.Failures))
	ch <- prometheus.MustNewConstMetric(descLag, prometheus.GaugeValue, s.LagP50.Seconds(), "0.5")
	ch <- prometheus.MustNewConstMetric(descLag, prometheus.GaugeValue, s.LagP99.Seconds(), "0.99")
}
