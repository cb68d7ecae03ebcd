package e2e

import (
	"strings"
	"testing"
)

// TestAWSCLIManagedPolicies runs the calls Terraform's AWS provider makes
// for aws_iam_policy, aws_iam_role, aws_iam_role_policy_attachment and a
// policy update, with the aws CLI: create, read back, attach, list, new
// default version, prune old versions, then destroy in reverse order.
func TestAWSCLIManagedPolicies(t *testing.T) {
	if !haveAWS() {
		t.Skip("aws CLI not on PATH; skipping (CI installs it)")
	}
	p := startHoard(t, startOpts{})
	root := newAWSCLI(t, p)
	root.run("s3", "mb", "s3://tf-state")

	doc1 := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::tf-state"}]}`
	doc2 := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:ListBucket","s3:GetObject","s3:PutObject"],"Resource":["arn:aws:s3:::tf-state","arn:aws:s3:::tf-state/*"]}]}`
	var pol struct {
		Policy struct{ Arn, PolicyName, DefaultVersionId string }
	}
	root.json(&pol, "iam", "create-policy", "--policy-name", "tf-state-access", "--path", "/tf/", "--policy-document", doc1, "--description", "state bucket")
	if pol.Policy.Arn != "arn:aws:iam::000000000000:policy/tf/tf-state-access" || pol.Policy.DefaultVersionId != "v1" {
		t.Fatalf("create-policy = %+v", pol)
	}
	arn := pol.Policy.Arn
	root.json(&pol, "iam", "get-policy", "--policy-arn", arn)
	var ver struct {
		PolicyVersion struct {
			Document         map[string]any
			VersionId        string
			IsDefaultVersion bool
		}
	}
	root.json(&ver, "iam", "get-policy-version", "--policy-arn", arn, "--version-id", pol.Policy.DefaultVersionId)
	if ver.PolicyVersion.Document["Version"] != "2012-10-17" || !ver.PolicyVersion.IsDefaultVersion {
		t.Fatalf("get-policy-version = %+v", ver)
	}

	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:root"},"Action":"sts:AssumeRole"}]}`
	var role struct{ Role struct{ Arn string } }
	root.json(&role, "iam", "create-role", "--role-name", "tf-runner", "--assume-role-policy-document", trust,
		"--tags", "Key=managed-by,Value=terraform")
	root.run("iam", "attach-role-policy", "--role-name", "tf-runner", "--policy-arn", arn)
	var att struct {
		AttachedPolicies []struct{ PolicyName, PolicyArn string }
	}
	root.json(&att, "iam", "list-attached-role-policies", "--role-name", "tf-runner")
	if len(att.AttachedPolicies) != 1 || att.AttachedPolicies[0].PolicyArn != arn {
		t.Fatalf("list-attached-role-policies = %+v", att)
	}
	var rp struct{ PolicyNames []string }
	root.json(&rp, "iam", "list-role-policies", "--role-name", "tf-runner")
	if len(rp.PolicyNames) != 0 {
		t.Fatalf("list-role-policies = %+v", rp)
	}
	var tags struct{ Tags []struct{ Key, Value string } }
	root.json(&tags, "iam", "list-role-tags", "--role-name", "tf-runner")
	if len(tags.Tags) != 1 || tags.Tags[0].Value != "terraform" {
		t.Fatalf("list-role-tags = %+v", tags)
	}

	var assumed struct {
		Credentials struct{ AccessKeyId, SecretAccessKey, SessionToken string }
	}
	root.json(&assumed, "sts", "assume-role", "--role-arn", role.Role.Arn, "--role-session-name", "plan")
	c := assumed.Credentials
	runner := root.withCreds(c.AccessKeyId, c.SecretAccessKey, c.SessionToken)
	runner.run("s3", "ls", "s3://tf-state")
	if _, stderr, err := runner.try("s3api", "put-object", "--bucket", "tf-state", "--key", "terraform.tfstate"); err == nil || !strings.Contains(stderr, "AccessDenied") {
		t.Fatalf("put before the policy update: %v %s", err, stderr)
	}

	// The policy changes: a new default version, then the old one pruned,
	// as Terraform does.
	root.run("iam", "create-policy-version", "--policy-arn", arn, "--policy-document", doc2, "--set-as-default")
	var vs struct {
		Versions []struct {
			VersionId        string
			IsDefaultVersion bool
		}
	}
	root.json(&vs, "iam", "list-policy-versions", "--policy-arn", arn)
	if len(vs.Versions) != 2 || vs.Versions[0].VersionId != "v2" || !vs.Versions[0].IsDefaultVersion {
		t.Fatalf("list-policy-versions = %+v", vs)
	}
	root.run("iam", "delete-policy-version", "--policy-arn", arn, "--version-id", "v1")
	runner.run("s3api", "put-object", "--bucket", "tf-state", "--key", "terraform.tfstate")

	// Destroy: detach, delete the role, delete the policy.
	if _, stderr, err := root.try("iam", "delete-policy", "--policy-arn", arn); err == nil || !strings.Contains(stderr, "DeleteConflict") {
		t.Fatalf("delete-policy while attached: %v %s", err, stderr)
	}
	var ents struct {
		PolicyRoles []struct{ RoleName string }
	}
	root.json(&ents, "iam", "list-entities-for-policy", "--policy-arn", arn)
	if len(ents.PolicyRoles) != 1 || ents.PolicyRoles[0].RoleName != "tf-runner" {
		t.Fatalf("list-entities-for-policy = %+v", ents)
	}
	root.run("iam", "detach-role-policy", "--role-name", "tf-runner", "--policy-arn", arn)
	root.run("iam", "delete-role", "--role-name", "tf-runner")
	root.run("iam", "delete-policy", "--policy-arn", arn)
	var list struct{ Policies []struct{ Arn string } }
	root.json(&list, "iam", "list-policies", "--scope", "Local")
	if len(list.Policies) != 0 {
		t.Fatalf("list-policies after destroy = %+v", list)
	}
	root.json(&list, "iam", "list-policies", "--scope", "AWS", "--max-items", "3")
	if len(list.Policies) != 3 {
		t.Fatalf("list-policies --scope AWS --max-items 3 = %+v", list)
	}
}
