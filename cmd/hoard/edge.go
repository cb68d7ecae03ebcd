package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/hoard-s3/hoard/internal/edge"
	"github.com/hoard-s3/hoard/internal/edgeauth"
)

// edgeOptions are the flags of `hoard edge`.
type edgeOptions struct {
	origin, address, domain string
	secretFile, id          string
	pool, maxInFlight       int
	socketBuffer            int
	congestion              string
	protocol                string
	logFormat, logLevel     string
	drain                   time.Duration
	tls                     edgeTLSOptions
}

func edgeFlags(w io.Writer) (*flag.FlagSet, *edgeOptions) {
	o := &edgeOptions{}
	host, _ := os.Hostname()
	fs := flag.NewFlagSet("edge", flag.ContinueOnError)
	fs.SetOutput(w)
	fs.StringVar(&o.origin, "origin", "", "`URL` of the origin server (required), e.g. http://origin.example.com:9000")
	fs.StringVar(&o.address, "address", ":9001", "`host:port` to listen on; port 0 picks a free port")
	fs.StringVar(&o.domain, "domain", "", "base `domain` clients use (BUCKET.domain, BUCKET.s3-accelerate.domain); the origin's --domain")
	fs.StringVar(&o.secretFile, "secret-file", "", "`file` holding the secret shared with the origin (default $HOARD_EDGE_SECRET)")
	fs.StringVar(&o.id, "id", host, "this edge's `name` in the origin's logs")
	fs.IntVar(&o.pool, "pool", 16, "origin connections opened at start and kept warm")
	fs.IntVar(&o.maxInFlight, "max-in-flight", 1024, "concurrent relayed requests; beyond it clients get 503 SlowDown")
	fs.IntVar(&o.socketBuffer, "socket-buffer", 4<<20, "SO_SNDBUF/SO_RCVBUF of origin connections in `bytes` (-1: kernel autotuning)")
	fs.StringVar(&o.congestion, "origin-congestion", "", "TCP congestion control of origin connections, e.g. bbr (empty: kernel default)")
	fs.StringVar(&o.protocol, "origin-protocol", "http1", "protocol to the origin: http1 (a pool of HTTP/1.1 connections) or h2c (HTTP/2 without TLS; origin needs --h2c)")
	fs.StringVar(&o.logFormat, "log-format", "text", "log format on stderr: text or json")
	fs.StringVar(&o.logLevel, "log-level", "info", "log level: debug, info, warn or error")
	fs.DurationVar(&o.drain, "shutdown-timeout", 20*time.Second, "how long a graceful shutdown waits for requests in flight")
	o.tls.register(fs)
	fs.Usage = func() { edgeUsage(w) }
	return fs, o
}

func edgeUsage(w io.Writer) {
	fmt.Fprint(w, `Usage: hoard edge --origin URL [flags]

Relays S3 requests (path style, virtual-host style and the accelerate host
BUCKET.s3-accelerate.DOMAIN) to a distant origin over warm connections,
streaming bodies both ways; it stores nothing and holds no credentials.
The origin must be started with the same secret (hoard server
--edge-secret-file or HOARD_EDGE_SECRET) and serves only buckets whose
acceleration is Enabled through an edge. GET /health reports the edge and
the origin's reachability; GET /metrics serves Prometheus metrics.
With --tls-cert/--tls-key it serves clients HTTPS (reloaded on change and
SIGHUP); an https:// origin is verified by the system roots, --origin-ca
or --origin-pin.

Flags:
`)
	fs, _ := edgeFlags(w)
	fs.PrintDefaults()
}

func runEdge(a *app, args []string) int {
	fs, o := edgeFlags(a.stderr)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(a.stderr, "hoard edge: unexpected arguments %q\n", fs.Args())
		return 2
	}
	logger, err := newLogger(a.stderr, o.logFormat, o.logLevel)
	if err != nil {
		fmt.Fprintf(a.stderr, "hoard edge: %v\n", err)
		return 2
	}
	origin, err := url.Parse(o.origin)
	if err != nil || o.origin == "" {
		fmt.Fprintf(a.stderr, "hoard edge: --origin must be the origin's URL\n")
		return 2
	}
	secret, err := edgeauth.LoadSecret(o.secretFile, a.getenv)
	if err == nil && secret == nil {
		err = errors.New("a secret shared with the origin is required (--secret-file or $HOARD_EDGE_SECRET)")
	}
	if err != nil {
		fmt.Fprintf(a.stderr, "hoard edge: %v\n", err)
		return 2
	}
	if o.protocol != "http1" && o.protocol != "h2c" {
		fmt.Fprintf(a.stderr, "hoard edge: --origin-protocol must be http1 or h2c\n")
		return 2
	}
	o.tls.fromEnv(a.getenv)
	originTLS, err := o.tls.originTLS()
	if err != nil {
		fmt.Fprintf(a.stderr, "hoard edge: %v\n", err)
		return 2
	}
	e, err := edge.New(edge.Config{
		H2C: o.protocol == "h2c", OriginTLS: originTLS,
		Origin: origin, Secret: secret, ID: o.id, Domain: o.domain,
		Pool: o.pool, MaxInFlight: o.maxInFlight, SocketBuffer: o.socketBuffer, Congestion: o.congestion, Logger: logger,
	})
	if err != nil {
		fmt.Fprintf(a.stderr, "hoard edge: %v\n", err)
		return 2
	}
	defer e.Close()
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	defer signal.Stop(sigs)
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	ln, err := net.Listen("tcp", o.address)
	if err != nil {
		fmt.Fprintf(a.stderr, "hoard edge: listen on %s: %v\n", o.address, err)
		return 1
	}
	srv := &http.Server{Handler: e, ReadHeaderTimeout: 15 * time.Second, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 64 << 10}
	watch, stopWatch := context.WithCancel(context.Background())
	defer stopWatch()
	ln, certs, err := o.tls.listen(watch, ln, srv, logger)
	if err != nil {
		fmt.Fprintf(a.stderr, "hoard edge: TLS: %v\n", err)
		return 1
	}
	e.Warm()
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	scheme := "http"
	if certs != nil {
		scheme = "https"
	}
	logger.Info("hoard edge started", "version", version, "addr", ln.Addr().String(), "origin", origin.Redacted())
	fmt.Fprintf(a.stdout, "hoard edge: listening on %s, relaying to %s\n", schemeURL(scheme, ln.Addr().String()), origin.Redacted())
	go func() {
		for range hup {
			if certs != nil {
				logger.Info("SIGHUP: reloading TLS certificates")
				certs.Reload()
			}
		}
	}()
	select {
	case err := <-served:
		logger.Error("edge stopped", "err", err)
		return 1
	case sig := <-sigs:
		logger.Info("shutting down", "signal", sig.String())
	}
	ctx, cancel := context.WithTimeout(context.Background(), o.drain)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		logger.Warn("requests still running at shutdown; closing them", "err", err)
		srv.Close()
	}
	return 0
}
