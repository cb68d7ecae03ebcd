package iamapi_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/hoard-s3/hoard/internal/iamapi"
	"github.com/hoard-s3/hoard/internal/testserver"
)

// signedForm posts an IAM or STS query request signed with c and returns
// the status and body.
func signedForm(t *testing.T, hc *http.Client, base, service string, c creds, form url.Values) (int, string) {
	t.Helper()
	body := form.Encode()
	req, err := http.NewRequest("POST", base+"/", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	sum := sha256.Sum256([]byte(body))
	hash := hex.EncodeToString(sum[:])
	req.Header.Set("X-Amz-Content-Sha256", hash)
	cred := aws.Credentials{AccessKeyID: c.ak, SecretAccessKey: c.secret, SessionToken: c.token}
	if err := v4.NewSigner().SignHTTP(context.Background(), cred, req, hash, service, region, time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestEveryIAMActionAuthorized walks every IAM action as principals the
// IAM API must refuse: a user allowed nothing, a user allowed iam:* with
// an explicit Deny, and temporary credentials of the root itself (AWS
// refuses IAM calls with GetSessionToken credentials that carry no MFA).
func TestEveryIAMActionAuthorized(t *testing.T) {
	srv := testserver.Start(t)
	c, hc := ctx(t), srv.HTTPClient()
	root := iamClient(srv.URL, hc, rootCreds)
	newUser := func(name string, docs ...string) creds {
		must[*iam.CreateUserOutput](t)(root.CreateUser(c, &iam.CreateUserInput{UserName: aws.String(name)}))
		for i, d := range docs {
			must[*iam.PutUserPolicyOutput](t)(root.PutUserPolicy(c, &iam.PutUserPolicyInput{UserName: aws.String(name),
				PolicyName: aws.String(string(rune('a' + i))), PolicyDocument: aws.String(d)}))
		}
		k := must[*iam.CreateAccessKeyOutput](t)(root.CreateAccessKey(c, &iam.CreateAccessKeyInput{UserName: aws.String(name)}))
		return creds{aws.ToString(k.AccessKey.AccessKeyId), aws.ToString(k.AccessKey.SecretAccessKey), ""}
	}
	allowAll := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:*","sts:*"],"Resource":"*"}]}`
	denyAll := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":["iam:*","sts:*"],"Resource":"*"}]}`
	gs := must[*sts.GetSessionTokenOutput](t)(stsClient(srv.URL, hc, rootCreds).GetSessionToken(c, &sts.GetSessionTokenInput{}))
	principals := map[string]creds{
		"nobody":       newUser("nobody"),
		"allowed iam":  newUser("admin", allowAll),
		"denied":       newUser("denied", allowAll, denyAll),
		"root session": {aws.ToString(gs.Credentials.AccessKeyId), aws.ToString(gs.Credentials.SecretAccessKey), aws.ToString(gs.Credentials.SessionToken)},
	}
	users := must[*iam.ListUsersOutput](t)(root.ListUsers(c, &iam.ListUsersInput{}))
	for who, cr := range principals {
		if who == "allowed iam" {
			continue // non-root administrators: admin_test.go
		}
		for _, action := range iamapi.Operations("iam") {
			form := url.Values{"Action": {action}, "Version": {iamapi.IAMVersion}, "UserName": {"victim"}, "GroupName": {"g"},
				"RoleName": {"r"}, "PolicyName": {"p"}, "PolicyDocument": {allowAll}, "AccessKeyId": {cr.ak}, "Status": {"Inactive"},
				"AssumeRolePolicyDocument": {`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}`}}
			status, body := signedForm(t, hc, srv.URL, "iam", cr, form)
			if status != 403 || !strings.Contains(body, "<Code>AccessDenied</Code>") {
				t.Errorf("%s %s: %d %.200s", who, action, status, body)
			}
		}
	}
	after := must[*iam.ListUsersOutput](t)(root.ListUsers(c, &iam.ListUsersInput{}))
	if len(after.Users) != len(users.Users) {
		t.Fatalf("users changed: %d, then %d", len(users.Users), len(after.Users))
	}
	if _, err := root.GetRole(c, &iam.GetRoleInput{RoleName: aws.String("r")}); err == nil {
		t.Fatal("a refused CreateRole made the role")
	}

	// STS: AssumeRole of a role that trusts the account needs the caller's
	// own sts:AssumeRole, and an explicit Deny refuses even a role that
	// names the caller; GetCallerIdentity and GetSessionToken need no
	// permission (AWS: "You cannot use policies to control authentication
	// operations").
	trust := func(principal string) *string {
		return aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + principal + `"},"Action":"sts:AssumeRole"}]}`)
	}
	acctRole := must[*iam.CreateRoleOutput](t)(root.CreateRole(c, &iam.CreateRoleInput{RoleName: aws.String("account-role"), AssumeRolePolicyDocument: trust("arn:aws:iam::" + acct + ":root")}))
	named := must[*iam.CreateRoleOutput](t)(root.CreateRole(c, &iam.CreateRoleInput{RoleName: aws.String("named-role"), AssumeRolePolicyDocument: trust("arn:aws:iam::" + acct + ":user/denied")}))
	for _, tc := range []struct {
		who  string
		role *string
	}{{"nobody", acctRole.Role.Arn}, {"denied", acctRole.Role.Arn}, {"denied", named.Role.Arn}} {
		_, err := stsClient(srv.URL, hc, principals[tc.who]).AssumeRole(c, &sts.AssumeRoleInput{RoleArn: tc.role, RoleSessionName: aws.String("sess")})
		wantCode(t, err, "AccessDenied", 403)
	}
	if _, err := stsClient(srv.URL, hc, principals["allowed iam"]).AssumeRole(c, &sts.AssumeRoleInput{RoleArn: acctRole.Role.Arn, RoleSessionName: aws.String("sess")}); err != nil {
		t.Fatalf("AssumeRole allowed by trust and identity policy: %v", err)
	}
	for _, who := range []string{"nobody", "denied"} {
		if _, err := stsClient(srv.URL, hc, principals[who]).GetCallerIdentity(c, &sts.GetCallerIdentityInput{}); err != nil {
			t.Errorf("%s GetCallerIdentity: %v", who, err)
		}
		if _, err := stsClient(srv.URL, hc, principals[who]).GetSessionToken(c, &sts.GetSessionTokenInput{}); err != nil {
			t.Errorf("%s GetSessionToken: %v", who, err)
		}
	}
	if len(iamapi.Operations("sts")) != 4 { // AssumeRoleWithWebIdentity: oidc_test.go
		t.Errorf("STS serves %v: walk the new action here", iamapi.Operations("sts"))
	}
}
