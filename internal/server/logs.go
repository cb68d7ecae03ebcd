package server

import (
	"context"

	"github.com/hoard-s3/hoard/internal/iam"
	"github.com/hoard-s3/hoard/internal/logdelivery"
)

// logWorker delivers the queued server access log records into their
// target buckets.
func (s *Server) logWorker() *logdelivery.Worker {
	return &logdelivery.Worker{
		Spool:    logdelivery.NewSpool(s.meta),
		Interval: s.cfg.LogDeliveryEvery,
		Logger:   s.cfg.Logger,
		Owner:    logdelivery.NewOwner(),
		Sinks: map[string]logdelivery.Sink{
			logdelivery.AccessStreamPrefix: &logdelivery.AccessSink{Service: s.service, Account: iam.DefaultAccountID},
		},
	}
}

// FlushLogs delivers every queued log record now (tests and tools).
func (s *Server) FlushLogs(ctx context.Context) error { return s.logs.Flush(ctx) }
