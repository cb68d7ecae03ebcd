package server

import (
	"fmt"

	"github.com/hoard-s3/hoard/internal/replication"
)

// openReplication makes the replicator the outbox's consumer of
// replication tasks, reaching the sites of the registry.
func (s *Server) openReplication() error {
	s.replicator = replication.New(replication.Config{
		Service: s.service, Sites: s.sites, Outbox: s.outbox, Logger: s.cfg.Logger,
	})
	if err := s.replicator.Register(s.dispatcher); err != nil {
		return fmt.Errorf("replication: %w", err)
	}
	s.metrics.Registry().MustRegister(s.replicator.Collector())
	return nil
}

// Replicator exposes the replicator (for tests and benchmarks in-process).
func (s *Server) Replicator() *replication.Replicator { return s.replicator }
