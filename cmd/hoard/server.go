package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/hoard-s3/hoard/internal/blob"
	"github.com/hoard-s3/hoard/internal/edgeauth"
	"github.com/hoard-s3/hoard/internal/object"
	"github.com/hoard-s3/hoard/internal/s3api"
	"github.com/hoard-s3/hoard/internal/server"
)

// serverOptions are the flags of `hoard server`.
type serverOptions struct {
	data, address  string
	region, domain string
	logFormat      string
	logLevel       string
	drain          time.Duration
	orphanGrace    time.Duration
	edgeSecretFile string
	h2c            bool
	maxRequests    int
	metricsToken   string
	pprofAddress   string
	console        server.ConsoleConfig
	encryption     encryptionFlag
	bucketDefaults string
	lifecycleDay   time.Duration
	inventoryDay   time.Duration
	encryptMeta    onOffFlag
	logs           logOptions
	notify         notifyOptions
	usage          usageOptions
	meta           string
	metaTimeout    time.Duration
	tiering        tierOptions
	tls            tlsOptions
	consoleOIDC    consoleOIDCFlags
}

// onOffFlag is a flag that takes on or off and remembers whether it was
// given, so that an environment variable can stand in when it was not.
type onOffFlag struct{ on, set bool }

func (f *onOffFlag) String() string {
	if f != nil && f.on {
		return "on"
	}
	return "off"
}

func (f *onOffFlag) Set(v string) error {
	switch v {
	case "on", "off":
		f.on, f.set = v == "on", true
		return nil
	}
	return fmt.Errorf("want on or off, not %q", v)
}

func (f *onOffFlag) switchValue() object.EncryptionSwitch {
	if f.on {
		return object.EncryptionOn
	}
	return object.EncryptionOff
}

