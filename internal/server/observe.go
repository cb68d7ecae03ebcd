package server

import (
	"net/http"

	"github.com/hoard-s3/hoard/internal/meta"
	"github.com/hoard-s3/hoard/internal/metrics"
)

func newMetrics(store meta.Store) *metrics.Metrics {
	m := metrics.New()
	if src, ok := store.(metrics.PebbleSource); ok {
		m.WatchPebble(src)
	}
	return m
}

// guard puts the request cap, the metrics endpoint and the notification
// status (notify.go) in front of h.
func (s *Server) guard(h http.Handler) http.Handler {
	n := s.cfg.MaxRequests
	if n <= 0 {
		n = DefaultMaxRequests()
	}
	return limit(s.withNotifyStatus(h), s.metrics.Handler(s.cfg.MetricsToken), n, s.metrics)
}

// Metrics exposes the server's collectors (for tests and embedding).
func (s *Server) Metrics() *metrics.Metrics { return s.metrics }
