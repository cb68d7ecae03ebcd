package main

import (
	"crypto/tls"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestAdminCert(t *testing.T) {
	dir := t.TempDir()
	code, stdout, stderr := runApp("admin", "cert", "--hosts", "localhost,127.0.0.1,*.s3.test", "--out", dir, "--days", "30")
	if code != 0 || !strings.Contains(stdout, "--ca-bundle "+filepath.Join(dir, "hoard.crt")) {
		t.Fatalf("admin cert: %d %q %q", code, stdout, stderr)
	}
	pair, err := tls.LoadX509KeyPair(filepath.Join(dir, "hoard.crt"), filepath.Join(dir, "hoard.key"))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(pair.Leaf.DNSNames, ","); got != "localhost,*.s3.test" || len(pair.Leaf.IPAddresses) != 1 || !pair.Leaf.IsCA {
		t.Fatalf("names %q, addresses %v, CA %v", got, pair.Leaf.IPAddresses, pair.Leaf.IsCA)
	}
	if fi, _ := os.Stat(filepath.Join(dir, "hoard.key")); fi.Mode().Perm() != 0o600 {
		t.Fatalf("key mode %v", fi.Mode())
	}
	// A second run never replaces a key clients may already trust.
	if code, _, stderr := runApp("admin", "cert", "--out", dir); code != 1 || !strings.Contains(stderr, "exists") {
		t.Fatalf("second run: %d %q", code, stderr)
	}
}

func TestTLSFlags(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"cert without key", []string{"--tls-cert", "x.crt"}, nil, "go together"},
		{"missing files", []string{"--tls-cert", "/nonexistent.crt", "--tls-key", "/nonexistent.key"}, nil, "no such file"},
		{"bad proxies", []string{"--trusted-proxies", "10.0.0.0/99"}, nil, "trusted proxy"},
		{"bad switch from the environment", nil, map[string]string{"HOARD_ALLOW_SSE_C_OVER_HTTP": "yes"}, "HOARD_ALLOW_SSE_C_OVER_HTTP"},
	} {
		fs, o := serverFlags(io.Discard)
		if err := fs.Parse(tc.args); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		getenv := func(k string) string { return tc.env[k] }
		o.data, o.address, o.console.Address = t.TempDir(), "127.0.0.1:0", ""
		srv, err := openServer(&app{stdout: io.Discard, stderr: io.Discard, getenv: getenv}, o, slog.New(slog.DiscardHandler))
		if err == nil {
			srv.Shutdown()
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
	// The environment stands in for flags not given.
	fs, o := serverFlags(io.Discard)
	fs.Parse([]string{"--tls-poll", "0"})
	c, err := o.tls.config(func(k string) string {
		return map[string]string{"HOARD_TLS_CERT": "a.crt", "HOARD_TLS_KEY": "a.key", "HOARD_TRUSTED_PROXIES": "127.0.0.1", "HOARD_ALLOW_SSE_C_OVER_HTTP": "on"}[k]
	})
	if err != nil || c.Certificates.CertFile != "a.crt" || c.Certificates.KeyFile != "a.key" || c.TrustedProxies.Empty() || !c.AllowSSECOverHTTP || c.Poll >= 0 {
		t.Fatalf("from the environment: %+v %v", c, err)
	}
}