// fromEnv applies the environment variable name when the flag was not
// given.
func (f *onOffFlag) fromEnv(getenv func(string) string, name string) error {
	v := getenv(name)
	if f.set || v == "" {
		return nil
	}
	if err := f.Set(v); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// encryptionFlag is --encryption: on (the default) or off, which stores
// new objects in plaintext and exists only to measure what encryption
// costs.
type encryptionFlag object.EncryptionSwitch

func (f *encryptionFlag) String() string {
	if f != nil && object.EncryptionSwitch(*f) == object.EncryptionOff {
		return "off"
	}
	return "on"
}

func (f *encryptionFlag) Set(v string) error {
	switch v {
	case "on":
		*f = encryptionFlag(object.EncryptionOn)
	case "off":
		*f = encryptionFlag(object.EncryptionOff)
	default:
		return fmt.Errorf("want on or off, not %q", v)
	}
	return nil
}

func serverFlags(w io.Writer) (*flag.FlagSet, *serverOptions) {
	o := &serverOptions{}
	fs := flag.NewFlagSet("server", flag.ContinueOnError)
	fs.SetOutput(w)
	fs.StringVar(&o.data, "data", "./data", "data directory (created if missing)")
	fs.StringVar(&o.address, "address", ":9000", "`host:port` to listen on; port 0 picks a free port")
	fs.StringVar(&o.region, "region", "us-east-1", "region the server answers for (requests must be signed for it)")
	fs.StringVar(&o.domain, "domain", "", "base `domain` for virtual-hosted-style requests (BUCKET.domain); empty: path style only")
	fs.StringVar(&o.logFormat, "log-format", "text", "log format on stderr: text or json")
	fs.StringVar(&o.logLevel, "log-level", "info", "log level: debug, info, warn or error")
	// Below the 30 s that systemd and Kubernetes wait before SIGKILL, so a
	// drain that runs long still ends with the stores closed cleanly.
	fs.DurationVar(&o.drain, "shutdown-timeout", 20*time.Second, "how long a graceful shutdown waits for requests in flight")
	fs.DurationVar(&o.orphanGrace, "orphan-grace", blob.DefaultGrace, "age at which an unreferenced data file (left by an interrupted write) is reclaimed")
	fs.BoolVar(&o.h2c, "h2c", false, "also accept HTTP/2 without TLS (for edges relaying with --origin-protocol h2c)")
	fs.StringVar(&o.edgeSecretFile, "edge-secret-file", "", "`file` holding the secret shared with trusted edges (default $HOARD_EDGE_SECRET; none: trust no edge)")
	fs.IntVar(&o.maxRequests, "max-requests", server.DefaultMaxRequests(), "requests served at once; more wait briefly, then get 503 SlowDown")
	fs.StringVar(&o.metricsToken, "metrics-token-file", "", "`file` holding the bearer token that GET /metrics requires (default $HOARD_METRICS_TOKEN; none: /metrics answers 403)")
	fs.StringVar(&o.pprofAddress, "pprof-address", "", "`host:port` serving Go profiles at /debug/pprof/ (use a loopback address); empty: none")
	fs.StringVar(&o.console.Address, "console-address", ":9001", "`host:port` of the web console; empty: no console")
	fs.DurationVar(&o.console.PartURLExpiry, "console-part-url-expiry", 5*time.Minute, "lifetime of the presigned URLs the console hands out for uploads")
	o.consoleOIDC.register(fs)
	fs.StringVar(&o.bucketDefaults, "bucket-defaults", "", "settings of new buckets: secure (S3's since 2023, the default) or legacy (ACLs on, no bucket Block Public Access; for migrations) (default $HOARD_BUCKET_DEFAULTS)")
	fs.DurationVar(&o.lifecycleDay, "lifecycle-day", 0, "length of a lifecycle rule's day, for tests and demos (default $HOARD_LIFECYCLE_DAY, else 24h)")
	fs.DurationVar(&o.inventoryDay, "inventory-day", 0, "length of an inventory report's day (Weekly is 7), for tests and demos (default $HOARD_INVENTORY_DAY, else 24h)")
	fs.Var(&o.encryption, "encryption", "on (default) or off; off is for benchmarks only: new objects are stored in plaintext")
	o.encryptMeta.on = true
	fs.Var(&o.encryptMeta, "encrypt-metadata", "on or off (default $HOARD_ENCRYPT_METADATA, else on): seal the metadata and tags of new objects under the root key")
	o.logs.register(fs)
	o.notify.register(fs)
	o.usage.register(fs)
	fs.StringVar(&o.meta, "meta", "", "metadata database `url` (postgres://user@host:port/db, for PostgreSQL 15+, CockroachDB or YugabyteDB) shared by several gateways on one data directory (default $HOARD_META; none: the embedded engine in DATA/meta)")
	fs.DurationVar(&o.metaTimeout, "meta-timeout", 10*time.Second, "with --meta: how long a metadata read or transaction may take, retries included, before the request gets 503 SlowDown")
	fs.Var(&o.tiering.tiers, "tier", "a storage tier, repeatable as `NAME=WHERE`: dir:/abs/path or s3://bucket/prefix?endpoint=URL&region=R&credentials=FILE[&profile=P] (default $HOARD_TIERS, comma-separated)")
	fs.Var(&o.tiering.classes, "class-tier", "the tier that holds a storage class's data, repeatable as `CLASS=TIER`; other classes stay in the data directory (default $HOARD_CLASS_TIERS)")
	fs.Var(&o.tiering.delays, "restore-delay", "how long a restore takes, repeatable as `TIER=DURATION`, for Expedited (default 1s), Standard (5s) or Bulk (15s) (default $HOARD_RESTORE_DELAYS)")
	fs.StringVar(&o.tiering.restoreDay, "restore-day", "", "length of a day of RestoreObject's Days, for tests and demonstrations (default $HOARD_RESTORE_DAY, else 24h)")
	o.tls.register(fs)
	fs.Usage = func() { serverUsage(w) }
	return fs, o
}

func serverUsage(w io.Writer) {
	fmt.Fprint(w, `Usage: hoard server [flags]

Serves the S3 API from a data directory. The root credentials come from
HOARD_ROOT_ACCESS_KEY and HOARD_ROOT_SECRET_KEY; when both are unset, a key
pair is generated on first start, printed once and kept in the data
directory (mode 0600). SIGINT or SIGTERM shut down gracefully; a second
signal exits at once. SIGHUP reloads the TLS certificates (--tls-cert,
--tls-cert-dir), which are also reloaded when their files change.

Flags:
`)
	fs, _ := serverFlags(w)
	fs.PrintDefaults()
}

func runServer(a *app, args []string) int {
	fs, o := serverFlags(a.stderr)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(a.stderr, "hoard server: unexpected arguments %q\n", fs.Args())
		return 2
	}
	logger, err := newLogger(a.stderr, o.logFormat, o.logLevel)
	if err != nil {
		fmt.Fprintf(a.stderr, "hoard server: %v\n", err)
		return 2
	}
	if err := o.encryptMeta.fromEnv(a.getenv, "HOARD_ENCRYPT_METADATA"); err != nil {
		fmt.Fprintf(a.stderr, "hoard server: %v\n", err)
		return 2
	}
	if o.meta == "" {
		o.meta = a.getenv("HOARD_META")
	}
	if o.meta != "" && !strings.HasPrefix(o.meta, "postgres://") && !strings.HasPrefix(o.meta, "postgresql://") {
		fmt.Fprintf(a.stderr, "hoard server: --meta: want a postgres:// URL\n")
		return 2
	}
	setGCPercent(a.getenv)
	// Packages that log through slog's default logger (the object
	// service, the metadata engine's defaults) get the same handler.
	slog.SetDefault(logger)
	// Signals are caught from here on: one that arrives while the stores
	// open ends the start-up (see openUntilSignal).
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	defer signal.Stop(sigs)
	// SIGHUP would end the process by default; it reloads certificates.
	signal.Ignore(syscall.SIGHUP)
	srv, code := openUntilSignal(a, o, sigs, logger)
	if srv == nil {
		return code
	}
	defer reloadOnHangup(srv, logger)()
	return serveUntilSignal(a, srv, sigs, logger)
}

