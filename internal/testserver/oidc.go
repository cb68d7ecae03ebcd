package testserver

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hoard-s3/hoard/internal/console"
	"github.com/hoard-s3/hoard/internal/server"
)

// Issuer is a small OpenID Connect provider for tests, over TLS on
// loopback with its own RSA key: a discovery document, a JWKS, and an
// authorization-code flow that consents at once (PKCE S256, client
// secret in the token request) for the subject in Subject.
type Issuer struct {
	URL          string
	ClientID     string
	ClientSecret string
	Subject      string
	// DiscoveryHits counts fetches of the discovery document.
	DiscoveryHits atomic.Int32

	srv   *httptest.Server
	key   *rsa.PrivateKey
	mu    sync.Mutex
	codes map[string]pendingCode
}

type pendingCode struct {
	nonce, challenge, redirect string
}

// NewIssuer starts an issuer that stops when the test ends.
func NewIssuer(t testing.TB) *Issuer {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	is := &Issuer{ClientID: "hoard-console", ClientSecret: "console-secret", Subject: "user-1", key: key, codes: map[string]pendingCode{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", is.discovery)
	mux.HandleFunc("GET /keys", is.keys)
	mux.HandleFunc("GET /auth", is.authorize)
	mux.HandleFunc("POST /token", is.exchange)
	is.srv = httptest.NewTLSServer(mux)
	is.URL = is.srv.URL
	t.Cleanup(is.srv.Close)
	return is
}

// Client trusts the issuer's certificate.
func (is *Issuer) Client() *http.Client { return is.srv.Client() }

// HostPath is the issuer URL without https://, as IAM names providers.
func (is *Issuer) HostPath() string { return strings.TrimPrefix(is.URL, "https://") }

func (is *Issuer) discovery(w http.ResponseWriter, r *http.Request) {
	is.DiscoveryHits.Add(1)
	json.NewEncoder(w).Encode(map[string]any{
		"issuer": is.URL, "jwks_uri": is.URL + "/keys",
		"authorization_endpoint": is.URL + "/auth", "token_endpoint": is.URL + "/token",
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"response_types_supported":              []string{"code"},
		"subject_types_supported":               []string{"public"},
	})
}

func (is *Issuer) keys(w http.ResponseWriter, r *http.Request) {
	b64 := base64.RawURLEncoding.EncodeToString
	json.NewEncoder(w).Encode(map[string]any{"keys": []map[string]string{{
		"kty": "RSA", "kid": "k1", "alg": "RS256", "use": "sig",
		"n": b64(is.key.N.Bytes()), "e": b64(big.NewInt(int64(is.key.E)).Bytes()),
	}}})
}

// authorize consents at once and sends the browser back with a code.
func (is *Issuer) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("client_id") != is.ClientID || q.Get("response_type") != "code" || q.Get("code_challenge_method") != "S256" {
		http.Error(w, "bad authorization request", http.StatusBadRequest)
		return
	}
	code := strings.TrimRight(base64.RawURLEncoding.EncodeToString(randomBytes(16)), "=")
	is.mu.Lock()
	is.codes[code] = pendingCode{nonce: q.Get("nonce"), challenge: q.Get("code_challenge"), redirect: q.Get("redirect_uri")}
	is.mu.Unlock()
	back, err := url.Parse(q.Get("redirect_uri"))
	if err != nil {
		http.Error(w, "bad redirect_uri", http.StatusBadRequest)
		return
	}
	v := back.Query()
	v.Set("code", code)
	v.Set("state", q.Get("state"))
	back.RawQuery = v.Encode()
	http.Redirect(w, r, back.String(), http.StatusFound)
}

// exchange answers the token request: client secret, code and PKCE
// verifier must all be right.
func (is *Issuer) exchange(w http.ResponseWriter, r *http.Request) {
	id, secret, ok := r.BasicAuth()
	if !ok {
		id, secret = r.FormValue("client_id"), r.FormValue("client_secret")
	}
	is.mu.Lock()
	pc, found := is.codes[r.FormValue("code")]
	delete(is.codes, r.FormValue("code"))
	is.mu.Unlock()
	sum := sha256.Sum256([]byte(r.FormValue("code_verifier")))
	if id != is.ClientID || secret != is.ClientSecret || !found || pc.redirect != r.FormValue("redirect_uri") ||
		base64.RawURLEncoding.EncodeToString(sum[:]) != pc.challenge {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		w.Write([]byte(`{"error":"invalid_grant"}`))
		return
	}
	now := time.Now()
	tok := is.Token(map[string]any{"sub": is.Subject, "aud": is.ClientID, "nonce": pc.nonce, "amr": []string{"pwd", "mfa"},
		"preferred_username": "ada", "iat": now.Unix(), "exp": now.Add(5 * time.Minute).Unix()})
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"access_token": "opaque", "token_type": "Bearer", "expires_in": 300, "id_token": tok})
}

// Token signs claims (iss defaults to the issuer) as an RS256 JWT.
func (is *Issuer) Token(claims map[string]any) string {
	if _, ok := claims["iss"]; !ok {
		claims["iss"] = is.URL
	}
	b64 := base64.RawURLEncoding.EncodeToString
	hdr, _ := json.Marshal(map[string]string{"alg": "RS256", "typ": "JWT", "kid": "k1"})
	body, _ := json.Marshal(claims)
	signing := b64(hdr) + "." + b64(body)
	sum := sha256.Sum256([]byte(signing))
	sig, err := rsa.SignPKCS1v15(rand.Reader, is.key, crypto.SHA256, sum[:])
	if err != nil {
		panic(err)
	}
	return signing + "." + b64(sig)
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return b
}

// WithConsoleOIDC serves the console with "Sign in with …" at is, for
// the role roleARN.
func WithConsoleOIDC(is *Issuer, roleARN string) Option {
	return func(c *server.Config) {
		c.Console.Address = "127.0.0.1:0"
		c.Console.OIDC = &console.OIDCConfig{Issuer: is.URL, ClientID: is.ClientID, ClientSecret: is.ClientSecret,
			RoleARN: roleARN, Name: "Test IdP", HTTPClient: is.Client()}
		c.OIDCClient = is.Client()
	}
}
