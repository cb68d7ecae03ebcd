// Package testserver starts a real Hoard server, assembled exactly as the
// binary assembles it, on a random loopback port with a temporary data
// directory, and builds clients for it.
package testserver

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/hoard-s3/hoard/internal/meta"
	"github.com/hoard-s3/hoard/internal/meta/pebblemeta"
	"github.com/hoard-s3/hoard/internal/meta/pgmeta"
	"github.com/hoard-s3/hoard/internal/pgtest"
	"github.com/hoard-s3/hoard/internal/s3api"
	"github.com/hoard-s3/hoard/internal/server"
	"github.com/hoard-s3/hoard/internal/tlsconf"
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

// WithTLS serves HTTPS with the certificates of src; the server's
// clients trust roots.
func WithTLS(src tlsconf.Source, roots *x509.CertPool) Option {
	return func(c *server.Config) {
		c.TLS.Certificates = src
		c.TLS.Poll = 100 * time.Millisecond
		tlsRoots.Store(c, roots)
	}
}

// tlsRoots carries the roots of WithTLS from the option to Start, keyed
// by the configuration being built.
var tlsRoots sync.Map

// WithoutSSECOverHTTP refuses customer keys over plain HTTP as S3 does
// (the default here accepts them, for the many tests of SSE-C itself).
func WithoutSSECOverHTTP() Option {
	return func(c *server.Config) { c.TLS.AllowSSECOverHTTP = false }
}

// WithConfig adjusts anything else of the configuration.
func WithConfig(f func(*server.Config)) Option { return f }

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
		// Most tests exercise SSE-C over plain HTTP; the refusal S3
		// makes there has tests of its own (WithoutSSECOverHTTP).
		TLS: server.TLSConfig{AllowSSECOverHTTP: true},
	}
	if testing.Verbose() {
		cfg.Logger = slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.Meta == "" && pgtest.Enabled() {
		cfg.Meta = databaseFor(t, cfg.DataDir)
	}
	var roots *x509.CertPool
	if v, ok := tlsRoots.LoadAndDelete(&cfg); ok {
		roots = v.(*x509.CertPool)
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
	scheme := "http://"
	if srv.TLS() {
		scheme = "https://"
		s.transport.TLSClientConfig = &tls.Config{RootCAs: roots}
		s.transport.ForceAttemptHTTP2 = true
		s.URL = scheme + srv.Addr()
	}
	if a := srv.ConsoleAddr(); a != "" {
		s.ConsoleURL = scheme + a
	}
	go func() { s.done <- srv.Serve() }()
	t.Cleanup(func() { s.Stop(t) })
	return s
}

// databases maps a data directory to its PostgreSQL database
// (HOARD_TEST_META=postgres), so a restart on the directory finds its
// metadata again.
var databases sync.Map

// databaseFor returns the database of dir on the test package's cluster
// (its TestMain calls pgtest.Main).
func databaseFor(t testing.TB, dir string) string {
	t.Helper()
	if url, ok := databases.Load(dir); ok {
		return url.(string)
	}
	url, _ := databases.LoadOrStore(dir, pgtest.Database(t))
	return url.(string)
}

// WithMeta keeps the metadata in the database at url.
func WithMeta(url string) Option { return func(c *server.Config) { c.Meta = url } }

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

// OpenMeta opens the metadata engine of a stopped server's data directory
// (its Pebble store, or its database under HOARD_TEST_META=postgres), for
// tests that inspect what is stored.
func OpenMeta(t testing.TB, dir string) meta.Store {
	t.Helper()
	var (
		m   meta.Store
		err error
	)
	if pgtest.Enabled() {
		m, err = pgmeta.Open(context.Background(), databaseFor(t, dir), pgmeta.Options{})
	} else {
		m, err = pebblemeta.Open(filepath.Join(dir, "meta"))
	}
	if err != nil {
		t.Fatalf("open metadata of %s: %v", dir, err)
	}
	return m
}

// WithOIDCClient sets the client that fetches identity providers' keys
// (a test issuer's TLS client).
func WithOIDCClient(c *http.Client) Option { return func(cfg *server.Config) { cfg.OIDCClient = c } }