// startAbortWait is how long a signal during start-up waits for the
// start-up to finish, so that stores nearly open are closed cleanly.
const startAbortWait = 2 * time.Second

// openUntilSignal opens the server unless a signal comes first: opening
// may take long (a large log to replay) or never end, and a supervisor's
// SIGTERM must stop the process all the same. The stores are crash-safe,
// so leaving an open in progress loses nothing. It returns the server, or
// nil and the exit code.
func openUntilSignal(a *app, o *serverOptions, sigs <-chan os.Signal, logger *slog.Logger) (*server.Server, int) {
	type result struct {
		srv *server.Server
		err error
	}
	opened := make(chan result, 1)
	go func() {
		srv, err := openServer(a, o, logger)
		opened <- result{srv, err}
	}()
	var sig os.Signal
	select {
	case r := <-opened:
		if r.err != nil {
			fmt.Fprintf(a.stderr, "hoard: %v\n", r.err)
			return nil, 1
		}
		return r.srv, 0
	case sig = <-sigs:
	}
	logger.Warn("signal during start-up: stopping", "signal", sig.String())
	select {
	case r := <-opened:
		if r.err == nil {
			if err := r.srv.Shutdown(); err != nil {
				logger.Error("shutdown", "err", err)
			}
		}
	case <-sigs:
	case <-time.After(startAbortWait):
		logger.Warn("start-up did not finish; exiting without closing the stores")
	}
	return nil, 128 + int(sig.(syscall.Signal))
}

