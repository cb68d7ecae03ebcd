package e2e

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
)

// TestLifecycle: the server answers, refuses a second server on its data
// directory, exits 0 on SIGTERM, and its data survives a restart.
func TestLifecycle(t *testing.T) {
	p := startHoard(t, startOpts{})
	c := p.client()
	createBucket(t, c, "life")
	putString(t, c, "life", "hello.txt", "hello, hoard")
	assertAnonymousDenied(t, p.URL+"/life/hello.txt")

	second, err := launch(t, startOpts{dataDir: p.DataDir})
	if err == nil {
		t.Fatalf("a second server started on the data directory of a running one")
	}
	if second.code != 1 || !strings.Contains(second.stderr.String(), "in use by another hoard server") {
		t.Errorf("second server: exit code %d, stderr %q; want 1 and the lock message", second.code, second.stderr)
	}

	if code := p.stop(t); code != 0 {
		t.Fatalf("exit code after SIGTERM = %d, want 0", code)
	}
	assertCleanStop(t, p)

	p2 := startHoard(t, startOpts{dataDir: p.DataDir})
	if got := getString(t, p2.client(), "life", "hello.txt"); got != "hello, hoard" {
		t.Errorf("after restart got %q", got)
	}
}

// TestGeneratedCredentials: without credentials in the environment the
// server generates a pair, prints it once with a usable aws command line,
// keeps it with mode 0600 and reuses it on restart.
func TestGeneratedCredentials(t *testing.T) {
	p := startHoard(t, startOpts{noCreds: true})
	out := p.stdout.String()
	ak, sk := findCredential(t, out, "access key"), findCredential(t, out, "secret key")
	wantCmd := "AWS_ACCESS_KEY_ID=" + ak + " AWS_SECRET_ACCESS_KEY=" + sk + " aws --endpoint-url " + p.URL
	if !strings.Contains(out, wantCmd) {
		t.Errorf("stdout lacks the command line %q:\n%s", wantCmd, out)
	}
	assertCredentialsFile(t, p.DataDir, ak, sk)
	listBuckets(t, p.clientAs(ak, sk))
	assertErrorCode(t, "wrong secret", listBucketsErr(t, p.clientAs(ak, sk+"x")), "SignatureDoesNotMatch")
	runPrintedAWSCommand(t, out)
	if code := p.stop(t); code != 0 {
		t.Fatalf("exit code after SIGTERM = %d, want 0", code)
	}

	p2 := startHoard(t, startOpts{dataDir: p.DataDir, noCreds: true})
	if strings.Contains(p2.stdout.String(), "secret key") {
		t.Errorf("restart printed credentials again:\n%s", p2.stdout)
	}
	listBuckets(t, p2.clientAs(ak, sk))
}

func findCredential(t *testing.T, out, label string) string {
	t.Helper()
	m := regexp.MustCompile(`(?m)^\s*` + label + `: (\S+)$`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("stdout has no %q line:\n%s", label, out)
	}
	return m[1]
}

func assertCredentialsFile(t *testing.T, dataDir, ak, sk string) {
	t.Helper()
	path := filepath.Join(dataDir, "root-credentials.json")
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatalf("credentials file: %v", err)
	}
	if perm := fi.Mode().Perm(); perm != 0o600 {
		t.Errorf("credentials file mode %v, want 0600", perm)
	}
	data, _ := os.ReadFile(path)
	if !bytes.Contains(data, []byte(ak)) || !bytes.Contains(data, []byte(sk)) {
		t.Errorf("credentials file does not hold the printed pair")
	}
}

// runPrintedAWSCommand pastes the printed `try:` line into a shell, as a
// newcomer would.
func runPrintedAWSCommand(t *testing.T, out string) {
	t.Helper()
	m := regexp.MustCompile(`(?m)^\s*try: (.+)$`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no ready-to-paste command line in:\n%s", out)
	}
	if !haveAWS() {
		t.Log("aws CLI not on PATH; not running the printed command line")
		return
	}
	if _, stderr, err := newAWSCLI(t, nil).shell(m[1]); err != nil {
		t.Errorf("printed command %q failed: %v\n%s", m[1], err, stderr)
	}
}

func assertAnonymousDenied(t *testing.T, url string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("anonymous GET: %v", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	if resp.StatusCode != http.StatusForbidden || !bytes.Contains(body, []byte("<Code>AccessDenied</Code>")) {
		t.Errorf("anonymous GET: %d %s; want 403 AccessDenied", resp.StatusCode, body)
	}
}

func assertCleanStop(t *testing.T, p *proc) {
	t.Helper()
	logs := p.stderr.String()
	if !strings.Contains(logs, "stopped cleanly") {
		t.Errorf("no clean-stop log line:\n%s", logs)
	}
	if strings.Contains(logs, "level=ERROR") {
		t.Errorf("errors logged:\n%s", logs)
	}
}

func createBucket(t testing.TB, c *s3.Client, name string) {
	t.Helper()
	if _, err := c.CreateBucket(testContext(t), &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		t.Fatalf("CreateBucket %s: %v", name, err)
	}
}

func putString(t testing.TB, c *s3.Client, bucket, key, body string) {
	t.Helper()
	_, err := c.PutObject(testContext(t), &s3.PutObjectInput{
		Bucket: aws.String(bucket), Key: aws.String(key), Body: strings.NewReader(body)})
	if err != nil {
		t.Fatalf("PutObject %s/%s: %v", bucket, key, err)
	}
}

func getString(t testing.TB, c *s3.Client, bucket, key string) string {
	t.Helper()
	out, err := c.GetObject(testContext(t), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		t.Fatalf("GetObject %s/%s: %v", bucket, key, err)
	}
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	if err != nil {
		t.Fatalf("read %s/%s: %v", bucket, key, err)
	}
	return string(b)
}

func listBuckets(t testing.TB, c *s3.Client) {
	t.Helper()
	if err := listBucketsErr(t, c); err != nil {
		t.Fatalf("ListBuckets: %v", err)
	}
}

func listBucketsErr(t testing.TB, c *s3.Client) error {
	_, err := c.ListBuckets(testContext(t), &s3.ListBucketsInput{})
	return err
}

func assertErrorCode(t testing.TB, what string, err error, code string) {
	t.Helper()
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != code {
		t.Errorf("%s: error %v, want S3 error %s", what, err, code)
	}
}
