package e2e

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

var edgeListeningRE = regexp.MustCompile(`(?m)^hoard edge: listening on (http://(\S+)), relaying`)

// startEdge runs `hoard edge` in front of origin and returns its URL.
func startEdge(t *testing.T, origin, secretFile string) string {
	t.Helper()
	out := newSyncBuffer()
	errb := newSyncBuffer()
	cmd := exec.Command(hoardBin, "edge", "--origin", origin, "--address", "127.0.0.1:0",
		"--domain", "example.test", "--secret-file", secretFile, "--pool", "2")
	cmd.Env, cmd.Stdout, cmd.Stderr = cleanEnv(), out, errb
	dieWithParent(cmd)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		select {
		case <-done:
		case <-time.After(stopTimeout):
			cmd.Process.Kill()
			<-done
		}
		if t.Failed() {
			t.Logf("hoard edge stderr:\n%s", errb)
		}
	})
	var m []string
	waitFor(t, startTimeout, "the edge's listening line", func() bool {
		m = edgeListeningRE.FindStringSubmatch(out.String())
		return m != nil
	})
	return m[1]
}

// TestAccelerateAWSCLI uploads and downloads through an edge with the aws
// CLI on the accelerate host form. The CLI refuses use_accelerate_endpoint
// with a custom endpoint, so it is given the accelerate host as endpoint
// with virtual-host addressing; HTTP_PROXY stands in for DNS and sends
// every request to the edge.
func TestAccelerateAWSCLI(t *testing.T) {
	if !haveAWS() {
		t.Skip("aws CLI not installed")
	}
	dir := t.TempDir()
	secretFile := filepath.Join(dir, "edge.secret")
	if err := os.WriteFile(secretFile, []byte("e2e-edge-secret-0123456789abcdef\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	p := startHoard(t, startOpts{args: []string{"--domain", "example.test", "--edge-secret-file", secretFile}})
	edgeURL := startEdge(t, p.URL, secretFile)
	eu, _ := url.Parse(edgeURL)

	direct := newAWSCLI(t, p)
	direct.run("s3api", "create-bucket", "--bucket", "fast")
	direct.run("s3api", "put-bucket-accelerate-configuration", "--bucket", "fast",
		"--accelerate-configuration", "Status=Enabled")
	if out := direct.run("s3api", "get-bucket-accelerate-configuration", "--bucket", "fast"); !strings.Contains(out, `"Enabled"`) {
		t.Fatalf("accelerate configuration: %s", out)
	}

	accel := newAWSCLI(t, p)
	cfg := filepath.Join(dir, "accel-config")
	os.WriteFile(cfg, []byte("[default]\nregion = us-east-1\ns3 =\n  addressing_style = virtual\n"), 0o600)
	accel.env = append(accel.env, "AWS_CONFIG_FILE="+cfg, "HTTP_PROXY="+edgeURL, "http_proxy="+edgeURL, "NO_PROXY=", "no_proxy=")
	accel.endpoint = fmt.Sprintf("http://s3-accelerate.example.test:%s", eu.Port())

	src := filepath.Join(dir, "src.bin")
	data := make([]byte, 20<<20) // above the CLI's 8 MB multipart threshold
	rand.Read(data)
	os.WriteFile(src, data, 0o600)
	accel.run("s3", "cp", src, "s3://fast/dir/big.bin")
	dst := filepath.Join(dir, "dst.bin")
	accel.run("s3", "cp", "s3://fast/dir/big.bin", dst)
	got, _ := os.ReadFile(dst)
	if !bytes.Equal(got, data) {
		t.Fatalf("downloaded %d bytes, differing from the %d uploaded", len(got), len(data))
	}
	if out := accel.run("s3", "ls", "s3://fast/dir/"); !strings.Contains(out, "big.bin") {
		t.Fatalf("ls through the edge: %s", out)
	}
	// A bucket without acceleration is refused on the accelerate host.
	direct.run("s3api", "create-bucket", "--bucket", "slow")
	_, stderr, err := accel.try("s3", "cp", src, "s3://slow/x")
	if err == nil || !strings.Contains(stderr, "S3 Transfer Acceleration is not configured on this bucket") {
		t.Fatalf("upload to a bucket without acceleration: %v %s", err, stderr)
	}
}
