package e2e

import (
	"os/exec"
	"strings"
	"testing"
)

// TestBoto3 runs testdata/boto3_smoke.py: put (default checksums and an
// explicit SHA-256), get with checksum validation, a multipart upload and
// ranged download through s3transfer, list, head and delete, with no
// hidden retries.
func TestBoto3(t *testing.T) {
	if err := exec.Command("python3", "-c", "import boto3").Run(); err != nil {
		t.Skipf("python3 with boto3 not available (%v); skipping (CI installs it)", err)
	}
	p := startHoard(t, startOpts{})
	cmd := exec.Command("python3", "testdata/boto3_smoke.py")
	cmd.Env = append(cleanEnv(), "HOARD_URL="+p.URL, "HOARD_KEY="+accessKey,
		"HOARD_SECRET="+secretKey, "HOARD_BUCKET=boto3-bucket", "AWS_CONFIG_FILE=/dev/null",
		"AWS_SHARED_CREDENTIALS_FILE=/dev/null")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "boto3 smoke ok") {
		t.Fatalf("boto3 script: %v\n%s", err, out)
	}
}

// TestBoto3IAMWithoutRegion: boto3's IAM and S3 clients without a region
// (the Ceph s3-tests suite's) sign with an empty scope region, which the
// server takes for its own.
func TestBoto3IAMWithoutRegion(t *testing.T) {
	if err := exec.Command("python3", "-c", "import boto3").Run(); err != nil {
		t.Skipf("python3 with boto3 not available (%v); skipping (CI installs it)", err)
	}
	p := startHoard(t, startOpts{})
	cmd := exec.Command("python3", "testdata/boto3_iam_noregion.py")
	cmd.Env = append(cleanEnv(), "HOARD_URL="+p.URL, "HOARD_KEY="+accessKey,
		"HOARD_SECRET="+secretKey, "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "boto3 iam ok") {
		t.Fatalf("boto3 IAM script: %v\n%s", err, out)
	}
}
