// Package server assembles a Hoard server from its layers: it opens the
// engines in the data directory, builds the object service and the S3 wire
// layer, and runs the HTTP server and background work until shut down. The
// binary and the test harness share it, so tests run exactly what ships.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/hoard-s3/hoard/internal/blob"
	"github.com/hoard-s3/hoard/internal/iam"
	"github.com/hoard-s3/hoard/internal/iamapi"
	"github.com/hoard-s3/hoard/internal/kms"
	"github.com/hoard-s3/hoard/internal/kmsapi"
	"github.com/hoard-s3/hoard/internal/lifecycle"
	"github.com/hoard-s3/hoard/internal/meta/pebblemeta"
	"github.com/hoard-s3/hoard/internal/metrics"
	"github.com/hoard-s3/hoard/internal/object"
	"github.com/hoard-s3/hoard/internal/s3api"
	"github.com/hoard-s3/hoard/internal/sigv4"
	"github.com/hoard-s3/hoard/internal/sse"
)

// Config is what a server needs to start.
type Config struct {
	DataDir   string
	Address   string // host:port; port 0 picks a free one
	Region    string
	Domain    string // virtual-hosted-style base domain; empty disables it
	Root      RootCredentials
	Logger    *slog.Logger
	GCEvery   time.Duration // period of orphan reclamation; 0 means 10 minutes
	DrainTime time.Duration // how long Shutdown waits for in-flight requests; 0 means 30 s
	// OrphanGrace is how old an unreferenced data file must be before GC
	// removes it (its metadata commit may still be on its way); 0 means
	// blob.DefaultGrace.
	OrphanGrace time.Duration
	// Encryption switches default encryption of new objects (on unless
	// set to object.EncryptionOff, which exists for benchmarks).
	Encryption object.EncryptionSwitch
	// MetadataEncryption seals the metadata and tags of new objects under
	// the root key (on unless set to object.EncryptionOff).
	MetadataEncryption object.EncryptionSwitch
	// EdgeSecret is shared with the edges allowed to relay requests; nil
	// trusts none.
	EdgeSecret []byte
	// H2C also accepts HTTP/2 without TLS (prior knowledge), for edges
	// that relay over HTTP/2 (hoard edge --origin-protocol h2c).
	H2C bool
	// MaxRequests caps requests served at once (503 SlowDown beyond);
	// 0 means DefaultMaxRequests().
	MaxRequests int
	// MetricsToken is the bearer token /metrics requires; empty answers
	// every scrape 403.
	MetricsToken string
	// Console configures the web console; a zero value serves none.
	Console ConsoleConfig
	// BucketDefaults are the settings of buckets created from now on
	// (S3's secure defaults unless set to s3api.LegacyBucketDefaults).
	BucketDefaults s3api.BucketDefaults
	// LifecycleDay is the length of a lifecycle rule's day (24 hours
	// unless shortened for tests and demos).
	LifecycleDay time.Duration
	// Lifecycle tunes the lifecycle worker beyond its day (rates, period).
	Lifecycle lifecycle.Config
	// Tiering places storage classes on tiers and times restores.
	Tiering TierConfig
}

// Server is a running Hoard server.
type Server struct {
	cfg     Config
	lock    *os.File
	meta    *pebblemeta.Store
	service *object.Service
	keyring *sse.Keyring
	kms     *kms.Service
	iam     *iam.Service
	ln      net.Listener
	http    *http.Server
	stop    context.CancelFunc
	bg      sync.WaitGroup
	metrics *metrics.Metrics
	console *consoleServer
	lc      *lifecycle.Worker
}

