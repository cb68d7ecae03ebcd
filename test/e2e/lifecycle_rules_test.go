package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestAWSCLILifecycleRules: the aws CLI sets, reads and deletes a
// lifecycle configuration, and with --lifecycle-day the binary's worker
// expires what the rule says.
func TestAWSCLILifecycleRules(t *testing.T) {
	if !haveAWS() {
		t.Skip("aws CLI not on PATH; skipping (CI installs it)")
	}
	p := startHoard(t, startOpts{args: []string{"--lifecycle-day", "5s"}})
	cli := newAWSCLI(t, p)
	cli.run("s3api", "create-bucket", "--bucket", "rules")
	doc := filepath.Join(t.TempDir(), "lc.json")
	rules := `{"Rules":[{"ID":"tmp","Status":"Enabled","Filter":{"Prefix":"tmp/"},"Expiration":{"Days":1}},` +
		`{"ID":"uploads","Status":"Enabled","Filter":{"Prefix":""},"AbortIncompleteMultipartUpload":{"DaysAfterInitiation":7}}]}`
	if err := os.WriteFile(doc, []byte(rules), 0o600); err != nil {
		t.Fatal(err)
	}
	cli.run("s3api", "put-bucket-lifecycle-configuration", "--bucket", "rules", "--lifecycle-configuration", "file://"+doc)
	var got struct {
		Rules []struct {
			ID         string
			Status     string
			Filter     struct{ Prefix string }
			Expiration struct{ Days int }
		}
	}
	cli.json(&got, "s3api", "get-bucket-lifecycle-configuration", "--bucket", "rules")
	if len(got.Rules) != 2 || got.Rules[0].ID != "tmp" || got.Rules[0].Filter.Prefix != "tmp/" || got.Rules[0].Expiration.Days != 1 {
		t.Fatalf("get-bucket-lifecycle-configuration = %+v", got)
	}

	body := filepath.Join(t.TempDir(), "body")
	if err := os.WriteFile(body, []byte("short-lived"), 0o600); err != nil {
		t.Fatal(err)
	}
	cli.run("s3api", "put-object", "--bucket", "rules", "--key", "tmp/x", "--body", body)
	cli.run("s3api", "put-object", "--bucket", "rules", "--key", "keep/y", "--body", body)
	var head struct{ Expiration string }
	cli.json(&head, "s3api", "head-object", "--bucket", "rules", "--key", "tmp/x")
	if !strings.Contains(head.Expiration, `rule-id="tmp"`) {
		t.Fatalf("head-object Expiration = %q", head.Expiration)
	}
	waitFor(t, 60*time.Second, "expiry of tmp/x", func() bool {
		_, _, err := cli.try("s3api", "head-object", "--bucket", "rules", "--key", "tmp/x")
		return err != nil
	})
	cli.run("s3api", "head-object", "--bucket", "rules", "--key", "keep/y")

	cli.run("s3api", "delete-bucket-lifecycle", "--bucket", "rules")
	_, stderr, err := cli.try("s3api", "get-bucket-lifecycle-configuration", "--bucket", "rules")
	if err == nil || !strings.Contains(stderr, "NoSuchLifecycleConfiguration") {
		t.Fatalf("get after delete: %v %s", err, stderr)
	}
}
