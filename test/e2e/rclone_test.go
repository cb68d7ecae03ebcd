package e2e

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestRclone copies a tree up with rclone (one file by multipart upload),
// checks it (sizes and MD5s: listed ETags, and for the multipart object the
// MD5 rclone keeps in its metadata), lists it, copies it back and purges it.
func TestRclone(t *testing.T) {
	if _, err := exec.LookPath("rclone"); err != nil {
		t.Skip("rclone not on PATH; skipping (CI installs it: apt-get install rclone)")
	}
	p := startHoard(t, startOpts{})
	work := t.TempDir()
	up, down := filepath.Join(work, "up"), filepath.Join(work, "down")
	writeTree(t, up, treeFiles)
	// Above the 5 MiB cutoff set below: a multipart upload of three parts.
	writeRandomFile(t, filepath.Join(up, "big.bin"), 12<<20, 7)
	want := readTree(t, up)
	rc := rcloneRunner(t, p, work)

	rc("mkdir", "hoard:rclone-bucket")
	rc("copy", up, "hoard:rclone-bucket/data")
	rc("check", up, "hoard:rclone-bucket/data")
	listing := rc("ls", "hoard:rclone-bucket")
	for name := range want {
		if !strings.Contains(listing, "data/"+name) {
			t.Errorf("rclone ls lacks %q:\n%s", name, listing)
		}
	}
	rc("copy", "hoard:rclone-bucket/data", down)
	assertSameTree(t, want, readTree(t, down))
	rc("purge", "hoard:rclone-bucket")
	if out := rc("lsd", "hoard:"); strings.Contains(out, "rclone-bucket") {
		t.Errorf("bucket still listed after purge:\n%s", out)
	}
}

// rcloneRunner configures a remote "hoard" through environment variables
// only, so no rclone.conf on the machine is read.
func rcloneRunner(t *testing.T, p *proc, work string) func(args ...string) string {
	env := append(cleanEnv(),
		"RCLONE_CONFIG="+filepath.Join(work, "rclone.conf"),
		"RCLONE_CONFIG_HOARD_TYPE=s3",
		"RCLONE_CONFIG_HOARD_PROVIDER=Other",
		"RCLONE_CONFIG_HOARD_ACCESS_KEY_ID="+accessKey,
		"RCLONE_CONFIG_HOARD_SECRET_ACCESS_KEY="+secretKey,
		"RCLONE_CONFIG_HOARD_ENDPOINT="+p.URL,
		"RCLONE_CONFIG_HOARD_REGION="+region,
		"RCLONE_CONFIG_HOARD_FORCE_PATH_STYLE=true",
	)
	return func(args ...string) string {
		t.Helper()
		full := []string{"--retries", "1", "--low-level-retries", "1",
			"--s3-upload-cutoff", "5M", "--s3-chunk-size", "5M"}
		if p.CAFile != "" {
			full = append(full, "--ca-cert", p.CAFile)
		}
		full = append(full, args...)
		cmd := exec.Command("rclone", full...)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("rclone %q: %v\n%s", args, err, out)
		}
		return string(out)
	}
}
