package edgeauth

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"
)

var key = []byte("0123456789abcdef-shared")

func signed(method, target, host string, at time.Time) *http.Request {
	r := httptest.NewRequest(method, target, nil)
	Sign(r.Header, key, "edge-1", method, r.URL.Path, r.URL.RawQuery, host, false, at)
	return r
}

func TestVerify(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	ok := signed("PUT", "/b/k%20x?uploads", "b.s3-accelerate.example.com", now)
	if host, err := Verify(ok, key, now.Add(time.Minute)); err != nil || host != "b.s3-accelerate.example.com" {
		t.Fatalf("valid proof: %q %v", host, err)
	}
	cases := map[string]func(r *http.Request) ([]byte, time.Time){
		"wrong secret": func(r *http.Request) ([]byte, time.Time) { return []byte("another-secret-0123456"), now },
		"no secret":    func(r *http.Request) ([]byte, time.Time) { return nil, now },
		"stale":        func(r *http.Request) ([]byte, time.Time) { return key, now.Add(MaxSkew + time.Second) },
		"future":       func(r *http.Request) ([]byte, time.Time) { return key, now.Add(-MaxSkew - time.Second) },
		"other host": func(r *http.Request) ([]byte, time.Time) {
			r.Header.Set(HeaderHost, "evil.example.com")
			return key, now
		},
		"other method": func(r *http.Request) ([]byte, time.Time) { r.Method = "DELETE"; return key, now },
		"other path":   func(r *http.Request) ([]byte, time.Time) { r.URL.Path = "/b/other"; return key, now },
		"other query":  func(r *http.Request) ([]byte, time.Time) { r.URL.RawQuery = "uploadId=1"; return key, now },
		"repeated header": func(r *http.Request) ([]byte, time.Time) {
			r.Header.Add(HeaderHost, "b.s3-accelerate.example.com")
			return key, now
		},
		"missing proof": func(r *http.Request) ([]byte, time.Time) { r.Header.Del(HeaderAuth); return key, now },
		"bad date":      func(r *http.Request) ([]byte, time.Time) { r.Header.Set(HeaderDate, "soon"); return key, now },
		// The client's scheme is covered: a plain client cannot be made
		// to look as if it used TLS.
		"proto upgraded": func(r *http.Request) ([]byte, time.Time) { r.Header.Set(HeaderProto, "https"); return key, now },
		"proto dropped":  func(r *http.Request) ([]byte, time.Time) { r.Header.Del(HeaderProto); return key, now },
		"proto repeated": func(r *http.Request) ([]byte, time.Time) { r.Header.Add(HeaderProto, "http"); return key, now },
	}
	for name, mutate := range cases {
		r := signed("PUT", "/b/k%20x?uploads", "b.s3-accelerate.example.com", now)
		secret, at := mutate(r)
		if _, err := Verify(r, secret, at); !errors.Is(err, ErrUntrusted) {
			t.Errorf("%s: %v, want ErrUntrusted", name, err)
		}
	}
}

func TestClientTLS(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	for _, tls := range []bool{false, true} {
		r := httptest.NewRequest("GET", "/b/k", nil)
		Sign(r.Header, key, "edge-1", "GET", "/b/k", "", "b.example.com", tls, now)
		if _, err := Verify(r, key, now); err != nil {
			t.Fatal(err)
		}
		if ClientTLS(r.Header) != tls {
			t.Errorf("client TLS %v read as %v", tls, !tls)
		}
	}
}

func TestClaimedAndStrip(t *testing.T) {
	h := http.Header{}
	if Claimed(h) {
		t.Fatal("empty header claimed")
	}
	h.Set(HeaderHost, "x")
	if !Claimed(h) {
		t.Fatal("forwarded host not seen as a claim")
	}
	Strip(h)
	if Claimed(h) {
		t.Fatal("Strip left edge headers")
	}
}

func TestLoadSecret(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good")
	os.WriteFile(good, []byte("  a-long-enough-secret-value\n"), 0o600)
	short := filepath.Join(dir, "short")
	os.WriteFile(short, []byte("short"), 0o600)
	env := func(v string) func(string) string { return func(string) string { return v } }
	if s, err := LoadSecret(good, env("")); err != nil || string(s) != "a-long-enough-secret-value" {
		t.Fatalf("file: %q %v", s, err)
	}
	if s, err := LoadSecret("", env("from-the-environment-123")); err != nil || string(s) != "from-the-environment-123" {
		t.Fatalf("env: %q %v", s, err)
	}
	if s, err := LoadSecret("", env("")); err != nil || s != nil {
		t.Fatalf("none: %q %v", s, err)
	}
	if _, err := LoadSecret(short, env("")); !errors.Is(err, ErrWeakSecret) {
		t.Fatalf("short: %v", err)
	}
	if _, err := LoadSecret(filepath.Join(dir, "missing"), env("")); err == nil {
		t.Fatal("missing file accepted")
	}
}