// defaultGCPercent replaces Go's 100 unless GOGC is set. The server's
// live heap is small (built with cgo, the default, Pebble keeps its cache
// and memtables off the Go heap; a CGO_ENABLED=0 build keeps them on it
// and pays more memory for this), so collecting at 3x the live heap
// instead of 2x costs a few MiB
// and saves about a quarter of the CPU of a listing page, which allocates
// a fresh string per key. (400 saved little more CPU and kept twice the
// memory after large transfers.)
const defaultGCPercent = 200

func setGCPercent(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(defaultGCPercent)
	}
}

// openServer loads the root credentials and opens the server; it prints
// newly generated credentials and then the listening line, which scripts
// wait for.
func openServer(a *app, o *serverOptions, logger *slog.Logger) (*server.Server, error) {
	// LoadRootCredentials may keep a new pair in the directory, so it must exist first.
	if err := os.MkdirAll(o.data, 0o700); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	root, generated, err := server.LoadRootCredentials(o.data,
		a.getenv("HOARD_ROOT_ACCESS_KEY"), a.getenv("HOARD_ROOT_SECRET_KEY"))
	if err != nil {
		return nil, err
	}
	edgeSecret, err := edgeauth.LoadSecret(o.edgeSecretFile, a.getenv)
	if err != nil {
		return nil, err
	}
	metricsToken, err := loadMetricsToken(o.metricsToken, a.getenv)
	if err != nil {
		return nil, err
	}
	defaults, err := bucketDefaults(o.bucketDefaults, a.getenv)
	if err != nil {
		return nil, err
	}
	lcDay, err := lifecycleDay(o.lifecycleDay, a.getenv)
	if err != nil {
		return nil, err
	}
	invDay, err := dayFlag("inventory-day", "HOARD_INVENTORY_DAY", o.inventoryDay, a.getenv)
	if err != nil {
		return nil, err
	}
	tiering, err := o.tiering.config(a.getenv)
	if err != nil {
		return nil, err
	}
	logEvery, auditCfg, err := o.logs.resolve(a.getenv)
	if err != nil {
		return nil, err
	}
	notifyCfg, err := o.notify.config(a.getenv)
	if err != nil {
		return nil, err
	}
	usageCfg, err := o.usage.config(a.getenv)
	if err != nil {
		return nil, err
	}
	tlsCfg, err := o.tls.config(a.getenv)
	if err != nil {
		return nil, err
	}
	if o.console.OIDC, err = o.consoleOIDC.config(a.getenv); err != nil {
		return nil, err
	}
	srv, err := server.Open(server.Config{
		BucketDefaults:   defaults,
		LifecycleDay:     lcDay,
		InventoryDay:     invDay,
		Usage:            usageCfg,
		Tiering:          tiering,
		TLS:              tlsCfg,
		LogDeliveryEvery: logEvery,
		Audit:            auditCfg,
		MaxRequests:      o.maxRequests,
		MetricsToken:     metricsToken,
		EdgeSecret:       edgeSecret,
		H2C:              o.h2c,
		DataDir:          o.data,
		Meta:             o.meta,
		MetaTimeout:      o.metaTimeout,
		Address:          o.address,
		Region:           o.region,
		Domain:           o.domain,
		Root:             root,
		Logger:           logger,
		DrainTime:        o.drain,
		OrphanGrace:      o.orphanGrace,
		Console:          o.console,
		Notify:           notifyCfg,
		Encryption:       object.EncryptionSwitch(o.encryption),
		// The flag, or HOARD_ENCRYPT_METADATA when it is not given.
		MetadataEncryption: o.encryptMeta.switchValue(),
	})
	if err != nil {
		return nil, err
	}
	if o.pprofAddress != "" {
		addr, err := startPprof(o.pprofAddress, logger)
		if err != nil {
			srv.Shutdown()
			return nil, err
		}
		logger.Info("profiles served", "addr", addr.String())
	}
	scheme := "http"
	if srv.TLS() {
		scheme = "https"
	}
	url := schemeURL(scheme, srv.Addr())
	if generated {
		printCredentials(a.stdout, root, filepath.Join(o.data, "root-credentials.json"), url, o.region)
	}
	if object.EncryptionSwitch(o.encryption) == object.EncryptionOff {
		logger.Warn("encryption at rest is off (--encryption=off, for benchmarks only): new objects are stored in plaintext")
	}
	if o.h2c && srv.TLS() {
		logger.Warn("--h2c is ignored with TLS: HTTP/2 is offered by ALPN on the TLS listener")
	}
	if tlsCfg.AllowSSECOverHTTP {
		logger.Warn("SSE-C customer keys are accepted over plain HTTP (--allow-sse-c-over-http, for development only)")
	}
	if defaults == s3api.LegacyBucketDefaults {
		logger.Warn("new buckets get S3's pre-2023 defaults (--bucket-defaults=legacy): ACLs enabled and no bucket-level Block Public Access")
	}
	logger.Info("hoard started", "version", version, "data", o.data, "addr", srv.Addr(), "region", o.region)
	fmt.Fprintf(a.stdout, "hoard: listening on %s\n", url)
	if addr := srv.ConsoleAddr(); addr != "" {
		fmt.Fprintf(a.stdout, "hoard: console on %s/\n", schemeURL(scheme, addr))
	}
	return srv, nil
}