// Open locks the data directory, opens the engines, reclaims orphaned data
// and starts listening. Call Serve to accept requests.
func Open(cfg Config) (*Server, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	if cfg.GCEvery <= 0 {
		cfg.GCEvery = 10 * time.Minute
	}
	if cfg.DrainTime <= 0 {
		cfg.DrainTime = 30 * time.Second
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	s := &Server{cfg: cfg}
	ok := false
	defer func() {
		if !ok {
			s.closeStores()
		}
	}()
	var err error
	if s.lock, err = lockDir(cfg.DataDir); err != nil {
		return nil, err
	}
	if err := tightenModes(cfg.DataDir, cfg.Logger); err != nil {
		return nil, err
	}
	if s.meta, err = pebblemeta.OpenWith(filepath.Join(cfg.DataDir, "meta"), pebblemeta.Options{Logger: cfg.Logger}); err != nil {
		return nil, openErr("open metadata", cfg.DataDir, err)
	}
	blobs, err := blob.OpenDir(filepath.Join(cfg.DataDir, "blobs"), blob.OS)
	if err == nil && cfg.OrphanGrace > 0 {
		blobs.Grace = cfg.OrphanGrace
	}
	if err != nil {
		return nil, openErr("open data files", cfg.DataDir, err)
	}
	tiers, err := openTiers(cfg.Tiering, cfg.DataDir, cfg.OrphanGrace, blobs)
	if err != nil {
		return nil, err
	}
	// The root keyring is loaded (and on first start generated and saved)
	// before anything can be written, so no object is ever sealed under a
	// key that is not on disk.
	if s.keyring, err = sse.LoadKeyring(cfg.DataDir); err != nil {
		return nil, fmt.Errorf("load root keys: %w", err)
	}
	// The built-in key service serves SSE-KMS; its master keys are wrapped
	// under the same root keyring.
	s.kms = kms.New(s.meta, s.keyring, kms.Config{Region: cfg.Region, AccountID: iam.DefaultAccountID})
	// Identities live in the metadata store, their secrets wrapped under
	// the root keyring; the root key pair comes from the configuration.
	s.iam = iam.New(s.meta, s.keyring, iam.Config{
		AccountID: iam.DefaultAccountID,
		Root:      sigv4.Credential{AccessKey: cfg.Root.AccessKey, Secret: cfg.Root.SecretKey},
	})
	s.service = object.New(s.meta, tiers, object.Config{
		Keyring: s.keyring, KeyService: s.kms, Encryption: cfg.Encryption, MetadataEncryption: cfg.MetadataEncryption,
		ClassTiers: cfg.Tiering.Classes, RestoreDelays: cfg.Tiering.RestoreDelays, RestoreDay: cfg.Tiering.RestoreDay,
	})
	lcCfg := cfg.Lifecycle
	lcCfg.Day, lcCfg.Logger = cfg.LifecycleDay, cfg.Logger
	if lcCfg.Transitioner == nil {
		lcCfg.Transitioner = lifecycle.ServiceTransitioner{Svc: s.service}
	}
	s.lc = lifecycle.New(s.service, s.meta, lcCfg)
	s.metrics = newMetrics(s.meta)
	handler := s3api.New(s3api.Config{
		Service:  s.service,
		Verifier: sigv4.NewVerifier(cfg.Region, s.iam),
		Region:   cfg.Region,
		Domain:   cfg.Domain,
		Logger:   cfg.Logger,
		KMS:      kmsapi.New(s.kms, s.iam, cfg.Logger),
		IAM:      iamapi.New(s.iam, cfg.Logger),
		// Every S3 request is authorized against these identities.
		Identities: s.iam,

		EdgeSecret:     cfg.EdgeSecret,
		Observe:        s.metrics.Observe,
		BucketDefaults: cfg.BucketDefaults,
	})
	ln, err := net.Listen("tcp", cfg.Address)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", cfg.Address, err)
	}
	s.ln = s3Listener{ln}
	if handler, err = s.openConsole(handler); err != nil {
		return nil, err
	}
	s.http = &http.Server{
		Handler:           s.guard(withHealth(handler)),
		ReadHeaderTimeout: 15 * time.Second,
		IdleTimeout:       2 * time.Minute,
		// Go reads up to 4 KiB more; the exact limit is in limit.go, and
		// Go's own refusal is rewritten into the same S3 error (wireerr.go).
		MaxHeaderBytes: maxHeaderBytes,
		ConnContext:    connContext,
		ConnState:      connState,
		ErrorLog:       slog.NewLogLogger(cfg.Logger.Handler(), slog.LevelWarn),
	}
	enableH2C(s.http, cfg.H2C)
	ok = true
	return s, nil
}

// Addr is the address the server listens on.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Service exposes the object service (for tools and tests in-process).
func (s *Server) Service() *object.Service { return s.service }

