package e2e

import (
	"strings"
	"testing"
)

// withCreds returns the runner signing with other credentials.
func (c *awsCLI) withCreds(ak, secret, token string) *awsCLI {
	cc := *c
	cc.env = append(append([]string(nil), c.env...), "AWS_ACCESS_KEY_ID="+ak, "AWS_SECRET_ACCESS_KEY="+secret, "AWS_SESSION_TOKEN="+token)
	return &cc
}

// TestAWSCLIIAM drives `aws iam` and `aws sts` at the S3 endpoint: a user
// with a key and an inline policy, a role it may assume, the caller
// identity of each principal, and S3 listings with the new credentials as
// their policies allow.
func TestAWSCLIIAM(t *testing.T) {
	if !haveAWS() {
		t.Skip("aws CLI not on PATH; skipping (CI installs it)")
	}
	p := startHoard(t, startOpts{})
	root := newAWSCLI(t, p)
	root.run("s3", "mb", "s3://iam-e2e")

	var user struct {
		User struct{ UserName, Arn, UserId string }
	}
	root.json(&user, "iam", "create-user", "--user-name", "ci-bot")
	if user.User.Arn != "arn:aws:iam::000000000000:user/ci-bot" || !strings.HasPrefix(user.User.UserId, "AIDA") {
		t.Fatalf("create-user = %+v", user)
	}
	var key struct {
		AccessKey struct{ AccessKeyId, SecretAccessKey, Status string }
	}
	root.json(&key, "iam", "create-access-key", "--user-name", "ci-bot")
	if !strings.HasPrefix(key.AccessKey.AccessKeyId, "AKIA") || key.AccessKey.Status != "Active" {
		t.Fatalf("create-access-key = %+v", key)
	}
	policy := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:ListBucket","s3:GetObject"],"Resource":["arn:aws:s3:::iam-e2e","arn:aws:s3:::iam-e2e/*"]},{"Effect":"Allow","Action":["s3:ListAllMyBuckets","sts:AssumeRole"],"Resource":"*"}]}`
	root.run("iam", "put-user-policy", "--user-name", "ci-bot", "--policy-name", "read", "--policy-document", policy)
	var got struct{ PolicyDocument map[string]any }
	root.json(&got, "iam", "get-user-policy", "--user-name", "ci-bot", "--policy-name", "read")
	if got.PolicyDocument["Version"] != "2012-10-17" {
		t.Fatalf("get-user-policy = %+v", got)
	}
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:root"},"Action":"sts:AssumeRole"}]}`
	var role struct{ Role struct{ Arn string } }
	root.json(&role, "iam", "create-role", "--role-name", "deployer", "--assume-role-policy-document", trust)
	rolePolicy := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::iam-e2e"}]}`
	root.run("iam", "put-role-policy", "--role-name", "deployer", "--policy-name", "list", "--policy-document", rolePolicy)

	bot := root.withCreds(key.AccessKey.AccessKeyId, key.AccessKey.SecretAccessKey, "")
	// The user's policy decides what the new key may do.
	if _, stderr, err := bot.try("s3", "ls", "s3://other-bucket"); err == nil || !strings.Contains(stderr, "AccessDenied") {
		t.Fatalf("s3 ls outside the policy: %v %s", err, stderr)
	}
	var id struct{ Arn, Account, UserId string }
	bot.json(&id, "sts", "get-caller-identity")
	if id.Arn != user.User.Arn || id.Account != "000000000000" || id.UserId != user.User.UserId {
		t.Fatalf("bot get-caller-identity = %+v", id)
	}
	bot.run("s3", "ls")
	bot.run("s3", "ls", "s3://iam-e2e")

	var assumed struct {
		Credentials     struct{ AccessKeyId, SecretAccessKey, SessionToken, Expiration string }
		AssumedRoleUser struct{ Arn string }
	}
	bot.json(&assumed, "sts", "assume-role", "--role-arn", role.Role.Arn, "--role-session-name", "e2e")
	if assumed.AssumedRoleUser.Arn != "arn:aws:sts::000000000000:assumed-role/deployer/e2e" || !strings.HasPrefix(assumed.Credentials.AccessKeyId, "ASIA") {
		t.Fatalf("assume-role = %+v", assumed)
	}
	c := assumed.Credentials
	sess := root.withCreds(c.AccessKeyId, c.SecretAccessKey, c.SessionToken)
	sess.json(&id, "sts", "get-caller-identity")
	if id.Arn != assumed.AssumedRoleUser.Arn {
		t.Fatalf("session get-caller-identity = %+v", id)
	}
	sess.run("s3", "ls", "s3://iam-e2e")

	// Without its token the session key is refused.
	if _, stderr, err := root.withCreds(c.AccessKeyId, c.SecretAccessKey, "").try("s3", "ls"); err == nil || !strings.Contains(stderr, "InvalidToken") {
		t.Fatalf("s3 ls without the session token: %v %s", err, stderr)
	}
	// Deleting the role ends the session.
	root.run("iam", "delete-role-policy", "--role-name", "deployer", "--policy-name", "list")
	root.run("iam", "delete-role", "--role-name", "deployer")
	if _, stderr, err := sess.try("sts", "get-caller-identity"); err == nil || !strings.Contains(stderr, "InvalidClientTokenId") {
		t.Fatalf("session after delete-role: %v %s", err, stderr)
	}
}
