// Package metrics exposes the server's Prometheus metrics: S3 requests by
// operation and status (counts, latency, bytes), requests in flight, the
// metadata engine's state and the Go runtime.
//
// The wire layer reports each finished request once, from the same place
// that writes its access-log line (see s3api.Config.Observe), so the two
// always agree. /metrics is served only to a client presenting the
// configured bearer token; with no token configured it answers 403 to
// everyone, so that a server never publishes its internals by default.
package metrics

import (
	"strconv"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

const namespace = "hoard"

// Metrics holds the server's collectors in a registry of its own (not the
// process-global default, so that several servers in one test process do
// not collide).
type Metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	bytesIn  *prometheus.CounterVec
	bytesOut *prometheus.CounterVec
	inFlight prometheus.Gauge
	rejected prometheus.Counter
}

// New creates the collectors, with Go runtime and process metrics.
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "s3_requests_total",
			Help: "S3 requests served, by operation and HTTP status.",
		}, []string{"operation", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: namespace, Name: "s3_request_duration_seconds",
			Help:    "Time from request start to the last response byte, by operation.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60},
		}, []string{"operation"}),
		bytesIn: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "s3_received_bytes_total",
			Help: "Request body bytes read, by operation.",
		}, []string{"operation"}),
		bytesOut: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "s3_sent_bytes_total",
			Help: "Response body bytes written, by operation.",
		}, []string{"operation"}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: namespace, Name: "http_requests_in_flight",
			Help: "HTTP requests being served.",
		}),
		rejected: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: namespace, Name: "http_requests_rejected_total",
			Help: "Requests refused with 503 SlowDown because too many were in flight.",
		}),
	}
	m.reg.MustRegister(m.requests, m.latency, m.bytesIn, m.bytesOut, m.inFlight, m.rejected,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Registry is where further collectors go.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Observe records one finished S3 request. op is the operation name the
// access log uses; an empty one (an unrouted request) is "unknown".
func (m *Metrics) Observe(op string, status int, in, out int64, d time.Duration) {
	if op == "" {
		op = "unknown"
	}
	m.requests.WithLabelValues(op, strconv.Itoa(status)).Inc()
	m.latency.WithLabelValues(op).Observe(d.Seconds())
	if in > 0 {
		m.bytesIn.WithLabelValues(op).Add(float64(in))
	}
	if out > 0 {
		m.bytesOut.WithLabelValues(op).Add(float64(out))
	}
}

// InFlight is the in-flight gauge, for the request limiter to maintain.
func (m *Metrics) InFlight() prometheus.Gauge { return m.inFlight }

// Rejected counts requests refused for load.
func (m *Metrics) Rejected() prometheus.Counter { return m.rejected }

// PebbleSource is the metadata engine (pebblemeta.Store).
type PebbleSource interface {
	Metrics() *pebble.Metrics
}

// WatchPebble publishes the metadata engine's size and health.
func (m *Metrics) WatchPebble(src PebbleSource) {
	m.reg.MustRegister(&pebbleCollector{src: src})
}
