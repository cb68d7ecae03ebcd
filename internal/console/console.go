// Package console serves Hoard's web console: a single page (embedded, no
// build step) and the JSON endpoints behind it, on a listener of its own so
// no path of it can collide with a bucket name on the S3 port.
//
// Authorization: the console never touches the object service or the
// identity service on a user's behalf. Every call it makes for a signed-in
// user is an S3 (or IAM) request to the server's own S3 endpoint, signed
// with that user's credentials by aws-sdk-go-v2, so it passes through
// exactly the authentication and authorization every S3 client meets: the
// console can never grant more than the S3 API would. Presigned URLs (part
// uploads, downloads, share links) come from the same SDK signer and are
// checked by the same verifier. The credential store is consulted directly
// only to check the key pair at sign-in.
package console

import (
	"context"
	"embed"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/hoard-s3/hoard/internal/iam"
	"github.com/hoard-s3/hoard/internal/notify"
	"github.com/hoard-s3/hoard/internal/sigv4"
)

//go:embed web
var webFS embed.FS

// Defaults.
const (
	DefaultPartURLExpiry = 5 * time.Minute
	DefaultSessionTTL    = 12 * time.Hour
	DefaultMaxSessions   = 10000
	// maxShareExpiry is SigV4's limit on a presigned URL's lifetime.
	maxShareExpiry = 7 * 24 * time.Hour
)

// Config wires the console to the server it belongs to.
type Config struct {
	// S3Addr is the address the S3 endpoint listens on (host:port). The
	// console calls it over loopback; browsers reach it on the host they
	// reached the console on when it listens on every interface.
	S3Addr string
	// S3TLS says the S3 endpoint speaks HTTPS.
	S3TLS  bool
	Region string
	// Credentials checks key pairs at sign-in (the same store the S3
	// verifier uses); Identities names the signed-in principal.
	Credentials sigv4.Credentials
	Identities  interface {
		Principal(ctx context.Context, accessKey string) (iam.Principal, error)
	}
	// PartURLExpiry bounds presigned part and upload URLs; 0 means 5 minutes.
	PartURLExpiry time.Duration
	SessionTTL    time.Duration // 0 means 12 hours
	MaxSessions   int           // 0 means DefaultMaxSessions (in memory only)
	// Sessions keeps sessions for every gateway; nil keeps them in memory.
	Sessions SessionBackend
	Logger   *slog.Logger
	// HTTPClient carries the console's calls to the S3 endpoint.
	HTTPClient *http.Client
	// NotifyStatus reports the event notification targets' health, shown
	// to the account root (notifications.go); nil shows none.
	NotifyStatus func(context.Context) ([]notify.Status, error)
	// OIDC, when set, offers sign-in with an OpenID Connect provider.
	OIDC *OIDCConfig
}

// Console is the console's HTTP handler.
type Console struct {
	cfg      Config
	sessions *sessionStore
	log      *slog.Logger
	mux      *http.ServeMux
	oidc     *oidcLogin // nil without OIDC sign-in
}

// New returns the console handler.
func New(cfg Config) *Console {
	if cfg.PartURLExpiry <= 0 {
		cfg.PartURLExpiry = DefaultPartURLExpiry
	}
	if cfg.PartURLExpiry > maxShareExpiry {
		cfg.PartURLExpiry = maxShareExpiry
	}
	if cfg.SessionTTL <= 0 {
		cfg.SessionTTL = DefaultSessionTTL
	}
	if cfg.MaxSessions <= 0 {
		cfg.MaxSessions = DefaultMaxSessions
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 2 * time.Minute}
	}
	c := &Console{cfg: cfg, sessions: newSessionStore(cfg.MaxSessions), log: cfg.Logger, oidc: newOIDCLogin(cfg.OIDC)}
	c.mux = c.routes()
	return c
}

// ServeHTTP serves the page and the API with headers that keep the page
// from being framed, sniffed or leaking URLs through the Referer.
func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
		"connect-src 'self' "+c.publicS3URL(r)+"; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
	c.mux.ServeHTTP(w, r)
}