// KeyService exposes the built-in key service (for the KMS API and tests).
func (s *Server) KeyService() *kms.Service { return s.kms }

// Lifecycle exposes the lifecycle worker (for benchmarks in-process).
func (s *Server) Lifecycle() *lifecycle.Worker { return s.lc }

// Identities exposes the identity service (for tools and tests in-process).
func (s *Server) Identities() *iam.Service { return s.iam }

// Serve accepts requests until Shutdown. It reclaims orphans first and then
// periodically in the background.
func (s *Server) Serve() error {
	ctx, cancel := context.WithCancel(context.Background())
	s.stop = cancel
	s.bg.Add(2)
	go s.collectGarbage(ctx)
	go s.runRestores(ctx)
	s.bg.Add(1)
	go func() {
		defer s.bg.Done()
		s.lc.Run(ctx)
	}()
	s.serveConsole()
	err := s.http.Serve(s.ln)
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// Shutdown stops accepting requests, waits (bounded by DrainTime) for
// in-flight ones, stops background work and closes the stores.
func (s *Server) Shutdown() error {
	ctx, cancel := context.WithTimeout(context.Background(), s.cfg.DrainTime)
	defer cancel()
	err := s.http.Shutdown(ctx)
	if err != nil {
		s.cfg.Logger.Warn("requests still running at shutdown; closing them", "err", err)
		s.http.Close()
	}
	err = errors.Join(err, s.shutdownConsole(ctx))
	if s.stop != nil {
		s.stop()
	}
	s.bg.Wait()
	return errors.Join(err, s.closeStores())
}

// openErr wraps an error of start-up, saying what to do when it is a full
// disk: nothing starts until space is freed.
func openErr(what, dataDir string, err error) error {
	if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) {
		return fmt.Errorf("%s: %w (the file system of %s is full: free space on it and start again)", what, err, dataDir)
	}
	return fmt.Errorf("%s: %w", what, err)
}

func (s *Server) closeStores() error {
	var errs []error
	if s.meta != nil {
		errs = append(errs, s.meta.Close())
		s.meta = nil
	}
	if s.lock != nil {
		errs = append(errs, s.lock.Close())
		s.lock = nil
	}
	return errors.Join(errs...)
}

func (s *Server) collectGarbage(ctx context.Context) {
	defer s.bg.Done()
	t := time.NewTicker(s.cfg.GCEvery)
	defer t.Stop()
	for {
		n, err := s.service.CollectGarbage(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			s.cfg.Logger.Warn("reclaiming orphaned data failed", "err", err)
		case n > 0:
			s.cfg.Logger.Info("reclaimed orphaned data files", "count", n)
		}
		s.reclaimCompletedUploads(ctx)
		s.purgeDeletedKeys(ctx)
		s.purgeExpiredSessions(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// reclaimCompletedUploads drops the records that let a retried
// CompleteMultipartUpload succeed, once they can no longer be used.
func (s *Server) reclaimCompletedUploads(ctx context.Context) {
	n, err := s.service.ReclaimCompletedUploads(ctx)
	switch {
	case err != nil && ctx.Err() == nil:
		s.cfg.Logger.Warn("reclaiming completed upload records failed", "err", err)
	case n > 0:
		s.cfg.Logger.Debug("reclaimed completed upload records", "count", n)
	}
}

// purgeDeletedKeys removes KMS keys whose scheduled deletion date passed
// (they are already unusable; this reclaims their records and aliases).
func (s *Server) purgeDeletedKeys(ctx context.Context) {
	n, err := s.kms.PurgeDeleted(ctx)
	switch {
	case err != nil && ctx.Err() == nil:
		s.cfg.Logger.Warn("removing deleted KMS keys failed", "err", err)
	case n > 0:
		s.cfg.Logger.Info("removed KMS keys past their deletion date", "count", n)
	}
}

// purgeExpiredSessions removes the records of expired temporary
// credentials (they are already refused).
func (s *Server) purgeExpiredSessions(ctx context.Context) {
	n, err := s.iam.PurgeExpiredSessions(ctx)
	switch {
	case err != nil && ctx.Err() == nil:
		s.cfg.Logger.Warn("removing expired STS sessions failed", "err", err)
	case n > 0:
		s.cfg.Logger.Info("removed expired STS sessions", "count", n)
	}
}
