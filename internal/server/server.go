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

	"github.com/hoard-s3/hoard/internal/accounts"
	"github.com/hoard-s3/hoard/internal/adminapi"
	"github.com/hoard-s3/hoard/internal/audit"
	"github.com/hoard-s3/hoard/internal/blob"
	"github.com/hoard-s3/hoard/internal/iam"
	"github.com/hoard-s3/hoard/internal/iamapi"
	"github.com/hoard-s3/hoard/internal/inventory"
	"github.com/hoard-s3/hoard/internal/kms"
	"github.com/hoard-s3/hoard/internal/kmsapi"
	"github.com/hoard-s3/hoard/internal/lifecycle"
	"github.com/hoard-s3/hoard/internal/logdelivery"
	"github.com/hoard-s3/hoard/internal/meta"
	"github.com/hoard-s3/hoard/internal/meta/pebblemeta"
	"github.com/hoard-s3/hoard/internal/meta/pgmeta"
	"github.com/hoard-s3/hoard/internal/metrics"
	"github.com/hoard-s3/hoard/internal/notify"
	"github.com/hoard-s3/hoard/internal/object"
	"github.com/hoard-s3/hoard/internal/outbox"
	"github.com/hoard-s3/hoard/internal/replication"
	"github.com/hoard-s3/hoard/internal/s3api"
	"github.com/hoard-s3/hoard/internal/sigv4"
	"github.com/hoard-s3/hoard/internal/sites"
	"github.com/hoard-s3/hoard/internal/sse"
	"github.com/hoard-s3/hoard/internal/tlsconf"
	"github.com/hoard-s3/hoard/internal/usage"
)

// Config is what a server needs to start.
type Config struct {
	DataDir string
	// Meta is the metadata database, postgres://… (PostgreSQL 15+,
	// CockroachDB or YugabyteDB); empty means the embedded engine in
	// DATA/meta. Gateways on one database share DataDir's data files.
	Meta string
	// MetaTimeout bounds each metadata read and transaction on a database
	// (0 means 10 s).
	MetaTimeout time.Duration
	Address     string // host:port; port 0 picks a free one
	Region      string
	Domain      string // virtual-hosted-style base domain; empty disables it
	Root        RootCredentials
	Logger      *slog.Logger
	GCEvery     time.Duration // period of orphan reclamation; 0 means 10 minutes
	DrainTime   time.Duration // how long Shutdown waits for in-flight requests; 0 means 30 s
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
	// LogDeliveryEvery is how often queued server access log (and audit)
	// records are written out as objects; 0 means 5 minutes.
	LogDeliveryEvery time.Duration
	// Audit configures the operator's audit trail; a zero value keeps none.
	Audit AuditConfig
	// Notify configures the outbox and event notification targets.
	Notify NotifyConfig
	// LifecycleDay is the length of a lifecycle rule's day (24 hours
	// unless shortened for tests and demos).
	LifecycleDay time.Duration
	// Lifecycle tunes the lifecycle worker beyond its day (rates, period).
	Lifecycle lifecycle.Config
	// Tiering places storage classes on tiers and times restores.
	Tiering TierConfig
	// InventoryDay is the length of an inventory report's day (24 hours
	// unless shortened for tests and demos); Weekly reports take seven.
	InventoryDay time.Duration
	// TLS configures HTTPS on the S3 and console listeners.
	TLS TLSConfig
	// Usage configures the usage counters, their prices and snapshots.
	Usage UsageConfig
	// OIDCClient fetches OpenID Connect providers' discovery documents
	// and keys (AssumeRoleWithWebIdentity); nil means a default client.
	OIDCClient *http.Client
}