func (c *Console) routes() *http.ServeMux {
	m := http.NewServeMux()
	static, _ := fs.Sub(webFS, "web")
	files := http.FileServer(http.FS(static))
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		files.ServeHTTP(w, r)
	})
	m.HandleFunc("GET /api/session", c.withSession(c.getSession))
	m.HandleFunc("POST /api/login", c.login)
	m.HandleFunc("GET /api/oidc", c.oidcInfo)
	m.HandleFunc("GET /oidc/login", c.oidcStart)
	m.HandleFunc("GET /oidc/callback", c.oidcCallback)
	m.HandleFunc("POST /api/logout", c.withSession(c.logout))
	m.HandleFunc("GET /api/buckets", c.withSession(c.listBuckets))
	m.HandleFunc("POST /api/buckets", c.withSession(c.createBucket))
	m.HandleFunc("POST /api/buckets/delete", c.withSession(c.deleteBucket))
	m.HandleFunc("GET /api/settings", c.withSession(c.getSettings))
	m.HandleFunc("GET /api/notifications", c.withSession(c.getNotifications))
	m.HandleFunc("POST /api/settings", c.withSession(c.putSetting))
	m.HandleFunc("GET /api/objects", c.withSession(c.listObjects))
	m.HandleFunc("GET /api/object", c.withSession(c.objectDetails))
	m.HandleFunc("POST /api/objects/delete", c.withSession(c.deleteObjects))
	m.HandleFunc("POST /api/objects/restore", c.withSession(c.restoreObject))
	m.HandleFunc("POST /api/objects/archive-restore", c.withSession(c.restoreArchived))
	m.HandleFunc("GET /api/versions", c.withSession(c.listVersions))
	m.HandleFunc("POST /api/versions/delete", c.withSession(c.deleteVersions))
	m.HandleFunc("POST /api/folders", c.withSession(c.createFolder))
	m.HandleFunc("POST /api/share", c.withSession(c.share))
	m.HandleFunc("POST /api/uploads", c.withSession(c.startUpload))
	m.HandleFunc("POST /api/uploads/parts", c.withSession(c.presignParts))
	m.HandleFunc("POST /api/uploads/complete", c.withSession(c.completeUpload))
	m.HandleFunc("POST /api/uploads/abort", c.withSession(c.abortUpload))
	m.HandleFunc("POST /api/uploads/single", c.withSession(c.presignSingle))
	m.HandleFunc("GET /api/users", c.withSession(c.listUsers))
	m.HandleFunc("POST /api/users", c.withSession(c.userAction))
	m.HandleFunc("GET /api/accounts", c.withSession(c.listAccounts))
	m.HandleFunc("POST /api/accounts", c.withSession(c.accountAction))
	m.HandleFunc("GET /api/usage", c.withSession(c.getUsage))
	m.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "NotFound", "No such console endpoint.")
	})
	return m
}

// publicS3URL is the S3 endpoint as the browser reaches it: the listen
// address, or, when the server listens on every interface, the host the
// browser used to reach the console.
func (c *Console) publicS3URL(r *http.Request) string {
	host, port, err := net.SplitHostPort(c.cfg.S3Addr)
	if err != nil {
		return c.s3Scheme() + c.cfg.S3Addr
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = r.Host
		if h, _, err := net.SplitHostPort(r.Host); err == nil {
			host = h
		}
		host = trimBrackets(host)
		if !validHost(host) {
			host = "127.0.0.1"
		}
	}
	return c.s3Scheme() + net.JoinHostPort(host, port)
}

// internalS3URL is the S3 endpoint as the console reaches it (loopback
// when the server listens on every interface).
func (c *Console) internalS3URL() string {
	host, port, err := net.SplitHostPort(c.cfg.S3Addr)
	if err != nil {
		return c.s3Scheme() + c.cfg.S3Addr
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return c.s3Scheme() + net.JoinHostPort(host, port)
}

func (c *Console) s3Scheme() string {
	if c.cfg.S3TLS {
		return "https://"
	}
	return "http://"
}

func trimBrackets(h string) string {
	if len(h) > 1 && h[0] == '[' && h[len(h)-1] == ']' {
		return h[1 : len(h)-1]
	}
	return h
}

// validHost accepts IP literals and DNS names only, so a forged Host header
// cannot inject anything into URLs or the CSP.
func validHost(h string) bool {
	if net.ParseIP(h) != nil {
		return true
	}
	if h == "" || len(h) > 253 {
		return false
	}
	for i := 0; i < len(h); i++ {
		ch := h[i]
		if !(ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || ch == '-' || ch == '.') {
			return false
		}
	}
	return true
}
