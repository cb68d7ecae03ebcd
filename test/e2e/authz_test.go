package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAWSCLIAuthorization drives policies end to end with the aws CLI: a
// user whose inline policy allows reading one bucket, an assumed role
// whose session policy narrows it, a bucket policy, and Block Public
// Access through s3api and s3control.
func TestAWSCLIAuthorization(t *testing.T) {
	if !haveAWS() {
		t.Skip("aws CLI not on PATH; skipping (CI installs it)")
	}
	p := startHoard(t, startOpts{})
	root := newAWSCLI(t, p)
	work := t.TempDir()
	file := filepath.Join(work, "f.txt")
	if err := os.WriteFile(file, []byte("hello"), 0o600); err != nil {
		t.Fatal(err)
	}
	root.run("s3", "mb", "s3://authz-read")
	root.run("s3", "mb", "s3://authz-other")
	root.run("s3", "cp", file, "s3://authz-read/f.txt")
	root.run("s3", "cp", file, "s3://authz-other/f.txt")

	var key struct {
		AccessKey struct{ AccessKeyId, SecretAccessKey string }
	}
	root.run("iam", "create-user", "--user-name", "reader")
	root.json(&key, "iam", "create-access-key", "--user-name", "reader")
	policy := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::authz-read","arn:aws:s3:::authz-read/*"]},{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}`
	root.run("iam", "put-user-policy", "--user-name", "reader", "--policy-name", "read", "--policy-document", policy)
	reader := root.withCreds(key.AccessKey.AccessKeyId, key.AccessKey.SecretAccessKey, "")

	if out := reader.run("s3", "ls", "s3://authz-read"); !strings.Contains(out, "f.txt") {
		t.Fatalf("reader ls: %s", out)
	}
	reader.run("s3", "cp", "s3://authz-read/f.txt", filepath.Join(work, "back.txt"))
	denied := func(cli *awsCLI, args ...string) {
		t.Helper()
		if _, stderr, err := cli.try(args...); err == nil || !strings.Contains(stderr, "AccessDenied") {
			t.Fatalf("aws %q allowed (or failed otherwise): %v %s", args, err, stderr)
		}
	}
	denied(reader, "s3", "cp", file, "s3://authz-read/new.txt")
	denied(reader, "s3", "rm", "s3://authz-read/f.txt")
	denied(reader, "s3", "ls", "s3://authz-other")
	denied(reader, "s3api", "get-object", "--bucket", "authz-other", "--key", "f.txt", filepath.Join(work, "x"))
	denied(reader, "s3", "ls")

	// A role with read and write, assumed with a session policy that keeps
	// only reads.
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:root"},"Action":"sts:AssumeRole"}]}`
	var role struct{ Role struct{ Arn string } }
	root.json(&role, "iam", "create-role", "--role-name", "rw", "--assume-role-policy-document", trust)
	rw := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::authz-read/*"}]}`
	root.run("iam", "put-role-policy", "--role-name", "rw", "--policy-name", "rw", "--policy-document", rw)
	var assumed struct {
		Credentials struct{ AccessKeyId, SecretAccessKey, SessionToken string }
	}
	session := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`
	reader.json(&assumed, "sts", "assume-role", "--role-arn", role.Role.Arn, "--role-session-name", "narrow", "--policy", session)
	c := assumed.Credentials
	narrow := root.withCreds(c.AccessKeyId, c.SecretAccessKey, c.SessionToken)
	narrow.run("s3", "cp", "s3://authz-read/f.txt", filepath.Join(work, "n.txt"))
	denied(narrow, "s3", "cp", file, "s3://authz-read/n.txt")

	// A bucket policy grants the user the other bucket.
	grant := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:user/reader"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::authz-other/*"}]}`
	root.run("s3api", "put-bucket-policy", "--bucket", "authz-other", "--policy", grant)
	reader.run("s3api", "get-object", "--bucket", "authz-other", "--key", "f.txt", filepath.Join(work, "o.txt"))
	var status struct{ PolicyStatus struct{ IsPublic bool } }
	root.json(&status, "s3api", "get-bucket-policy-status", "--bucket", "authz-other")
	if status.PolicyStatus.IsPublic {
		t.Fatal("a policy for one user reported public")
	}
	public := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::authz-other/*"}]}`
	denied(root, "s3api", "put-bucket-policy", "--bucket", "authz-other", "--policy", public)
	var pab struct{ PublicAccessBlockConfiguration map[string]bool }
	root.json(&pab, "s3api", "get-public-access-block", "--bucket", "authz-other")
	if !pab.PublicAccessBlockConfiguration["BlockPublicPolicy"] {
		t.Fatalf("new bucket's public access block: %+v", pab)
	}
	var own struct {
		OwnershipControls struct {
			Rules []struct{ ObjectOwnership string }
		}
	}
	root.json(&own, "s3api", "get-bucket-ownership-controls", "--bucket", "authz-other")
	if len(own.OwnershipControls.Rules) != 1 || own.OwnershipControls.Rules[0].ObjectOwnership != "BucketOwnerEnforced" {
		t.Fatalf("ownership controls: %+v", own)
	}

	// The account-wide setting through s3control. The CLI addresses
	// ACCOUNT.<endpoint host>, which needs wildcard DNS; the server itself
	// as HTTP proxy stands in for it here.
	control := root.withEnv("HTTP_PROXY="+p.URL, "http_proxy="+p.URL, "NO_PROXY=", "no_proxy=")
	if _, stderr, err := control.try("s3control", "get-public-access-block", "--account-id", "000000000000"); err == nil ||
		!strings.Contains(stderr, "NoSuchPublicAccessBlockConfiguration") {
		t.Fatalf("account setting before any: %v %s", err, stderr)
	}
	control.run("s3control", "put-public-access-block", "--account-id", "000000000000",
		"--public-access-block-configuration", "BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true")
	control.json(&pab, "s3control", "get-public-access-block", "--account-id", "000000000000")
	if !pab.PublicAccessBlockConfiguration["RestrictPublicBuckets"] {
		t.Fatalf("account setting: %+v", pab)
	}
	control.run("s3control", "delete-public-access-block", "--account-id", "000000000000")
}

// withEnv returns the runner with extra environment variables.
func (c *awsCLI) withEnv(kv ...string) *awsCLI {
	cc := *c
	cc.env = append(append([]string(nil), c.env...), kv...)
	return &cc
}
