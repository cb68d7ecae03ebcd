// Package edgeauth is the trust between an edge relay and its origin. An
// edge forwards a client's request unchanged (the client signed it for
// the host it talked to) and adds the original Host plus a proof: an
// HMAC-SHA256, keyed by a secret both sides share, over the edge's id, a
// timestamp, the method, the path, the query and the original host. The origin
// adopts the original host only when the proof verifies, so nobody but a
// configured edge can make it verify a signature against another host.
package edgeauth

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
)

// Headers an edge adds to every relayed request.
const (
	HeaderHost = "X-Hoard-Edge-Host" // the Host the client sent
	HeaderID   = "X-Hoard-Edge-Id"   // the edge's name, for logs and the proof
	HeaderDate = "X-Hoard-Edge-Date" // Unix seconds when the edge relayed the request
	HeaderAuth = "X-Hoard-Edge-Auth" // hex HMAC-SHA256 proof
	// HeaderProto is the scheme the client used to reach the edge
	// (https or http), covered by the proof when present: the origin
	// counts a relayed request as secure only when both legs were TLS.
	HeaderProto = "X-Hoard-Edge-Proto"
)

// MaxSkew bounds how old (or how far in the future) a proof may be.
const MaxSkew = 5 * time.Minute

// EnvSecret names the environment variable holding the shared secret when
// no secret file is given.
const EnvSecret = "HOARD_EDGE_SECRET"

// minSecret keeps secrets out of brute-force reach.
const minSecret = 16

var (
	// ErrUntrusted is a request that claims to come through an edge but
	// whose proof is missing, stale or wrong.
	ErrUntrusted = errors.New("relayed request not from a trusted edge")
	// ErrWeakSecret is a shared secret too short to be one.
	ErrWeakSecret = fmt.Errorf("edge secret shorter than %d bytes", minSecret)
)

// Headers lists every header of the scheme; an origin strips them all.
var Headers = []string{HeaderHost, HeaderID, HeaderDate, HeaderAuth, HeaderProto}

// Claimed reports whether r carries any edge header, i.e. claims to be
// relayed.
func Claimed(h http.Header) bool {
	for _, name := range Headers {
		if _, ok := h[name]; ok {
			return true
		}
	}
	return false
}

func proof(secret []byte, id, date, method, path, query, host string, more ...string) string {
	m := hmac.New(sha256.New, secret)
	// Fields are length-prefixed so no two field lists share an encoding.
	for _, f := range append([]string{id, date, method, path, query, host}, more...) {
		m.Write([]byte(strconv.Itoa(len(f))))
		m.Write([]byte{':'})
		m.Write([]byte(f))
		m.Write([]byte{'\n'})
	}
	return hex.EncodeToString(m.Sum(nil))
}

// Sign sets the edge headers on out, a request relayed for a client that
// sent Host origHost. path is the decoded request path (URL.Path), query
// the raw query (URL.RawQuery) as relayed, clientTLS whether the client
// reached the edge over TLS.
func Sign(out http.Header, secret []byte, id, method, path, query, origHost string, clientTLS bool, now time.Time) {
	date := strconv.FormatInt(now.Unix(), 10)
	proto := "http"
	if clientTLS {
		proto = "https"
	}
	out.Set(HeaderHost, origHost)
	out.Set(HeaderID, id)
	out.Set(HeaderDate, date)
	out.Set(HeaderProto, proto)
	out.Set(HeaderAuth, proof(secret, id, date, method, path, query, origHost, proto))
}

// ClientTLS reports whether a relayed request, whose proof Verify
// accepted, reached the edge over TLS. An edge that predates the header
// says nothing, which counts as plain HTTP.
func ClientTLS(h http.Header) bool { return h.Get(HeaderProto) == "https" }

// Verify checks the edge headers of r against secret and returns the
// original host. Any failure is ErrUntrusted (wrapped with the reason).
func Verify(r *http.Request, secret []byte, now time.Time) (host string, err error) {
	if len(secret) == 0 {
		return "", fmt.Errorf("%w: this server trusts no edge", ErrUntrusted)
	}
	get := func(name string) (string, bool) {
		v := r.Header.Values(name)
		return strings.TrimSpace(strings.Join(v, "")), len(v) == 1
	}
	host, ok1 := get(HeaderHost)
	id, ok2 := get(HeaderID)
	date, ok3 := get(HeaderDate)
	sig, ok4 := get(HeaderAuth)
	if !ok1 || !ok2 || !ok3 || !ok4 || host == "" || len(host) > 255 || len(id) > 128 {
		return "", fmt.Errorf("%w: edge headers missing or repeated", ErrUntrusted)
	}
	secs, err := strconv.ParseInt(date, 10, 64)
	if err != nil {
		return "", fmt.Errorf("%w: bad edge date", ErrUntrusted)
	}
	if d := now.Sub(time.Unix(secs, 0)); d > MaxSkew || d < -MaxSkew {
		return "", fmt.Errorf("%w: edge proof is %s old", ErrUntrusted, d.Round(time.Second))
	}
	var more []string
	switch p := r.Header.Values(HeaderProto); len(p) {
	case 0:
	case 1:
		more = p
	default:
		return "", fmt.Errorf("%w: edge headers missing or repeated", ErrUntrusted)
	}
	want := proof(secret, id, date, r.Method, r.URL.Path, r.URL.RawQuery, host, more...)
	if !hmac.Equal([]byte(sig), []byte(want)) {
		return "", fmt.Errorf("%w: edge proof does not verify", ErrUntrusted)
	}
	return host, nil
}

// Strip removes the edge headers from h.
func Strip(h http.Header) {
	for _, name := range Headers {
		h.Del(name)
	}
}

// LoadSecret reads the shared secret from file, or from $HOARD_EDGE_SECRET
// when file is empty (getenv reads the environment). It returns nil (no
// secret) when neither is set. Surrounding whitespace (a trailing newline)
// is not part of the secret.
func LoadSecret(file string, getenv func(string) string) ([]byte, error) {
	var s string
	if file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("read edge secret: %w", err)
		}
		s = string(b)
	} else {
		s = getenv(EnvSecret)
	}
	s = strings.TrimSpace(s)
	if s == "" {
		if file != "" {
			return nil, fmt.Errorf("edge secret file %s is empty", file)
		}
		return nil, nil
	}
	if len(s) < minSecret {
		return nil, ErrWeakSecret
	}
	return []byte(s), nil
}
