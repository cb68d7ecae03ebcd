package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestS3cmd runs s3cmd put/get/ls/del with Signature V4 and with
// Signature V2, which older tools still use: a small object in one PUT
// and a 12 MiB one in 5 MiB multipart chunks.
func TestS3cmd(t *testing.T) {
	if _, err := exec.LookPath("s3cmd"); err != nil {
		t.Skip("s3cmd not on PATH; skipping (CI installs it: apt-get install s3cmd)")
	}
	p := startHoard(t, startOpts{})
	for _, v2 := range []bool{false, true} {
		t.Run(fmt.Sprintf("signature_v2=%v", v2), func(t *testing.T) {
			s3cmdRoundTrip(t, s3cmdRunner(t, p, v2), fmt.Sprintf("s3cmd-v2-%v", v2))
		})
	}
}

func s3cmdRoundTrip(t *testing.T, run func(args ...string) string, bucket string) {
	b := "s3://" + bucket
	run("mb", b)
	if out := run("ls"); !strings.Contains(out, b) {
		t.Errorf("s3cmd ls lacks the bucket:\n%s", out)
	}
	for _, f := range []struct {
		key  string
		size int64
	}{{"dir/small file.bin", 100 << 10}, {"dir/multipart.bin", 12 << 20}} {
		s3cmdObject(t, run, b, f.key, f.size)
	}
	run("rb", b)
}

func s3cmdObject(t *testing.T, run func(args ...string) string, b, key string, size int64) {
	work := t.TempDir()
	src, dst := filepath.Join(work, "up.bin"), filepath.Join(work, "down.bin")
	want := writeRandomFile(t, src, size, uint64(size))
	run("put", src, b+"/"+key)
	if out := run("ls", b+"/dir/"); !strings.Contains(out, b+"/"+key) {
		t.Errorf("s3cmd ls lacks %s:\n%s", key, out)
	}
	run("get", "--force", b+"/"+key, dst)
	if got := fileSHA256(t, dst); got != want {
		t.Errorf("s3cmd get %s: SHA-256 %s, want %s", key, got, want)
	}
	run("del", b+"/"+key)
	if out := run("ls", "--recursive", b); strings.Contains(out, key) {
		t.Errorf("%s listed after del:\n%s", key, out)
	}
}

// s3cmdRunner writes a private s3cmd configuration for path-style access
// to the server, over HTTPS verified by its CA when it has TLS.
func s3cmdRunner(t *testing.T, p *proc, v2 bool) func(args ...string) string {
	cfg := filepath.Join(t.TempDir(), "s3cfg")
	conf := fmt.Sprintf(`[default]
access_key = %s
secret_key = %s
host_base = %s
host_bucket = %s
bucket_location = %s
use_https = %s
check_ssl_certificate = True
ca_certs_file = %s
signature_v2 = %s
enable_multipart = True
multipart_chunk_size_mb = 5
progress_meter = False
max_retries = 0
`, accessKey, secretKey, p.Addr, p.Addr, region, pyBool(p.CAFile != ""), p.CAFile, pyBool(v2))
	if err := os.WriteFile(cfg, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	return func(args ...string) string {
		t.Helper()
		cmd := exec.Command("s3cmd", append([]string{"-c", cfg}, args...)...)
		cmd.Env = cleanEnv()
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("s3cmd %q: %v\n%s", args, err, out)
		}
		return string(out)
	}
}

func pyBool(b bool) string {
	if b {
		return "True"
	}
	return "False"
}
