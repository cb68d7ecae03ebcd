package server

import (
	"context"
	"fmt"

	"github.com/hoard-s3/hoard/internal/meta"
	"github.com/hoard-s3/hoard/internal/usage"
)

// UsageConfig configures the usage counters and their pricing.
type UsageConfig struct {
	// Depth is how many `/`-separated key levels get counters of their
	// own: 0 means usage.DefaultDepth, a negative value none (bucket
	// totals only). Every gateway on one database must use the same.
	Depth int
	// Prices turn usage into cost; nil means usage.DefaultPrices().
	Prices usage.PriceTable
	// Off keeps no counters at all; it exists for benchmarks that measure
	// what counting costs.
	Off bool
	// Worker tunes the background folds and daily snapshots (its Store,
	// Buckets and Prices are filled in).
	Worker usage.Worker
}

// openUsage builds the counters of a data directory that has none (or
// has them at another depth) and prepares the background worker.
func (s *Server) openUsage() error {
	if s.cfg.Usage.Prices == nil {
		s.cfg.Usage.Prices = usage.DefaultPrices()
	}
	if err := s.service.PrepareUsage(context.Background(), s.cfg.Logger); err != nil {
		return fmt.Errorf("usage counters: %w", err)
	}
	w := s.cfg.Usage.Worker
	w.Store, w.Prices, w.Buckets, w.Logger = s.meta, s.cfg.Usage.Prices, s.service.BucketNames, s.cfg.Logger
	s.usage = &w
	s.metrics.WatchUsage(s.service, s.cfg.Usage.Prices)
	return nil
}

// runUsage folds usage deltas and keeps daily snapshots until ctx ends.
func (s *Server) runUsage(ctx context.Context) {
	defer s.bg.Done()
	s.usage.Run(ctx)
}

// UsageWorker exposes the usage worker (for tests: snapshots on demand).
func (s *Server) UsageWorker() *usage.Worker { return s.usage }

// Meta exposes the metadata engine (for tests that inspect or damage
// stored state).
func (s *Server) Meta() meta.Store { return s.meta }