// serveUntilSignal serves until SIGINT/SIGTERM, then drains and closes.
// A second signal during the drain exits at once: the operator insists,
// and the stores are crash-safe by design.
func serveUntilSignal(a *app, srv *server.Server, sigs <-chan os.Signal, logger *slog.Logger) int {
	served := make(chan error, 1)
	go func() { served <- srv.Serve() }()

	select {
	case err := <-served:
		logger.Error("server stopped", "err", err)
		if cerr := srv.Shutdown(); cerr != nil {
			logger.Error("closing stores", "err", cerr)
		}
		return 1
	case sig := <-sigs:
		logger.Info("shutting down", "signal", sig.String())
	}
	go func() {
		sig := <-sigs
		logger.Warn("second signal: exiting without draining", "signal", sig.String())
		a.exit(128 + int(sig.(syscall.Signal)))
	}()
	err := srv.Shutdown()
	if serr := <-served; serr != nil {
		err = errors.Join(err, serr)
	}
	if err != nil {
		logger.Error("shutdown", "err", err)
		return 1
	}
	logger.Info("stopped cleanly")
	return 0
}

// bucketDefaults resolves --bucket-defaults, then $HOARD_BUCKET_DEFAULTS;
// secure when neither is set.
func bucketDefaults(flagValue string, getenv func(string) string) (s3api.BucketDefaults, error) {
	v, from := flagValue, "--bucket-defaults"
	if v == "" {
		v, from = getenv("HOARD_BUCKET_DEFAULTS"), "HOARD_BUCKET_DEFAULTS"
	}
	if v == "" {
		return s3api.SecureBucketDefaults, nil
	}
	d, err := s3api.ParseBucketDefaults(v)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", from, err)
	}
	return d, nil
}

// lifecycleDay resolves --lifecycle-day, then $HOARD_LIFECYCLE_DAY, else
// S3's 24 hours.
func lifecycleDay(flagValue time.Duration, getenv func(string) string) (time.Duration, error) {
	return dayFlag("lifecycle-day", "HOARD_LIFECYCLE_DAY", flagValue, getenv)
}

// dayFlag resolves a time-compression flag, then its environment
// variable, else S3's 24 hours.
func dayFlag(flagName, envName string, flagValue time.Duration, getenv func(string) string) (time.Duration, error) {
	if flagValue != 0 {
		if flagValue < 0 {
			return 0, fmt.Errorf("--%s %s: want a positive duration", flagName, flagValue)
		}
		return flagValue, nil
	}
	v := getenv(envName)
	if v == "" {
		return 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%s=%q: want a positive duration such as 10s or 24h", envName, v)
	}
	return d, nil
}
