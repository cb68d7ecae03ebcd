// Package edge is the relay of transfer acceleration: it takes S3 requests
// near the client and carries them to a distant origin over warm,
// long-lived connections with large socket buffers. It stores nothing:
// bodies stream through in both directions with bounded memory, and the
// client gets exactly what the origin answered, so a 200 means the origin
// has the bytes durably. The client's signature stays intact; the edge
// adds the original Host and a proof keyed by the secret it shares with
// the origin (internal/edgeauth).
package edge

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"time"

	"github.com/hoard-s3/hoard/internal/edgeauth"
)

// Config is what an edge needs.
type Config struct {
	Origin *url.URL // base URL of the origin, e.g. http://origin:9000
	Secret []byte   // shared with the origin
	ID     string   // this edge's name in proofs and logs
	// Domain is the base domain clients use (BUCKET.Domain,
	// BUCKET.s3-accelerate.Domain); with it set, /health and /metrics on
	// a bucket's host are objects and are relayed.
	Domain string
	// Pool is the number of origin connections opened at start and kept
	// warm; 0 means 16.
	Pool int
	// MaxInFlight bounds concurrent relayed requests; beyond it (after a
	// short wait) clients get 503 SlowDown. 0 means 1024.
	MaxInFlight int
	// SocketBuffer sets SO_SNDBUF and SO_RCVBUF of origin connections
	// (bytes); 0 means 4 MiB, negative leaves the kernel's autotuning.
	SocketBuffer int
	// Congestion names the TCP congestion control of origin connections
	// (e.g. "bbr"); empty keeps the kernel default.
	Congestion string
	// H2C relays over HTTP/2 without TLS (the origin runs with --h2c)
	// instead of a pool of HTTP/1.1 connections.
	H2C bool
	// OriginTLS verifies an https origin (its CA, pins: tlsconf.Client);
	// nil uses the system roots.
	OriginTLS *tls.Config
	Logger    *slog.Logger
}

// Edge is an http.Handler relaying to the origin.
type Edge struct {
	cfg       Config
	transport *http.Transport
	proxy     *httputil.ReverseProxy
	slots     chan struct{}
	metrics   *metrics
	log       *slog.Logger
	stopWarm  context.CancelFunc
}

// slotWait is how long a request waits for a relay slot before SlowDown.
const slotWait = 2 * time.Second

// New builds an edge. Call Warm to open the pool and Close to release it.
func New(cfg Config) (*Edge, error) {
	if cfg.Origin == nil || (cfg.Origin.Scheme != "http" && cfg.Origin.Scheme != "https") || cfg.Origin.Host == "" {
		return nil, errors.New("edge: origin must be an http:// or https:// URL")
	}
	if len(cfg.Secret) == 0 {
		return nil, errors.New("edge: a secret shared with the origin is required")
	}
	if cfg.ID == "" {
		cfg.ID = "edge"
	}
	if cfg.Pool <= 0 {
		cfg.Pool = 16
	}
	if cfg.MaxInFlight <= 0 {
		cfg.MaxInFlight = 1024
	}
	if cfg.SocketBuffer == 0 {
		cfg.SocketBuffer = 4 << 20
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	e := &Edge{cfg: cfg, slots: make(chan struct{}, cfg.MaxInFlight), metrics: newMetrics(), log: cfg.Logger}
	e.transport = newTransport(cfg)
	e.proxy = &httputil.ReverseProxy{
		Rewrite:        e.rewrite,
		Transport:      &timedTransport{rt: e.transport, m: e.metrics},
		BufferPool:     bufferPool{},
		ModifyResponse: e.countResponse,
		ErrorHandler:   e.upstreamError,
		ErrorLog:       slog.NewLogLogger(cfg.Logger.Handler(), slog.LevelDebug),
	}
	return e, nil
}

// rewrite points the request at the origin and adds the trust headers.
// Method, path, query, headers and body stay the client's.
func (e *Edge) rewrite(pr *httputil.ProxyRequest) {
	in := pr.In
	pr.SetURL(e.cfg.Origin)
	// SetURL joins the origin's base path; a bare origin keeps the
	// client's escaped path byte for byte.
	if p := strings.TrimSuffix(e.cfg.Origin.Path, "/"); p == "" {
		pr.Out.URL.Path, pr.Out.URL.RawPath = in.URL.Path, in.URL.RawPath
	}
	pr.Out.URL.RawQuery = in.URL.RawQuery
	edgeauth.Strip(pr.Out.Header)
	edgeauth.Sign(pr.Out.Header, e.cfg.Secret, e.cfg.ID, in.Method, pr.Out.URL.Path, pr.Out.URL.RawQuery, in.Host, in.TLS != nil, time.Now())
}

// ServeHTTP serves the edge's own endpoints and relays everything else.
func (e *Edge) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case e.ownEndpoint(r, "/health"):
		e.serveHealth(w, r)
		return
	case e.ownEndpoint(r, "/metrics"):
		e.metrics.handler.ServeHTTP(w, r)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), slotWait)
	select {
	case e.slots <- struct{}{}:
		cancel()
	case <-ctx.Done():
		cancel()
		e.metrics.rejected.Inc()
		writeS3Error(w, r, http.StatusServiceUnavailable, "SlowDown", "Please reduce your request rate.")
		return
	}
	defer func() { <-e.slots }()
	e.metrics.inFlight.Inc()
	defer e.metrics.inFlight.Dec()
	rec := &statusWriter{ResponseWriter: w}
	if r.Body != nil && r.Body != http.NoBody {
		r.Body = &countingBody{rc: r.Body, n: e.metrics.bytesIn}
	}
	e.proxy.ServeHTTP(rec, r)
	e.metrics.requests.WithLabelValues(r.Method, statusClass(rec.status)).Inc()
}

