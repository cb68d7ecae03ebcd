package accounts_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

func TestCrossAccountBucketPolicy(t *testing.T) {
	w := newWorld(t)
	op, b, c := w.op, w.newAccount("blue"), w.newAccount("cyan")
	op.bucket("shared")
	if err := op.put("shared", "doc", "hello"); err != nil {
		t.Fatal(err)
	}
	op.setPolicy("shared", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::`+b.id+`:root"},"Action":["s3:GetObject","s3:ListBucket","s3:DeleteObject"],"Resource":["arn:aws:s3:::shared","arn:aws:s3:::shared/*"]},
		{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::`+b.id+`:user/intern"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::shared/*"},
		{"Effect":"Deny","Principal":"*","Action":"s3:DeleteObject","Resource":"arn:aws:s3:::shared/*","Condition":{"StringEquals":{"aws:PrincipalAccount":"`+b.id+`"}}}]}`)

	// The root of the named account: the bucket policy suffices.
	if got, err := b.get("shared", "doc"); err != nil || got != "hello" {
		t.Errorf("blue root reads: %q, %v", got, err)
	}
	if _, err := b.s3.ListObjectsV2(w.ctx, &s3.ListObjectsV2Input{Bucket: aws.String("shared")}); err != nil {
		t.Errorf("blue root lists: %v", err)
	}
	// Its users need their own account's allow as well.
	plain := b.user("plain")
	_, err := plain.get("shared", "doc")
	wantCode(t, "blue user without identity policy", err, "AccessDenied")
	reader := b.user("reader", allowS3)
	if got, err := reader.get("shared", "doc"); err != nil || got != "hello" {
		t.Errorf("blue user with identity policy: %q, %v", got, err)
	}
	// Not granted by the bucket policy: refused even with s3:*.
	wantCode(t, "blue user writes", reader.put("shared", "new", "x"), "AccessDenied")
	// Explicit denies win, by ARN and by aws:PrincipalAccount.
	intern := b.user("intern", allowS3)
	_, err = intern.get("shared", "doc")
	wantCode(t, "denied intern", err, "AccessDenied")
	_, err = reader.s3.DeleteObject(w.ctx, &s3.DeleteObjectInput{Bucket: aws.String("shared"), Key: aws.String("doc")})
	wantCode(t, "delete denied by aws:PrincipalAccount", err, "AccessDenied")
	_, err = b.s3.DeleteObject(w.ctx, &s3.DeleteObjectInput{Bucket: aws.String("shared"), Key: aws.String("doc")})
	wantCode(t, "root's delete denied by aws:PrincipalAccount", err, "AccessDenied")
	// A third account is not named.
	_, err = c.get("shared", "doc")
	wantCode(t, "cyan root", err, "AccessDenied")
	_, err = c.user("wide", allowS3).get("shared", "doc")
	wantCode(t, "cyan user with s3:*", err, "AccessDenied")

	// s3:ResourceAccount in blue's own policy: reads only buckets of
	// accounts it names.
	scoped := b.user("scoped", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"s3:ResourceAccount":"`+c.id+`"}}}]}`)
	_, err = scoped.get("shared", "doc")
	wantCode(t, "s3:ResourceAccount names another account", err, "AccessDenied")
	scoped2 := b.user("scoped2", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"s3:ResourceAccount":"`+op.id+`"}}}]}`)
	if _, err := scoped2.get("shared", "doc"); err != nil {
		t.Errorf("s3:ResourceAccount names the owner: %v", err)
	}

	// Within the owner's account either policy suffices: a user with no
	// identity policy, named by the bucket policy.
	opUser := op.user("guest")
	_, err = opUser.get("shared", "doc")
	wantCode(t, "operator user before the grant", err, "AccessDenied")
	op.setPolicy("shared", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::`+op.id+`:user/guest"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::shared/*"}]}`)
	if _, err := opUser.get("shared", "doc"); err != nil {
		t.Errorf("same-account user granted by the bucket policy alone: %v", err)
	}
	_, err = reader.get("shared", "doc")
	wantCode(t, "blue after the policy changed", err, "AccessDenied")
}

func TestCrossAccountPolicyByOrganization(t *testing.T) {
	w := newWorld(t)
	op := w.op
	in, err := w.admin.Create(w.ctx, adminCreate("member", "o-abcdefghij"))
	if err != nil {
		t.Fatal(err)
	}
	member := w.clients(in.ID, in.Name, in.CanonicalID, in.RootAccessKey, in.RootSecretKey, "")
	outsider := w.newAccount("outsider")
	op.bucket("org-data")
	if err := op.put("org-data", "k", "v"); err != nil {
		t.Fatal(err)
	}
	op.setPolicy("org-data", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::org-data/*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abcdefghij"}}}]}`)
	if _, err := member.get("org-data", "k"); err != nil {
		t.Errorf("member of the organization: %v", err)
	}
	_, err = outsider.get("org-data", "k")
	wantCode(t, "outsider", err, "AccessDenied")
}

func TestCrossAccountAssumeRole(t *testing.T) {
	w := newWorld(t)
	op, b, c := w.op, w.newAccount("blue"), w.newAccount("cyan")
	op.bucket("role-data")
	if err := op.put("role-data", "k", "v"); err != nil {
		t.Fatal(err)
	}
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + b.id + `:root"},"Action":"sts:AssumeRole"}]}`
	role, err := op.iam.CreateRole(w.ctx, &iam.CreateRoleInput{RoleName: aws.String("Auditor"), AssumeRolePolicyDocument: aws.String(trust)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = op.iam.PutRolePolicy(w.ctx, &iam.PutRolePolicyInput{RoleName: aws.String("Auditor"), PolicyName: aws.String("read"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":"*"}]}`)})
	if err != nil {
		t.Fatal(err)
	}
	roleARN := aws.ToString(role.Role.Arn)
	assume := func(a *account) (*sts.AssumeRoleOutput, error) {
		return a.sts.AssumeRole(w.ctx, &sts.AssumeRoleInput{RoleArn: aws.String(roleARN), RoleSessionName: aws.String("audit")})
	}

	// The trust names blue: its root may; its users need their own
	// sts:AssumeRole allow too; cyan may not at all.
	out, err := assume(b)
	if err != nil {
		t.Fatalf("blue root assumes the operator's role: %v", err)
	}
	_, err = assume(b.user("nobody"))
	wantCode(t, "blue user without sts:AssumeRole", err, "AccessDenied")
	allowed := b.user("auditor", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"`+roleARN+`"}]}`)
	if _, err := assume(allowed); err != nil {
		t.Errorf("blue user with sts:AssumeRole: %v", err)
	}
	_, err = assume(c)
	wantCode(t, "cyan root (not trusted)", err, "AccessDenied")

	// A trust naming a user of another account directly still needs that
	// user's own allow (within one account the trust alone would do).
	direct := b.user("direct")
	named := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + b.id + `:user/direct"},"Action":"sts:AssumeRole"}]}`
	if _, err := op.iam.UpdateAssumeRolePolicy(w.ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String("Auditor"), PolicyDocument: aws.String(named)}); err != nil {
		t.Fatal(err)
	}
	_, err = assume(direct)
	wantCode(t, "user named by the trust, without its own allow", err, "AccessDenied")
	if _, err := op.iam.UpdateAssumeRolePolicy(w.ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String("Auditor"), PolicyDocument: aws.String(trust)}); err != nil {
		t.Fatal(err)
	}
	_, err = assume(c.user("wide", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}`))
	wantCode(t, "cyan user (not trusted)", err, "AccessDenied")

	// The session is the operator's role: it reads the operator's bucket
	// as a principal of the operator's account.
	cr := out.Credentials
	sess := w.clients(op.id, "audit", op.canon, aws.ToString(cr.AccessKeyId), aws.ToString(cr.SecretAccessKey), aws.ToString(cr.SessionToken))
	id, err := sess.sts.GetCallerIdentity(w.ctx, nil)
	if err != nil || aws.ToString(id.Account) != op.id || aws.ToString(id.Arn) != "arn:aws:sts::"+op.id+":assumed-role/Auditor/audit" {
		t.Errorf("session identity: %+v, %v", id, err)
	}
	if got, err := sess.get("role-data", "k"); err != nil || got != "v" {
		t.Errorf("session reads role-data: %q, %v", got, err)
	}
	wantCode(t, "session writes (not in the role's policy)", sess.put("role-data", "k2", "x"), "AccessDenied")
	// Blue's root itself still cannot read the bucket.
	_, err = b.get("role-data", "k")
	wantCode(t, "blue root directly", err, "AccessDenied")
	// The session cannot reach blue's buckets either.
	b.bucket("blue-own")
	_, err = sess.s3.ListObjectsV2(w.ctx, &s3.ListObjectsV2Input{Bucket: aws.String("blue-own")})
	wantCode(t, "session lists blue's bucket", err, "AccessDenied")
}
