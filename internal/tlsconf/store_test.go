package tlsconf_test

import (
	"crypto/tls"
	"crypto/x509"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hoard-s3/hoard/internal/testserver"
	"github.com/hoard-s3/hoard/internal/tlsconf"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func served(t *testing.T, s *tlsconf.Store, sni string) *x509.Certificate {
	t.Helper()
	c, err := s.GetCertificate(&tls.ClientHelloInfo{ServerName: sni})
	if err != nil {
		t.Fatalf("certificate for %q: %v", sni, err)
	}
	return c.Leaf
}

func TestStoreChoosesBySNI(t *testing.T) {
	ca := testserver.NewCA(t)
	dir := t.TempDir()
	defCert, defKey := ca.Issue(t, t.TempDir(), "default", []string{"localhost", "127.0.0.1"})
	ca.Issue(t, dir, "a", []string{"*.s3.example.com", "s3.example.com"})
	ca.Issue(t, dir, "b", []string{"*.s3-accelerate.example.com"})
	ca.Issue(t, dir, "c", []string{"exact.s3.example.com"})
	s, err := tlsconf.Open(tlsconf.Source{CertFile: defCert, KeyFile: defKey, Dir: dir}, quiet)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ sni, want string }{
		{"", "localhost"},
		{"localhost", "localhost"},
		{"bucket.s3.example.com", "*.s3.example.com"},
		{"BUCKET.S3.Example.com.", "*.s3.example.com"},
		{"s3.example.com", "*.s3.example.com"},
		{"exact.s3.example.com", "exact.s3.example.com"},
		{"bucket.s3-accelerate.example.com", "*.s3-accelerate.example.com"},
		// A wildcard covers one label only.
		{"a.b.s3.example.com", "localhost"},
		{"unknown.org", "localhost"},
	} {
		if got := served(t, s, tc.sni).DNSNames[0]; got != tc.want {
			t.Errorf("SNI %q: served %q, want %q", tc.sni, got, tc.want)
		}
	}
}

func TestStoreRefusesBadPairs(t *testing.T) {
	ca := testserver.NewCA(t)
	dir := t.TempDir()
	cert, _ := ca.Issue(t, dir, "one", []string{"one.test"})
	_, otherKey := ca.Issue(t, dir, "two", []string{"two.test"})
	oldCert, oldKey := ca.Issue(t, dir, "old", []string{"old.test"}, time.Now().Add(-48*time.Hour), time.Now().Add(-time.Hour))
	garbage := filepath.Join(dir, "garbage.pem")
	os.WriteFile(garbage, []byte("-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n"), 0o600)
	for name, src := range map[string]tlsconf.Source{
		"key of another certificate": {CertFile: cert, KeyFile: otherKey},
		"expired":                    {CertFile: oldCert, KeyFile: oldKey},
		"garbage":                    {CertFile: garbage, KeyFile: otherKey},
		"missing":                    {CertFile: filepath.Join(dir, "nope.crt"), KeyFile: otherKey},
		"cert without key":           {CertFile: cert},
		"empty directory":            {Dir: t.TempDir()},
	} {
		if _, err := tlsconf.Open(src, quiet); err == nil {
			t.Errorf("%s: opened", name)
		}
	}
}

// TestStoreReloadKeepsOldOnError replaces the files by rename (as
// cert-manager does), breaks them, then repairs them.
func TestStoreReloadKeepsOldOnError(t *testing.T) {
	ca := testserver.NewCA(t)
	dir := t.TempDir()
	cert, key := ca.Issue(t, dir, "srv", []string{"first.test"})
	s, err := tlsconf.Open(tlsconf.Source{CertFile: cert, KeyFile: key}, quiet)
	if err != nil {
		t.Fatal(err)
	}
	ca.Issue(t, dir, "srv", []string{"second.test"})
	if err := s.Reload(); err != nil {
		t.Fatal(err)
	}
	if got := served(t, s, "").DNSNames[0]; got != "second.test" {
		t.Fatalf("after reload: %s", got)
	}
	if err := os.WriteFile(cert, []byte("broken"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := s.Reload(); err == nil || !strings.Contains(err.Error(), "srv.crt") {
		t.Fatalf("broken file: %v", err)
	}
	if got := served(t, s, "").DNSNames[0]; got != "second.test" {
		t.Fatalf("broken file replaced the certificate: %s", got)
	}
}

func TestStoreWatchSeesRename(t *testing.T) {
	ca := testserver.NewCA(t)
	dir := t.TempDir()
	cert, key := ca.Issue(t, dir, "srv", []string{"first.test"})
	s, err := tlsconf.Open(tlsconf.Source{CertFile: cert, KeyFile: key}, quiet)
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	go s.Watch(ctx, 20*time.Millisecond)
	ca.Issue(t, dir, "srv", []string{"second.test"})
	deadline := time.Now().Add(5 * time.Second)
	for served(t, s, "").DNSNames[0] != "second.test" {
		if time.Now().After(deadline) {
			t.Fatal("the watcher did not load the renamed files")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
