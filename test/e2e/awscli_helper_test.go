package e2e

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// awsCLI runs the aws command line against a server with a private
// configuration, so the machine's own profiles never leak in.
type awsCLI struct {
	t        testing.TB
	env      []string
	endpoint string
	caBundle string
}

// awsConfig leaves the transfer settings at their defaults, so that cp and
// sync use multipart uploads and ranged parallel downloads above 8 MB, as
// they do for everyone.
const awsConfig = `[default]
region = us-east-1
`

// haveAWS reports whether the aws CLI is installed.
func haveAWS() bool {
	_, err := exec.LookPath("aws")
	return err == nil
}

// newAWSCLI returns an aws runner for the server p; p may be nil for
// command lines that carry their own credentials and endpoint.
func newAWSCLI(t testing.TB, p *proc) *awsCLI {
	t.Helper()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config")
	creds := filepath.Join(dir, "credentials")
	if err := os.WriteFile(cfg, []byte(awsConfig), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(creds, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	c := &awsCLI{t: t}
	c.env = append(cleanEnv(),
		"AWS_CONFIG_FILE="+cfg, "AWS_SHARED_CREDENTIALS_FILE="+creds,
		"AWS_MAX_ATTEMPTS=1", "AWS_RETRY_MODE=standard", "AWS_EC2_METADATA_DISABLED=true",
		"AWS_PAGER=", "AWS_DEFAULT_REGION="+region)
	if p != nil {
		c.endpoint, c.caBundle = p.URL, p.CAFile
		c.env = append(c.env, "AWS_ACCESS_KEY_ID="+accessKey, "AWS_SECRET_ACCESS_KEY="+secretKey)
	}
	return c
}

// in returns the runner bound to a subtest, so that failures stop the
// subtest and not its parent.
func (c *awsCLI) in(t testing.TB) *awsCLI {
	cc := *c
	cc.t = t
	return &cc
}

// run runs aws with the endpoint and fails the test on error.
func (c *awsCLI) run(args ...string) string {
	c.t.Helper()
	out, stderr, err := c.try(args...)
	if err != nil {
		c.t.Fatalf("aws %q: %v\nstdout: %s\nstderr: %s", args, err, out, stderr)
	}
	return out
}

// try runs aws with the endpoint and returns its outcome.
func (c *awsCLI) try(args ...string) (stdout, stderr string, err error) {
	// A short read timeout turns a server hang into a quick failure.
	full := []string{"--endpoint-url", c.endpoint, "--output", "json", "--cli-read-timeout", "20"}
	if c.caBundle != "" {
		full = append(full, "--ca-bundle", c.caBundle)
	}
	full = append(full, args...)
	return c.exec(exec.Command("aws", full...))
}

// shell runs a command line in sh with the CLI's environment.
func (c *awsCLI) shell(line string) (stdout, stderr string, err error) {
	return c.exec(exec.Command("sh", "-c", line))
}

func (c *awsCLI) exec(cmd *exec.Cmd) (string, string, error) {
	var out, errb bytes.Buffer
	cmd.Env, cmd.Stdout, cmd.Stderr = c.env, &out, &errb
	err := cmd.Run()
	return out.String(), errb.String(), err
}

// json runs an s3api command and decodes its JSON answer into v.
func (c *awsCLI) json(v any, args ...string) {
	c.t.Helper()
	out := c.run(args...)
	if err := json.Unmarshal([]byte(out), v); err != nil {
		c.t.Fatalf("aws %q: decode %q: %v", args, out, err)
	}
}
