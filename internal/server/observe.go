package server

import (
	"net/http"

	"github.com/hoard-s3/hoard/internal/meta/pebblemeta"
	"github.com/hoard-s3/hoard/internal/metrics"
)

func newMetrics(meta *pebblemeta.Store) *metrics.Metrics {
	m := metrics.New()
	m.WatchPebble(meta)
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
