package server

import (
	"context"
	"strings"

	"github.com/hoard-s3/hoard/internal/audit"
	"github.com/hoard-s3/hoard/internal/iam"
	"github.com/hoard-s3/hoard/internal/logdelivery"
)

// AuditConfig is where the audit trail goes.
type AuditConfig struct {
	File string // appended, one JSON record a line; "" for none
	// Bucket receives CloudTrail log files ("BUCKET" or "BUCKET/PREFIX");
	// "" for none.
	Bucket string
	// DataEvents adds object reads and writes to the management events.
	DataEvents bool
}

// logWorker delivers queued server access log records into their target
// buckets, and audit records into the audit bucket.
func (s *Server) logWorker() *logdelivery.Worker {
	w := &logdelivery.Worker{
		Spool:    logdelivery.NewSpool(s.meta),
		Interval: s.cfg.LogDeliveryEvery,
		Logger:   s.cfg.Logger,
		Owner:    logdelivery.NewOwner(),
		Sinks: map[string]logdelivery.Sink{
			logdelivery.AccessStreamPrefix: &logdelivery.AccessSink{Service: s.service, Account: iam.DefaultAccountID},
		},
	}
	if b := s.cfg.Audit.Bucket; b != "" {
		bucket, prefix, _ := strings.Cut(b, "/")
		w.Sinks[audit.Stream] = &logdelivery.AuditSink{
			Service: s.service, Bucket: bucket, Prefix: strings.Trim(prefix, "/"),
			Account: iam.DefaultAccountID, Region: s.cfg.Region,
		}
	}
	return w
}

// openAudit opens the audit trail, nil when none is asked for.
func (s *Server) openAudit() (*audit.Trail, error) {
	a := s.cfg.Audit
	if a.File == "" && a.Bucket == "" {
		return nil, nil
	}
	var q audit.Queue
	if a.Bucket != "" {
		q = s.logs.Spool
	}
	return audit.Open(a.File, q, a.DataEvents, s.cfg.Logger)
}

// FlushLogs delivers every queued log record now (tests and tools).
func (s *Server) FlushLogs(ctx context.Context) error { return s.logs.Flush(ctx) }
