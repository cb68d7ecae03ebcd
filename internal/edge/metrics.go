package edge

import (
	"io"
	"net/http"
	"strconv"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the edge's Prometheus series, on a registry of its own so
// two edges in one process (tests) do not collide.
type metrics struct {
	requests       *prometheus.CounterVec
	bytesIn        prometheus.Counter
	bytesOut       prometheus.Counter
	latency        *prometheus.HistogramVec
	inFlight       prometheus.Gauge
	upstreamErrors prometheus.Counter
	rejected       prometheus.Counter
	handler        http.Handler
}

func newMetrics() *metrics {
	reg := prometheus.NewRegistry()
	bytes := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "hoard_edge_relayed_bytes_total",
		Help: "Body bytes relayed: in = client to origin, out = origin to client.",
	}, []string{"direction"})
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "hoard_edge_requests_total",
			Help: "Relayed requests by method and response status class.",
		}, []string{"method", "status"}),
		bytesIn:  bytes.WithLabelValues("in"),
		bytesOut: bytes.WithLabelValues("out"),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "hoard_edge_upstream_latency_seconds",
			Help:    "Time from relaying a request to the origin's response headers (uploads include the body).",
			Buckets: prometheus.ExponentialBuckets(0.001, 2.5, 14),
		}, []string{"method"}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "hoard_edge_in_flight_requests",
			Help: "Requests being relayed now.",
		}),
		upstreamErrors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "hoard_edge_upstream_errors_total",
			Help: "Requests that failed because the origin could not be reached or broke off.",
		}),
		rejected: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "hoard_edge_rejected_total",
			Help: "Requests answered 503 SlowDown because every relay slot was busy.",
		}),
	}
	reg.MustRegister(m.requests, bytes, m.latency, m.inFlight, m.upstreamErrors, m.rejected)
	m.handler = promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
	return m
}

// countingBody counts bytes read through it into a counter.
type countingBody struct {
	rc io.ReadCloser
	n  prometheus.Counter
}

func (c *countingBody) Read(p []byte) (int, error) {
	n, err := c.rc.Read(p)
	if n > 0 {
		c.n.Add(float64(n))
	}
	return n, err
}

func (c *countingBody) Close() error { return c.rc.Close() }

// statusWriter remembers the status sent to the client.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	// Interim answers (100 Continue relayed from the origin) are not the
	// status of the request.
	if w.status == 0 && code >= 200 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the real writer (flushes).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func statusClass(code int) string {
	if code == 0 {
		return "none"
	}
	return strconv.Itoa(code/100) + "xx"
}