// Server is a running Hoard server.
type Server struct {
	cfg     Config
	lock    *os.File
	meta    meta.Store
	service *object.Service
	keyring *sse.Keyring
	kms     *kms.Service
	iam     *iam.Service
	// accounts holds every account, the operator's (iam, kms) included.
	accounts *accounts.Registry
	ln       net.Listener
	http     *http.Server
	stop     context.CancelFunc
	bg       sync.WaitGroup
	metrics  *metrics.Metrics
	console  *consoleServer
	certs    *tlsconf.Store // nil without TLS
	// acmeALPN offers the ACME challenge protocol in handshakes.
	acmeALPN bool
	audit    *audit.Trail

	outbox     *outbox.Outbox
	dispatcher *outbox.Dispatcher
	notifier   *notify.Notifier
	outboxDone sync.Once
	batchers   logBatchers // the outbox consumers of log records
	// consoleSessions keeps console sessions in the metadata store.
	consoleSessions *consoleSessions
	lc              *lifecycle.Worker
	inventory       *inventory.Scheduler
	usage           *usage.Worker
	sites           *sites.Registry
	replicator      *replication.Replicator
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
	if cfg.LogDeliveryEvery <= 0 {
		cfg.LogDeliveryEvery = 5 * time.Minute
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
	if s.lock, err = lockDir(cfg.DataDir, cfg.Meta != ""); err != nil {
		return nil, err
	}
	if err := tightenModes(cfg.DataDir, cfg.Logger); err != nil {
		return nil, err
	}
	if s.meta, err = openMeta(cfg); err != nil {
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
	if err = withInitLock(cfg.DataDir, func() (err error) {
		s.keyring, err = sse.LoadKeyring(cfg.DataDir)
		return err
	}); err != nil {
		return nil, fmt.Errorf("load root keys: %w", err)
	}
	// The built-in key service serves SSE-KMS; its master keys are wrapped
	// under the same root keyring.
	s.kms = kms.New(s.meta, s.keyring, kms.Config{Region: cfg.Region, AccountID: iam.DefaultAccountID})
	// Identities live in the metadata store, their secrets wrapped under
	// the root keyring; the root key pair comes from the configuration.
	s.iam = iam.New(s.meta, s.keyring, iam.Config{
		AccountID:  iam.DefaultAccountID,
		Root:       sigv4.Credential{AccessKey: cfg.Root.AccessKey, Secret: cfg.Root.SecretKey},
		OIDCClient: cfg.OIDCClient,
	})
	// Accounts: the operator's is the one above; others are created at
	// run time through the admin API.
	if s.accounts, err = accounts.New(context.Background(), s.meta, s.keyring, accounts.Config{
		Region: cfg.Region, OperatorID: iam.DefaultAccountID, OperatorKMS: s.kms,
		Root: sigv4.Credential{AccessKey: cfg.Root.AccessKey, Secret: cfg.Root.SecretKey},
	}, s.iam); err != nil {
		return nil, err
	}
	s.sites = sites.New(s.meta, s.keyring)
	events, err := s.openOutbox()
	if err != nil {
		return nil, err
	}
	s.service = object.New(s.meta, tiers, object.Config{
		Keyring: s.keyring, KeyService: s.accounts.Keys(), Encryption: cfg.Encryption, MetadataEncryption: cfg.MetadataEncryption,
		Events:      events,
		Replication: s.outbox,
		OrphanGrace: cfg.OrphanGrace,
		ClassTiers:  cfg.Tiering.Classes, RestoreDelays: cfg.Tiering.RestoreDelays, RestoreDay: cfg.Tiering.RestoreDay,
		LifecycleDay: cfg.LifecycleDay,
		UsageDepth:   cfg.Usage.Depth, UsageOff: cfg.Usage.Off,
	})
	lcCfg := cfg.Lifecycle
	lcCfg.Day, lcCfg.Logger = cfg.LifecycleDay, cfg.Logger
	if lcCfg.Transitioner == nil {
		lcCfg.Transitioner = lifecycle.ServiceTransitioner{Svc: s.service}
	}
	s.lc = lifecycle.New(s.service, s.meta, lcCfg)
	s.inventory = inventory.NewScheduler(s.service, s.meta, inventory.SchedulerConfig{Day: cfg.InventoryDay, Logger: cfg.Logger,
		Report: inventory.Config{AsOwner: s.asBucketOwner}})
	s.metrics = newMetrics(s.meta)
	s.metrics.Registry().MustRegister(s.notifier.Collector())
	if err := s.openUsage(); err != nil {
		return nil, err
	}
	if err := s.openReplication(); err != nil {
		return nil, err
	}
	if err := s.openLogDelivery(); err != nil {
		return nil, err
	}
	if s.audit, err = s.openAudit(); err != nil {
		return nil, err
	}
	if err := s.openTLS(); err != nil {
		return nil, fmt.Errorf("TLS: %w", err)
	}
	handler := s3api.New(s3api.Config{
		Service:  s.service,
		Verifier: sigv4.NewVerifier(cfg.Region, s.accounts),
		Region:   cfg.Region,
		Domain:   cfg.Domain,
		Logger:   cfg.Logger,
		KMS:      kmsapi.New(s.kms, s.accounts, cfg.Logger).WithAccounts(s.accounts),
		IAM:      iamapi.New(s.iam, cfg.Logger).WithAccounts(s.accounts),
		Admin: adminapi.New(s.accounts, s.ownsBuckets, cfg.Logger).
			WithInventory(s.inventory).
			WithUsage(s.service, s.usage, s.cfg.Usage.Prices).
			WithSites(s.sites).WithReplication(s.service),
		// Every S3 request is authorized against these identities.
		Identities: s.accounts,
		Accounts:   s.accounts,

		EdgeSecret:     cfg.EdgeSecret,
		Observe:        s.metrics.Observe,
		BucketDefaults: cfg.BucketDefaults,

		AccessLogs: logdelivery.Queue{Outbox: s.outbox},
		Audit:      s.audit,
		// Customer keys are secrets in headers: plain HTTP exposes them.
		AllowSSECOverHTTP: cfg.TLS.AllowSSECOverHTTP,
	})
	ln, err := net.Listen("tcp", cfg.Address)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", cfg.Address, err)
	}
	s.ln = s.listener(ln)
	if handler, err = s.openConsole(handler); err != nil {
		return nil, err
	}
	s.http = &http.Server{
		Handler:           s.front(s.guard(withHealth(handler))),
		ReadHeaderTimeout: 15 * time.Second,
		IdleTimeout:       2 * time.Minute,
		// Go reads up to 4 KiB more; the exact limit is in limit.go, and
		// Go's own refusal is rewritten into the same S3 error (wireerr.go).
		MaxHeaderBytes: maxHeaderBytes,
		ConnContext:    connContext,
		ConnState:      connState,
		ErrorLog:       slog.NewLogLogger(cfg.Logger.Handler(), slog.LevelWarn),
	}
	s.protocols(s.http)
	ok = true
	return s, nil
}

// openMeta opens the metadata engine the configuration names.
// It returns a nil interface on error, never a nil *Store inside one.
func openMeta(cfg Config) (meta.Store, error) {
	if cfg.Meta == "" {
		m, err := pebblemeta.OpenWith(filepath.Join(cfg.DataDir, "meta"), pebblemeta.Options{Logger: cfg.Logger})
		if err != nil {
			return nil, err
		}
		return m, nil
	}
	m, err := pgmeta.Open(context.Background(), cfg.Meta, pgmeta.Options{Timeout: cfg.MetaTimeout, Logger: cfg.Logger})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// Addr is the address the server listens on.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Service exposes the object service (for tools and tests in-process).
func (s *Server) Service() *object.Service { return s.service }

// KeyService exposes the built-in key service (for the KMS API and tests).
func (s *Server) KeyService() *kms.Service { return s.kms }

// Lifecycle exposes the lifecycle worker (for benchmarks in-process).
func (s *Server) Lifecycle() *lifecycle.Worker { return s.lc }

// Inventory exposes the inventory scheduler (for tools and tests).
func (s *Server) Inventory() *inventory.Scheduler { return s.inventory }

// Identities exposes the operator account's identity service (for tools
// and tests in-process).
func (s *Server) Identities() *iam.Service { return s.iam }

// Accounts exposes the accounts (for tools and tests in-process).
func (s *Server) Accounts() *accounts.Registry { return s.accounts }

// Serve accepts requests until Shutdown. It reclaims orphans first and then
// periodically in the background.
func (s *Server) Serve() error {
	ctx, cancel := context.WithCancel(context.Background())
	s.stop = cancel
	s.bg.Add(2)
	go s.collectGarbage(ctx)
	s.startOutbox(ctx)
	go s.runRestores(ctx)
	s.watchCertificates(ctx)
	s.bg.Add(1)
	go func() {
		defer s.bg.Done()
		s.lc.Run(ctx)
	}()
	s.bg.Add(1)
	go func() {
		defer s.bg.Done()
		s.inventory.Run(ctx)
	}()
	s.bg.Add(1)
	go s.runUsage(ctx)
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
	if s.replicator != nil {
		s.replicator.Close()
	}
	s.stopOutbox()
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
	s.stopOutbox()
	var errs []error
	if s.audit != nil {
		errs = append(errs, s.audit.Close())
		s.audit = nil
	}
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
	for {
		n, pending, err := s.service.CollectOrphans(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			s.cfg.Logger.Warn("reclaiming orphaned data failed", "err", err)
		case n > 0:
			s.cfg.Logger.Info("reclaimed orphaned data files", "count", n)
		}
		s.reclaimCompletedUploads(ctx)
		s.purgeDeletedKeys(ctx)
		s.purgeExpiredSessions(ctx)
		s.purgeConsoleSessions(ctx)
		// Orphans recorded by this pass are removed by the first pass past
		// their grace, sooner than the period when the grace is short.
		wait := s.cfg.GCEvery
		if grace := s.orphanGrace(); pending > 0 && grace+time.Second < wait {
			wait = grace + time.Second
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
	}
}

func (s *Server) orphanGrace() time.Duration {
	if s.cfg.OrphanGrace > 0 {
		return s.cfg.OrphanGrace
	}
	return blob.DefaultGrace
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
	n, err := s.eachAccount(ctx, func(_ *iam.Service, k *kms.Service) (int, error) { return k.PurgeDeleted(ctx) })
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
	n, err := s.eachAccount(ctx, func(i *iam.Service, _ *kms.Service) (int, error) { return i.PurgeExpiredSessions(ctx) })
	switch {
	case err != nil && ctx.Err() == nil:
		s.cfg.Logger.Warn("removing expired STS sessions failed", "err", err)
	case n > 0:
		s.cfg.Logger.Info("removed expired STS sessions", "count", n)
	}
}

// purgeConsoleSessions removes the records of expired console sessions.
func (s *Server) purgeConsoleSessions(ctx context.Context) {
	if s.consoleSessions == nil {
		return
	}
	n, err := s.consoleSessions.purge(ctx)
	switch {
	case err != nil && ctx.Err() == nil:
		s.cfg.Logger.Warn("removing expired console sessions failed", "err", err)
	case n > 0:
		s.cfg.Logger.Debug("removed expired console sessions", "count", n)
	}
}
