package server

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/hoard-s3/hoard/internal/notify"
	"github.com/hoard-s3/hoard/internal/object"
	"github.com/hoard-s3/hoard/internal/outbox"
)

// NotifyConfig is the outbox and the event notification targets.
type NotifyConfig struct {
	// Targets are the declared targets (--notify-target NAME=URL).
	Targets []notify.Spec
	// Limits bound the outbox; beyond them new records are dropped, with
	// metrics and a log line, and client writes go on.
	Limits outbox.Limits
	// Dispatcher tunes delivery (tests shorten the intervals).
	Dispatcher outbox.DispatcherOptions
}

// openOutbox builds the outbox, its dispatcher and the notifier; the
// dispatcher starts with Serve.
func (s *Server) openOutbox() (*object.Events, error) {
	cfg := s.cfg.Notify
	s.outbox = outbox.New(s.meta, outbox.Options{Limits: cfg.Limits, Logger: s.cfg.Logger})
	opts := cfg.Dispatcher
	if opts.Owner == "" {
		// Stable across restarts, so a restarted server takes its leases
		// back at once; distinct per host and data directory.
		host, _ := os.Hostname()
		dir, _ := filepath.Abs(s.cfg.DataDir)
		opts.Owner = host + ":" + dir
	}
	if opts.Logger == nil {
		opts.Logger = s.cfg.Logger
	}
	s.dispatcher = outbox.NewDispatcher(s.outbox, opts)
	n, err := notify.New(s.outbox, s.dispatcher, cfg.Targets, s.cfg.Logger)
	if err != nil {
		return nil, fmt.Errorf("event notification targets: %w", err)
	}
	s.notifier = n
	return &object.Events{Outbox: s.outbox, Targets: n.Names(), Region: s.cfg.Region, AccountOf: s.accountIDOf}, nil
}

func (s *Server) startOutbox(ctx context.Context) { s.dispatcher.Start(ctx) }

// stopOutbox stops delivery; what is undelivered stays in the outbox.
func (s *Server) stopOutbox() {
	s.outboxDone.Do(func() {
		if s.dispatcher != nil {
			s.dispatcher.Stop()
		}
		if s.notifier != nil {
			s.notifier.Close()
		}
	})
}

// Outbox is the server's outbox, for consumers of other kinds (access
// logs) to append to.
func (s *Server) Outbox() *outbox.Outbox { return s.outbox }

// Dispatcher drains the outbox; consumers of other kinds register here.
func (s *Server) Dispatcher() *outbox.Dispatcher { return s.dispatcher }

// Notifier is the event notification targets' state.
func (s *Server) Notifier() *notify.Notifier { return s.notifier }

// NotifyStatusPath serves the targets' status as JSON (hoard admin notify
// status) to a GET carrying the metrics bearer token. S3 requests never
// carry a bearer token, so the bucket "admin" stays usable.
const NotifyStatusPath = "/admin/notify/status"

// NotifyStatusDoc is the document served at NotifyStatusPath.
type NotifyStatusDoc struct {
	OutboxFull bool            `json:"outboxFull"`
	Targets    []notify.Status `json:"targets"`
}

func (s *Server) withNotifyStatus(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth := r.Header.Get("Authorization")
		if r.URL.Path != NotifyStatusPath || r.Method != http.MethodGet || len(auth) < 7 || !strings.EqualFold(auth[:7], "bearer ") {
			next.ServeHTTP(w, r)
			return
		}
		want := []byte(s.cfg.MetricsToken)
		if len(want) == 0 || subtle.ConstantTimeCompare([]byte(strings.TrimSpace(auth[7:])), want) != 1 {
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		st, err := s.notifier.Status(r.Context())
		if err != nil {
			s.cfg.Logger.Error("notify status", "err", err)
			http.Error(w, "internal error", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		json.NewEncoder(w).Encode(NotifyStatusDoc{OutboxFull: s.outbox.Full(), Targets: st})
	})
}
