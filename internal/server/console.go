package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/hoard-s3/hoard/internal/console"
)

// ConsoleConfig configures the web console, served on a listener of its
// own (no console path can then collide with a bucket on the S3 port).
type ConsoleConfig struct {
	Address       string        // host:port; empty: no console
	PartURLExpiry time.Duration // lifetime of presigned part URLs; 0 means 5 minutes
	// OIDC offers "Sign in with …" (console.OIDCConfig); nil: keys only.
	OIDC *console.OIDCConfig
}

// consoleServer is the running console.
type consoleServer struct {
	ln   net.Listener
	http *http.Server
}

// openConsole starts listening for the console, when configured, and
// returns the S3 handler wrapped so the console's page can read the
// answers to the presigned requests it sends there.
func (s *Server) openConsole(s3 http.Handler) (http.Handler, error) {
	cc := s.cfg.Console
	if cc.Address == "" {
		return s3, nil
	}
	if cc.PartURLExpiry < 0 || cc.PartURLExpiry > 7*24*time.Hour || cc.PartURLExpiry > 0 && cc.PartURLExpiry < time.Second {
		s.ln.Close()
		return nil, fmt.Errorf("console: part URL expiry %s: must be from 1s to 168h (7 days)", cc.PartURLExpiry)
	}
	ln, err := net.Listen("tcp", cc.Address)
	if err != nil {
		s.ln.Close()
		return nil, fmt.Errorf("console: listen on %s: %w", cc.Address, err)
	}
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	ln = s.listener(ln)
	s.consoleSessions = &consoleSessions{store: s.meta, seal: s.keyring, now: time.Now}
	h := console.New(console.Config{
		Sessions: s.consoleSessions,
		S3Addr:   s.ln.Addr().String(), S3TLS: s.certs != nil, HTTPClient: s.selfHTTPClient(), Region: s.cfg.Region,
		Credentials: s.accounts, Identities: s.accounts,
		PartURLExpiry: cc.PartURLExpiry, Logger: s.cfg.Logger.With("component", "console"),
		NotifyStatus:      s.notifier.Status,
		ReplicationStatus: s.replicationStats,
		OIDC:              cc.OIDC,
	})
	s.console = &consoleServer{ln: ln, http: &http.Server{
		Handler:           s.front(h),
		ReadHeaderTimeout: 15 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.cfg.Logger.Handler(), slog.LevelWarn),
	}}
	s.protocols(s.console.http)
	return console.AllowPresigned(port, s3), nil
}

// ConsoleAddr is the address the console listens on ("" without one).
func (s *Server) ConsoleAddr() string {
	if s.console == nil {
		return ""
	}
	return s.console.ln.Addr().String()
}

func (s *Server) serveConsole() {
	if s.console == nil {
		return
	}
	go func() {
		if err := s.console.http.Serve(s.console.ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.cfg.Logger.Error("console stopped", "err", err)
		}
	}()
}

func (s *Server) shutdownConsole(ctx context.Context) error {
	if s.console == nil {
		return nil
	}
	defer s.console.ln.Close() // in case Serve never ran
	if err := s.console.http.Shutdown(ctx); err != nil {
		s.console.http.Close()
		return fmt.Errorf("console: %w", err)
	}
	return nil
}
