package server_test

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hoard-s3/hoard/internal/server"
	"github.com/hoard-s3/hoard/internal/testserver"
)

// buildPebble builds the ACME test server letsencrypt/pebble (a tool of
// this module, see go.mod) into dir.
func buildPebble(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "pebble")
	cmd := exec.Command("go", "build", "-o", bin, "github.com/letsencrypt/pebble/v2/cmd/pebble")
	if out, err := cmd.CombinedOutput(); err != nil {
		if os.Getenv("HOARD_TEST_REQUIRE_EXTERNAL") == "1" {
			t.Fatalf("build pebble: %v\n%s", err, out)
		}
		t.Skipf("cannot build pebble (%v); skipping the ACME test\n%s", err, out)
	}
	return bin
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// TestACMEWithPebble: a server with --acme-domains and no certificate
// file gets one from a local pebble on the first handshake for the name
// (account, order, authorization, finalization, chain). Test names do
// not resolve without a DNS server, so pebble is told to take challenges
// as passed (PEBBLE_VA_ALWAYS_VALID); it still points TLS-ALPN-01 at the
// S3 port (tlsPort), which is what a real CA reaches on 443.
func TestACMEWithPebble(t *testing.T) {
	if testing.Short() {
		t.Skip("builds pebble")
	}
	dir := t.TempDir()
	bin := buildPebble(t, dir)
	ca := testserver.NewCA(t)
	pcert, pkey := ca.Issue(t, dir, "pebble", []string{"127.0.0.1", "hoard.test"})
	acmePort, mgmtPort := freePort(t), freePort(t)
	srv := testserver.Start(t, testserver.WithConfig(func(c *server.Config) {
		c.TLS.ACME = &server.ACMEConfig{
			Domains:      []string{"hoard.test"},
			DirectoryURL: fmt.Sprintf("https://127.0.0.1:%d/dir", acmePort),
			CAFile:       ca.CAFile,
		}
	}))
	_, hoardPort, _ := net.SplitHostPort(srv.Addr)
	tlsPort, _ := strconv.Atoi(hoardPort)
	cfg := map[string]any{"pebble": map[string]any{
		"listenAddress":           fmt.Sprintf("127.0.0.1:%d", acmePort),
		"managementListenAddress": fmt.Sprintf("127.0.0.1:%d", mgmtPort),
		"certificate":             pcert, "privateKey": pkey,
		"httpPort": freePort(t), "tlsPort": tlsPort,
		"externalAccountBindingRequired": false,
		"profiles":                       map[string]any{"default": map[string]any{"description": "test", "validityPeriod": 86400}},
	}}
	cfgFile := filepath.Join(dir, "pebble.json")
	b, _ := json.Marshal(cfg)
	os.WriteFile(cfgFile, b, 0o600)
	cmd := exec.Command(bin, "-config", cfgFile)
	cmd.Env = append(os.Environ(), "PEBBLE_VA_NOSLEEP=1", "PEBBLE_VA_ALWAYS_VALID=1", "PEBBLE_WFE_NONCEREJECT=0")
	var logs strings.Builder
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })

	mgmt := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: ca.Pool()}}, Timeout: 5 * time.Second}
	var roots *x509.CertPool
	deadline := time.Now().Add(20 * time.Second)
	for roots == nil {
		if time.Now().After(deadline) {
			t.Fatalf("pebble did not start:\n%s", logs.String())
		}
		time.Sleep(100 * time.Millisecond)
		resp, err := mgmt.Get(fmt.Sprintf("https://127.0.0.1:%d/roots/0", mgmtPort))
		if err != nil {
			continue
		}
		pem, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if p := x509.NewCertPool(); resp.StatusCode == 200 && p.AppendCertsFromPEM(pem) {
			roots = p
		}
	}

	hc := &http.Client{Timeout: time.Minute, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: roots, ServerName: "hoard.test"},
	}}
	resp, err := hc.Get("https://" + srv.Addr + "/health")
	if err != nil {
		t.Fatalf("handshake with an ACME certificate: %v\npebble:\n%s", err, logs.String())
	}
	resp.Body.Close()
	leaf := resp.TLS.PeerCertificates[0]
	if resp.StatusCode != 200 || leaf.DNSNames[0] != "hoard.test" || !strings.Contains(leaf.Issuer.CommonName, "Pebble") {
		t.Fatalf("status %d, certificate for %v issued by %q", resp.StatusCode, leaf.DNSNames, leaf.Issuer.CommonName)
	}
	// A name outside --acme-domains gets no certificate.
	bad := &tls.Config{RootCAs: roots, ServerName: "other.test"}
	if c, err := tls.Dial("tcp", srv.Addr, bad); err == nil {
		c.Close()
		t.Fatal("handshake for a name outside the ACME domains")
	}
}