// ownEndpoint reports whether r asks for one of the edge's own endpoints:
// an anonymous GET/HEAD of path p without a query, on a host that is not a
// bucket's.
func (e *Edge) ownEndpoint(r *http.Request, p string) bool {
	if r.URL.Path != p || r.URL.RawQuery != "" || r.Header.Get("Authorization") != "" {
		return false
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return false
	}
	return !e.bucketHost(r.Host)
}

// bucketHost reports whether host names a bucket under the domain.
func (e *Edge) bucketHost(host string) bool {
	if e.cfg.Domain == "" {
		return false
	}
	if h, _, ok := strings.Cut(host, ":"); ok {
		host = h
	}
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	sub, ok := strings.CutSuffix(host, "."+strings.ToLower(strings.TrimSuffix(e.cfg.Domain, ".")))
	return ok && sub != "s3-accelerate" && sub != "s3-accelerate.dualstack"
}

// countResponse counts the bytes the origin sends back as they stream.
func (e *Edge) countResponse(resp *http.Response) error {
	if resp.Body != nil && resp.Body != http.NoBody {
		resp.Body = &countingBody{rc: resp.Body, n: e.metrics.bytesOut}
	}
	return nil
}

// upstreamError answers when the origin could not be reached or broke off
// before answering: 502 with an S3 error body. The client's request was
// not acknowledged, and the origin never makes a partial write visible.
func (e *Edge) upstreamError(w http.ResponseWriter, r *http.Request, err error) {
	if r.Context().Err() != nil {
		// The client went away; nobody is listening for an answer.
		e.log.Debug("client gone during relay", "method", r.Method, "path", r.URL.Path, "err", err)
		return
	}
	e.metrics.upstreamErrors.Inc()
	e.log.Warn("origin unreachable", "method", r.Method, "path", r.URL.Path, "err", err)
	writeS3Error(w, r, http.StatusBadGateway, "BadGateway",
		"The edge could not complete the request at the origin; nothing was stored. Please retry.")
}

// Warm opens the pool of origin connections and keeps it warm until Close:
// no relayed request pays a handshake (or a cold congestion window) on the
// long path. Failures are logged, not fatal: the origin may come later.
func (e *Edge) Warm() {
	ctx, cancel := context.WithCancel(context.Background())
	e.stopWarm = cancel
	go func() {
		e.warmOnce(ctx)
		t := time.NewTicker(warmEvery)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				e.warmOnce(ctx)
			}
		}
	}()
}

// warmEvery refreshes the pool before the origin's idle timeout (2 min)
// and the transport's own (90 s) close connections.
const warmEvery = 60 * time.Second

func (e *Edge) warmOnce(ctx context.Context) {
	done := make(chan error, e.cfg.Pool)
	for range e.cfg.Pool {
		go func() { done <- e.probe(ctx) }()
	}
	var failed int
	for range e.cfg.Pool {
		if err := <-done; err != nil {
			failed++
		}
	}
	if failed > 0 && ctx.Err() == nil {
		e.log.Warn("warming origin connections", "failed", failed, "of", e.cfg.Pool)
	}
}

// probe asks the origin's /health over a pooled connection.
func (e *Edge) probe(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	u := *e.cfg.Origin
	u.Path = strings.TrimSuffix(u.Path, "/") + "/health"
	u.RawPath, u.RawQuery = "", ""
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return err
	}
	resp, err := e.transport.RoundTrip(req)
	if err != nil {
		return fmt.Errorf("probe origin: %w", err)
	}
	defer resp.Body.Close()
	drain(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("probe origin: status %d", resp.StatusCode)
	}
	return nil
}

// Close stops warming and closes idle origin connections.
func (e *Edge) Close() {
	if e.stopWarm != nil {
		e.stopWarm()
	}
	e.transport.CloseIdleConnections()
}
