package e2e

import (
	"bytes"
	"crypto/tls"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hoard-s3/hoard/internal/testserver"
)

// tlsHoard is a server started with --tls-cert and --tls-key, its files
// in dir, signed by ca.
type tlsHoard struct {
	*proc
	ca        *testserver.CA
	dir       string
	cert, key string
}

func startTLSHoard(t *testing.T, args ...string) *tlsHoard {
	t.Helper()
	ca := testserver.NewCA(t)
	dir := t.TempDir()
	cert, key := ca.Issue(t, dir, "srv", []string{"127.0.0.1", "localhost"})
	p := startHoard(t, startOpts{caFile: ca.CAFile, args: append([]string{"--tls-cert", cert, "--tls-key", key}, args...)})
	if !strings.HasPrefix(p.URL, "https://") {
		t.Fatalf("listening on %s", p.URL)
	}
	return &tlsHoard{proc: p, ca: ca, dir: dir, cert: cert, key: key}
}

func (h *tlsHoard) serial(t *testing.T) *big.Int {
	t.Helper()
	c, err := tls.Dial("tcp", h.Addr, &tls.Config{RootCAs: h.ca.Pool()})
	if err != nil {
		t.Fatalf("handshake: %v", err)
	}
	defer c.Close()
	return c.ConnectionState().PeerCertificates[0].SerialNumber
}

// TestClientsOverHTTPS runs the aws CLI (--ca-bundle), boto3
// (AWS_CA_BUNDLE), rclone (--ca-cert) and s3cmd (ca_certs_file) against
// a server with TLS, each verifying its certificate.
func TestClientsOverHTTPS(t *testing.T) {
	h := startTLSHoard(t)
	t.Run("aws", func(t *testing.T) {
		if !haveAWS() {
			t.Skip("aws CLI not on PATH; skipping (CI installs it)")
		}
		cli := newAWSCLI(t, h.proc)
		cli.run("s3", "mb", "s3://tls-cli")
		src := filepath.Join(t.TempDir(), "big.bin")
		writeRandomFile(t, src, 9<<20, 3) // multipart
		cli.run("s3", "cp", src, "s3://tls-cli/big.bin")
		// SSE-C, accepted over HTTPS (the key given raw: the CLI encodes it).
		ssec := []string{"--sse-c", "AES256", "--sse-c-key", strings.Repeat("k", 32)}
		cli.run(append([]string{"s3", "cp", src, "s3://tls-cli/sealed.bin"}, ssec...)...)
		down := filepath.Join(t.TempDir(), "down.bin")
		cli.run(append([]string{"s3", "cp", "s3://tls-cli/sealed.bin", down}, ssec...)...)
		assertSameFile(t, src, down)
		url := strings.TrimSpace(cli.run("s3", "presign", "s3://tls-cli/big.bin"))
		if !strings.HasPrefix(url, "https://") {
			t.Errorf("presigned URL %s", url)
		}
	})
	t.Run("boto3", func(t *testing.T) {
		if err := exec.Command("python3", "-c", "import boto3").Run(); err != nil {
			t.Skipf("python3 with boto3 not available (%v)", err)
		}
		cmd := exec.Command("python3", "testdata/boto3_smoke.py")
		cmd.Env = append(cleanEnv(), "HOARD_URL="+h.URL, "HOARD_KEY="+accessKey,
			"HOARD_SECRET="+secretKey, "HOARD_BUCKET=boto3-tls", "AWS_CONFIG_FILE=/dev/null",
			"AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_CA_BUNDLE="+h.CAFile)
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "boto3 smoke ok") {
			t.Fatalf("boto3 over HTTPS: %v\n%s", err, out)
		}
	})
	t.Run("rclone", func(t *testing.T) {
		if _, err := exec.LookPath("rclone"); err != nil {
			t.Skip("rclone not on PATH")
		}
		work := t.TempDir()
		up := filepath.Join(work, "up")
		writeTree(t, up, treeFiles)
		rc := rcloneRunner(t, h.proc, work)
		rc("mkdir", "hoard:rclone-tls")
		rc("copy", up, "hoard:rclone-tls/data")
		rc("check", up, "hoard:rclone-tls/data")
	})
	t.Run("s3cmd", func(t *testing.T) {
		if _, err := exec.LookPath("s3cmd"); err != nil {
			t.Skip("s3cmd not on PATH")
		}
		s3cmdRoundTrip(t, s3cmdRunner(t, h.proc, false), "s3cmd-tls")
	})
}

// TestAWSCLISSECRefusedOverHTTP: the binary refuses SSE-C on plain HTTP
// unless --allow-sse-c-over-http=on.
func TestAWSCLISSECRefusedOverHTTP(t *testing.T) {
	if !haveAWS() {
		t.Skip("aws CLI not on PATH; skipping (CI installs it)")
	}
	p := startHoard(t, startOpts{})
	cli := newAWSCLI(t, p)
	cli.run("s3", "mb", "s3://plain-ssec")
	src := filepath.Join(t.TempDir(), "f")
	os.WriteFile(src, []byte("secret"), 0o600)
	_, stderr, err := cli.try("s3", "cp", src, "s3://plain-ssec/f", "--sse-c", "AES256", "--sse-c-key", strings.Repeat("k", 32))
	if err == nil || !strings.Contains(stderr, "InvalidRequest") || !strings.Contains(stderr, "secure connection") {
		t.Fatalf("SSE-C over HTTP: %v\n%s", err, stderr)
	}
}

// TestCertificateReloadOnSIGHUP: with polling off, new files are taken
// at SIGHUP only; a broken file at SIGHUP keeps the served certificate.
func TestCertificateReloadOnSIGHUP(t *testing.T) {
	h := startTLSHoard(t, "--tls-poll", "0")
	first := h.serial(t)
	h.ca.Issue(t, h.dir, "srv", []string{"127.0.0.1", "localhost"})
	time.Sleep(300 * time.Millisecond)
	if h.serial(t).Cmp(first) != 0 {
		t.Fatal("certificate changed without SIGHUP while polling is off")
	}
	hup := func() {
		if err := h.cmd.Process.Signal(syscall.SIGHUP); err != nil {
			t.Fatal(err)
		}
	}
	hup()
	var second *big.Int
	waitFor(t, 5*time.Second, "the new certificate after SIGHUP", func() bool {
		second = h.serial(t)
		return second.Cmp(first) != 0
	})
	if err := os.WriteFile(h.cert, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	hup()
	waitFor(t, 5*time.Second, "the refusal in the log", func() bool {
		return strings.Contains(h.stderr.String(), "new TLS certificates refused")
	})
	if h.serial(t).Cmp(second) != 0 {
		t.Fatal("a broken file replaced the certificate")
	}
	if h.exited() {
		t.Fatal("SIGHUP ended the server")
	}
}

func assertSameFile(t *testing.T, a, b string) {
	t.Helper()
	x, err := os.ReadFile(a)
	if err != nil {
		t.Fatal(err)
	}
	y, err := os.ReadFile(b)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(x, y) {
		t.Fatalf("%s and %s differ (%d and %d bytes)", a, b, len(x), len(y))
	}
}
