package server

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hoard-s3/hoard/internal/audit"
	"github.com/hoard-s3/hoard/internal/iam"
	"github.com/hoard-s3/hoard/internal/logdelivery"
	"github.com/hoard-s3/hoard/internal/object"
	"github.com/hoard-s3/hoard/internal/outbox"
	"github.com/hoard-s3/hoard/internal/s3api"
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

// logBatchers are the outbox consumers of log records, kept for FlushLogs.
type logBatchers map[string]*logdelivery.Batcher

// openLogDelivery registers the outbox consumers of server access log
// and audit records with the server's dispatcher.
func (s *Server) openLogDelivery() error {
	s.batchers = logBatchers{}
	sinks := map[string]logdelivery.Sink{
		logdelivery.KindAccessLog: &logdelivery.AccessSink{Service: s.service, Account: iam.DefaultAccountID, AccountOf: s.accountIDOf,
			GrantsACL: func(ctx context.Context, target string, grants []object.LogGrant) ([]byte, error) {
				return s3api.LogGrantsACL(ctx, s.service, target, grants)
			}},
	}
	if b := s.cfg.Audit.Bucket; b != "" {
		bucket, prefix, _ := strings.Cut(b, "/")
		sinks[logdelivery.KindAudit] = &logdelivery.AuditSink{
			Service: s.service, Bucket: bucket, Prefix: strings.Trim(prefix, "/"),
			Account: iam.DefaultAccountID, Region: s.cfg.Region,
		}
	}
	for kind, sink := range sinks {
		b := &logdelivery.Batcher{Sink: sink, Interval: s.cfg.LogDeliveryEvery, Logger: s.cfg.Logger, Now: time.Now}
		s.batchers[kind] = b
		err := s.dispatcher.Register(kind, b, outbox.ConsumerOptions{MaxBatch: logdelivery.MaxBatch, Timeout: 2 * time.Minute})
		if err != nil {
			return fmt.Errorf("log delivery: %w", err)
		}
	}
	return nil
}

// openAudit opens the audit trail, nil when none is asked for.
func (s *Server) openAudit() (*audit.Trail, error) {
	a := s.cfg.Audit
	if a.File == "" && a.Bucket == "" {
		return nil, nil
	}
	var q audit.Queue
	if a.Bucket != "" {
		q = logdelivery.Queue{Outbox: s.outbox}
	}
	return audit.Open(a.File, q, a.DataEvents, s.cfg.Logger)
}

// FlushLogs delivers every log record queued so far without waiting for
// its interval, and returns once they are delivered (tests and tools).
func (s *Server) FlushLogs(ctx context.Context) error {
	now := time.Now()
	for _, b := range s.batchers {
		b.FlushBefore(now)
	}
	for {
		stats, err := s.outbox.Stats(ctx)
		if err != nil {
			return err
		}
		waiting := false
		for kind := range s.batchers {
			if st := stats[kind]; st != nil && st.Records > 0 && st.Oldest.Before(now) {
				waiting = true
			}
		}
		if !waiting {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// accountIDOf is the id of the account a canonical user id belongs to.
func (s *Server) accountIDOf(ctx context.Context, canonical string) (string, error) {
	if s.accounts == nil {
		return "", nil
	}
	a, err := s.accounts.ByCanonicalID(ctx, canonical)
	if err != nil {
		return "", err
	}
	return a.ID, nil
}
