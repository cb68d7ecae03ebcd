package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAWSCLIObjectLock drives object lock with the aws CLI against the
// built binary: a bucket created with object lock and a default
// retention, an upload through `aws s3 cp` (which must be accepted without
// the client doing anything special), and the deletes that the lock must
// stop or let through. The SDK tests in internal/s3api cover each call;
// this one keeps to a few CLI runs, each of which costs a second or two.
func TestAWSCLIObjectLock(t *testing.T) {
	if !haveAWS() {
		t.Skip("aws CLI not on PATH")
	}
	p := startHoard(t, startOpts{})
	aws := newAWSCLI(t, p)
	const b = "cli-worm"
	aws.run("s3api", "create-bucket", "--bucket", b, "--object-lock-enabled-for-bucket")
	aws.run("s3api", "put-object-lock-configuration", "--bucket", b, "--object-lock-configuration",
		`{"ObjectLockEnabled":"Enabled","Rule":{"DefaultRetention":{"Mode":"GOVERNANCE","Days":1}}}`)
	src := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(src, []byte("worm bytes"), 0o600); err != nil {
		t.Fatal(err)
	}
	aws.run("s3", "cp", src, "s3://"+b+"/doc")
	var head struct {
		VersionId, ObjectLockMode, ObjectLockRetainUntilDate string
	}
	aws.json(&head, "s3api", "head-object", "--bucket", b, "--key", "doc")
	if head.ObjectLockMode != "GOVERNANCE" || head.ObjectLockRetainUntilDate == "" || head.VersionId == "" {
		t.Fatalf("head of a default-retained object: %+v", head)
	}
	_, stderr, err := aws.try("s3api", "delete-object", "--bucket", b, "--key", "doc", "--version-id", head.VersionId)
	if err == nil || !strings.Contains(stderr, "AccessDenied") {
		t.Fatalf("delete of a retained version: %v %s", err, stderr)
	}
	// rm --recursive only writes delete markers; the version stays.
	aws.run("s3", "rm", "--recursive", "s3://"+b+"/")
	aws.run("s3api", "head-object", "--bucket", b, "--key", "doc", "--version-id", head.VersionId)
	_, stderr, err = aws.try("s3api", "delete-bucket", "--bucket", b)
	if err == nil || !strings.Contains(stderr, "BucketNotEmpty") {
		t.Fatalf("delete of a bucket holding a retained version: %v %s", err, stderr)
	}
	aws.run("s3api", "delete-object", "--bucket", b, "--key", "doc", "--version-id", head.VersionId, "--bypass-governance-retention")
	if _, _, err := aws.try("s3api", "head-object", "--bucket", b, "--key", "doc", "--version-id", head.VersionId); err == nil {
		t.Fatal("version still there after a bypassed delete")
	}
}
