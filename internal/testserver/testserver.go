// Package testserver starts a real Hoard server, assembled exactly as the
// binary assembles it, on a random loopback port with a temporary data
// directory, and builds clients for it.
package testserver

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/hoard-s3/hoard/internal/s3api"
	"github.com/hoard-s3/hoard/internal/server"
)

// Test credentials of the root account.
const (
	AccessKey = "HOARDTESTROOTKEY0001"
	SecretKey = "hoard-test-secret-key-0123456789abcdefghij"
	Region    = "us-east-1"
)

// Server is a running test server.
type Server struct {
	URL     string // http://127.0.0.1:PORT
	Addr    string // 127.0.0.1:PORT
	DataDir string
	// ConsoleURL is the web console's base URL (WithConsole only).
	ConsoleURL string
	srv        *server.Server
	done       chan error
	// transport is this server's own, so Stop can close the idle client
	// connections that would otherwise hold graceful shutdown open.
	transport *http.Transport
}

// Option adjusts the server configuration before it starts.
type Option func(*server.Config)

// WithDomain enables virtual-hosted-style addressing under domain.
func WithDomain(domain string) Option { return func(c *server.Config) { c.Domain = domain } }

// WithConsole serves the web console on a random loopback port too.
func WithConsole() Option {
	return func(c *server.Config) { c.Console.Address = "127.0.0.1:0" }
}

// WithBucketDefaults sets the defaults of new buckets.
func WithBucketDefaults(d s3api.BucketDefaults) Option {
	return func(c *server.Config) { c.BucketDefaults = d }
}

// WithLifecycleDay shortens the lifecycle day (and so the worker's
// period, a quarter of it).
func WithLifecycleDay(d time.Duration) Option { return func(c *server.Config) { c.LifecycleDay = d } }

// WithTiering places storage classes on tiers and times restores.
func WithTiering(t server.TierConfig) Option { return func(c *server.Config) { c.Tiering = t } }

// WithDataDir reuses a data directory (for restart tests).
func WithDataDir(dir string) Option { return func(c *server.Config) { c.DataDir = dir } }

// Start starts a server and stops it when the test ends. Logs go to the
// test log only when the test fails verbose-ly; set HOARD_TEST_LOG=1 to see them.
func Start(t testing.TB, opts ...Option) *Server {
	t.Helper()
	cfg := server.Config{
		DataDir:   t.TempDir(),
		Address:   "127.0.0.1:0",
		Region:    Region,
		Root:      server.RootCredentials{AccessKey: AccessKey, SecretKey: SecretKey},
		Logger:    slog.New(slog.NewTextHandler(io.Discard, nil)),
		DrainTime: 5 * time.Second,
	}
	if testing.Verbose() {
		cfg.Logger = slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	for _, o := range opts {
		o(&cfg)
	}
	srv, err := server.Open(cfg)
	if err != nil {
		t.Fatalf("start server: %v", err)
	}
	s := &Server{
		Addr: srv.Addr(), URL: "http://" + srv.Addr(), DataDir: cfg.DataDir,
		srv: srv, done: make(chan error, 1),
		transport: http.DefaultTransport.(*http.Transport).Clone(),
	}
	if a := srv.ConsoleAddr(); a != "" {
		s.ConsoleURL = "http://" + a
	}
	go func() { s.done <- srv.Serve() }()
	t.Cleanup(func() { s.Stop(t) })
	return s
}

// Stop shuts the server down; it is safe to call more than once.
func (s *Server) Stop(t testing.TB) {
	if s.srv == nil {
		return
	}
	s.transport.CloseIdleConnections()
	http.DefaultTransport.(*http.Transport).CloseIdleConnections()
	if err := s.srv.Shutdown(); err != nil {
		t.Errorf("shutdown: %v", err)
	}
	if err := <-s.done; err != nil {
		t.Errorf("serve: %v", err)
	}
	s.srv = nil
}

// Server exposes the underlying server for in-process checks.
func (s *Server) Server() *server.Server { return s.srv }

// Client returns an aws-sdk-go-v2 S3 client for the root account with the
// SDK's default request checksum behaviour, using path-style addressing.
func (s *Server) Client(opts ...func(*s3.Options)) *s3.Client {
	return s3.New(s3.Options{
		Region:       Region,
		BaseEndpoint: aws.String(s.URL),
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider(AccessKey, SecretKey, ""),
		HTTPClient:   s.HTTPClient(),
	}, opts...)
}

// KMSClient returns an aws-sdk-go-v2 KMS client for the root account.
func (s *Server) KMSClient() *kms.Client {
	return kms.New(kms.Options{
		Region:           Region,
		BaseEndpoint:     aws.String(s.URL),
		Credentials:      credentials.NewStaticCredentialsProvider(AccessKey, SecretKey, ""),
		HTTPClient:       s.HTTPClient(),
		RetryMaxAttempts: 1,
	})
}

// HTTPClient returns a plain HTTP client for raw requests to this server.
func (s *Server) HTTPClient() *http.Client {
	return &http.Client{Transport: s.transport, Timeout: 5 * time.Minute}
}

// Context returns a context bounded for one test step.
func Context(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(string(p))
	return len(p), nil
}
