package iam

import (
	"context"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/hoard-s3/hoard/internal/policy"
	"github.com/hoard-s3/hoard/internal/sigv4"
)

const acctRoot = "arn:aws:iam::000000000000:root"

func TestRoles(t *testing.T) {
	f, c := newFixture(t), ctx(t)
	r := must[*Role](t)(f.svc.CreateRole(c, CreateRoleInput{RoleName: "Reader", Path: "/app/", AssumeRolePolicyDocument: trustFor(acctRoot), Description: "d"}))
	if r.ARN != "arn:aws:iam::000000000000:role/app/Reader" || r.RoleID[:4] != "AROA" || r.MaxSessionDuration != 3600 {
		t.Fatalf("role = %+v", r)
	}
	_, err := f.svc.CreateRole(c, CreateRoleInput{RoleName: "reader", AssumeRolePolicyDocument: trustFor(acctRoot)})
	wantErr(t, err, ErrEntityAlreadyExists)
	for _, in := range []CreateRoleInput{
		{RoleName: "x"},
		{RoleName: "x", AssumeRolePolicyDocument: allowAll("s3:*")}, // no Principal: not a trust policy
		{RoleName: "x", AssumeRolePolicyDocument: "{"},
	} {
		_, err := f.svc.CreateRole(c, in)
		if !(errorsIs(err, ErrMalformedPolicy) || errorsIs(err, ErrValidation)) {
			t.Errorf("CreateRole(%q) = %v", in.AssumeRolePolicyDocument, err)
		}
	}
	for _, d := range []int32{1800, 43201} {
		_, err := f.svc.CreateRole(c, CreateRoleInput{RoleName: "x", AssumeRolePolicyDocument: trustFor(acctRoot), MaxSessionDuration: d})
		wantErr(t, err, ErrValidation)
	}
	got := must[*Role](t)(f.svc.GetRole(c, "READER"))
	if !reflect.DeepEqual(got, r) {
		t.Fatalf("GetRole = %+v", got)
	}
	wantErr(t, f.svc.UpdateAssumeRolePolicy(c, "reader", allowAll("s3:*")), ErrMalformedPolicy)
	wantErr(t, f.svc.UpdateAssumeRolePolicy(c, "nobody", trustFor("*")), ErrNoSuchEntity)
	if err := f.svc.UpdateAssumeRolePolicy(c, "reader", trustFor("*")); err != nil {
		t.Fatal(err)
	}
	if got := must[*Role](t)(f.svc.GetRole(c, "reader")); got.AssumeRolePolicyDocument != trustFor("*") {
		t.Fatalf("trust after update = %s", got.AssumeRolePolicyDocument)
	}
	roles, _, err := f.svc.ListRoles(c, "/app/", Page{})
	if err != nil || len(roles) != 1 {
		t.Fatalf("ListRoles = %v, %v", roles, err)
	}
	must[struct{}](t)(struct{}{}, f.svc.PutRolePolicy(c, "reader", "p", allowAll("s3:*")))
	wantErr(t, f.svc.DeleteRole(c, "reader"), ErrDeleteConflict)
	must[struct{}](t)(struct{}{}, f.svc.DeleteRolePolicy(c, "reader", "p"))
	if err := f.svc.DeleteRole(c, "reader"); err != nil {
		t.Fatal(err)
	}
	_, err = f.svc.GetRole(c, "reader")
	wantErr(t, err, ErrNoSuchEntity)
	wantErr(t, f.svc.DeleteRole(c, "reader"), ErrNoSuchEntity)
}

func errorsIs(err, target error) bool { return isErr(err, target) }

// stsFixture has a user with a key and three roles: one trusting the user by
// name, one trusting the account, one trusting someone else.
type stsFixture struct {
	*fixture
	root, user Principal
}

func newSTS(t *testing.T) *stsFixture {
	f, c := newFixture(t), ctx(t)
	must[*User](t)(f.svc.CreateUser(c, "ivan", ""))
	k := must[*AccessKey](t)(f.svc.CreateAccessKey(c, "ivan"))
	must[*Role](t)(f.svc.CreateRole(c, CreateRoleInput{RoleName: "named", AssumeRolePolicyDocument: trustFor("arn:aws:iam::000000000000:user/ivan"), MaxSessionDuration: 7200}))
	must[*Role](t)(f.svc.CreateRole(c, CreateRoleInput{RoleName: "account", AssumeRolePolicyDocument: trustFor(acctRoot)}))
	must[*Role](t)(f.svc.CreateRole(c, CreateRoleInput{RoleName: "other", AssumeRolePolicyDocument: trustFor("arn:aws:iam::111122223333:root")}))
	return &stsFixture{fixture: f, root: must[Principal](t)(f.svc.Principal(c, testRootKey)), user: must[Principal](t)(f.svc.Principal(c, k.AccessKeyID))}
}

func roleARN(name string) string { return "arn:aws:iam::000000000000:role/" + name }

func TestAssumeRoleTrust(t *testing.T) {
	f, c := newSTS(t), ctx(t)
	cases := []struct {
		caller *Principal
		role   string
		ok     bool
	}{
		{&f.user, "named", true},
		{&f.user, "account", false}, // the account is trusted; ivan's own policies do not allow it
		{&f.user, "other", false},
		{&f.user, "missing", false},
		{&f.root, "account", true},
		{&f.root, "named", false},
		{&f.root, "other", false},
	}
	for _, tc := range cases {
		_, _, err := f.svc.AssumeRole(c, tc.caller, AssumeRoleInput{RoleARN: roleARN(tc.role), RoleSessionName: "s1"})
		if tc.ok != (err == nil) {
			t.Errorf("%s assumes %s: %v", tc.caller.ARN, tc.role, err)
		}
		if !tc.ok {
			wantErr(t, err, ErrAccessDenied)
		}
	}
	// With an identity policy that allows it, the account's trust suffices.
	must[struct{}](t)(struct{}{}, f.svc.PutUserPolicy(c, "ivan", "assume", allowAll("sts:AssumeRole")))
	user := must[Principal](t)(f.svc.Principal(c, f.user.AccessKey))
	if _, _, err := f.svc.AssumeRole(c, &user, AssumeRoleInput{RoleARN: roleARN("account"), RoleSessionName: "s1"}); err != nil {
		t.Fatal(err)
	}
	// An explicit Deny wins even over a trust that names the user.
	deny := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"sts:*","Resource":"*"}]}`
	must[struct{}](t)(struct{}{}, f.svc.PutUserPolicy(c, "ivan", "deny", deny))
	user = must[Principal](t)(f.svc.Principal(c, f.user.AccessKey))
	_, _, err := f.svc.AssumeRole(c, &user, AssumeRoleInput{RoleARN: roleARN("named"), RoleSessionName: "s1"})
	wantErr(t, err, ErrAccessDenied)
	// A wrong path in the ARN names another role.
	_, _, err = f.svc.AssumeRole(c, &f.root, AssumeRoleInput{RoleARN: "arn:aws:iam::000000000000:role/x/account", RoleSessionName: "s1"})
	wantErr(t, err, ErrAccessDenied)
}

func TestAssumeRoleValidation(t *testing.T) {
	f, c := newSTS(t), ctx(t)
	cases := []struct {
		in   AssumeRoleInput
		want error
	}{
		{AssumeRoleInput{RoleARN: roleARN("named"), RoleSessionName: "s1"}, nil},
		{AssumeRoleInput{RoleARN: roleARN("named"), RoleSessionName: "x"}, ErrValidation},
		{AssumeRoleInput{RoleARN: roleARN("named"), RoleSessionName: "a b"}, ErrValidation},
		{AssumeRoleInput{RoleARN: roleARN("named"), RoleSessionName: strings.Repeat("s", 65)}, ErrValidation},
		{AssumeRoleInput{RoleARN: roleARN("named"), RoleSessionName: "s1", DurationSeconds: 899}, ErrValidation},
		{AssumeRoleInput{RoleARN: roleARN("named"), RoleSessionName: "s1", DurationSeconds: 900}, nil},
		{AssumeRoleInput{RoleARN: roleARN("named"), RoleSessionName: "s1", DurationSeconds: 7200}, nil},
		{AssumeRoleInput{RoleARN: roleARN("named"), RoleSessionName: "s1", DurationSeconds: 7201}, ErrValidation}, // over the role's MaxSessionDuration
		{AssumeRoleInput{RoleARN: roleARN("named"), RoleSessionName: "s1", DurationSeconds: 43201}, ErrValidation},
		{AssumeRoleInput{RoleARN: roleARN("named"), RoleSessionName: "s1", Policy: "{"}, ErrMalformedPolicy},
		{AssumeRoleInput{RoleARN: roleARN("named"), RoleSessionName: "s1", Policy: allowAll("s3:GetObject")}, nil},
		{AssumeRoleInput{RoleARN: roleARN("named"), RoleSessionName: "s1", Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":["arn:aws:s3:::` + strings.Repeat("x", 2048) + `"]}]}`}, ErrPackedPolicyTooLarge},
		{AssumeRoleInput{RoleARN: "not-an-arn", RoleSessionName: "s1"}, ErrAccessDenied},
	}
	for i, tc := range cases {
		creds, u, err := f.svc.AssumeRole(c, &f.user, tc.in)
		if tc.want == nil {
			if err != nil {
				t.Errorf("%d: %v", i, err)
				continue
			}
			want := time.Duration(max(tc.in.DurationSeconds, 3600)) * time.Second
			if tc.in.DurationSeconds != 0 {
				want = time.Duration(tc.in.DurationSeconds) * time.Second
			}
			if got := creds.Expiration.Sub(f.clock.now()); got != want {
				t.Errorf("%d: expires in %v, want %v", i, got, want)
			}
			if !strings.HasPrefix(creds.AccessKeyID, "ASIA") || len(creds.AccessKeyID) != 20 || len(creds.SecretAccessKey) != 40 || len(creds.SessionToken) < 100 {
				t.Errorf("%d: creds = %+v", i, creds)
			}
			if u.ARN != "arn:aws:sts::000000000000:assumed-role/named/s1" || !strings.HasSuffix(u.AssumedRoleID, ":s1") {
				t.Errorf("%d: assumed role user = %+v", i, u)
			}
			continue
		}
		wantErr(t, err, tc.want)
	}
}

func TestSessionPrincipalAndChaining(t *testing.T) {
	f, c := newSTS(t), ctx(t)
	must[struct{}](t)(struct{}{}, f.svc.PutRolePolicy(c, "named", "p", allowAll("s3:*")))
	creds, _, err := f.svc.AssumeRole(c, &f.user, AssumeRoleInput{RoleARN: roleARN("named"), RoleSessionName: "app", Policy: allowAll("s3:GetObject")})
	if err != nil {
		t.Fatal(err)
	}
	cred := must[sigv4.Credential](t)(f.svc.Lookup(c, creds.AccessKeyID))
	if cred.Secret != creds.SecretAccessKey || cred.SessionToken != creds.SessionToken {
		t.Fatalf("Lookup = %+v", cred)
	}
	p := must[Principal](t)(f.svc.Principal(c, creds.AccessKeyID))
	role := must[*Role](t)(f.svc.GetRole(c, "named"))
	if p.Type != policy.PrincipalAssumedRole || p.ARN != "arn:aws:sts::000000000000:assumed-role/named/app" || p.RoleARN != role.ARN ||
		p.UserID != role.RoleID+":app" || len(p.Policies) != 1 || p.SessionPolicy == "" || !p.Temporary || p.SessionName != "app" {
		t.Fatalf("Principal = %+v", p)
	}
	// Role chaining is capped at one hour; GetSessionToken refuses sessions.
	must[*Role](t)(f.svc.CreateRole(c, CreateRoleInput{RoleName: "chain", AssumeRolePolicyDocument: trustFor(role.ARN), MaxSessionDuration: 7200}))
	// The caller's session policy allows only s3:GetObject, so it cannot chain.
	_, _, err = f.svc.AssumeRole(c, &p, AssumeRoleInput{RoleARN: roleARN("chain"), RoleSessionName: "again"})
	wantErr(t, err, ErrAccessDenied)
	creds2, _, err := f.svc.AssumeRole(c, &f.user, AssumeRoleInput{RoleARN: roleARN("named"), RoleSessionName: "app2"})
	if err != nil {
		t.Fatal(err)
	}
	p2 := must[Principal](t)(f.svc.Principal(c, creds2.AccessKeyID))
	_, _, err = f.svc.AssumeRole(c, &p2, AssumeRoleInput{RoleARN: roleARN("chain"), RoleSessionName: "again", DurationSeconds: 3601})
	wantErr(t, err, ErrValidation)
	if _, _, err := f.svc.AssumeRole(c, &p2, AssumeRoleInput{RoleARN: roleARN("chain"), RoleSessionName: "again"}); err != nil {
		t.Fatal(err)
	}
	_, err = f.svc.GetSessionToken(c, &p, 0)
	wantErr(t, err, ErrAccessDenied)
}

func TestGetSessionToken(t *testing.T) {
	f, c := newSTS(t), ctx(t)
	for _, d := range []int32{899, 129601} {
		_, err := f.svc.GetSessionToken(c, &f.user, d)
		wantErr(t, err, ErrValidation)
	}
	creds := must[*Credentials](t)(f.svc.GetSessionToken(c, &f.user, 0))
	if creds.Expiration.Sub(f.clock.now()) != 12*time.Hour {
		t.Fatalf("default duration: %v", creds.Expiration.Sub(f.clock.now()))
	}
	p := must[Principal](t)(f.svc.Principal(c, creds.AccessKeyID))
	if p.Type != policy.PrincipalUser || p.ARN != f.user.ARN || p.UserID != f.user.UserID || !p.Temporary {
		t.Fatalf("Principal = %+v", p)
	}
	rc := must[*Credentials](t)(f.svc.GetSessionToken(c, &f.root, 0))
	rp := must[Principal](t)(f.svc.Principal(c, rc.AccessKeyID))
	if !rp.IsRoot() || rc.Expiration.Sub(f.clock.now()) != time.Hour {
		t.Fatalf("root session = %+v %v", rp, rc.Expiration)
	}
	// Deleting the user ends its sessions.
	keys, _, _ := f.svc.ListAccessKeys(c, "ivan", Page{})
	for _, k := range keys {
		must[struct{}](t)(struct{}{}, f.svc.DeleteAccessKey(c, "ivan", k.AccessKeyID))
	}
	must[struct{}](t)(struct{}{}, f.svc.DeleteUser(c, "ivan"))
	_, err := f.svc.Lookup(c, creds.AccessKeyID)
	wantErr(t, err, sigv4.ErrInvalidAccessKeyID)
}

func TestSessionExpiryAndPurge(t *testing.T) {
	f, c := newSTS(t), ctx(t)
	creds, _, err := f.svc.AssumeRole(c, &f.user, AssumeRoleInput{RoleARN: roleARN("named"), RoleSessionName: "s1", DurationSeconds: 900})
	if err != nil {
		t.Fatal(err)
	}
	f.clock.add(899 * time.Second)
	if _, err := f.svc.Lookup(c, creds.AccessKeyID); err != nil {
		t.Fatal(err)
	}
	if n, err := f.svc.PurgeExpiredSessions(c); n != 0 || err != nil {
		t.Fatalf("purge before expiry: %d, %v", n, err)
	}
	f.clock.add(time.Second)
	_, err = f.svc.Lookup(c, creds.AccessKeyID)
	wantErr(t, err, sigv4.ErrExpiredToken)
	_, err = f.svc.Principal(c, creds.AccessKeyID)
	wantErr(t, err, sigv4.ErrExpiredToken)
	if n, err := f.svc.PurgeExpiredSessions(c); n != 1 || err != nil {
		t.Fatalf("purge: %d, %v", n, err)
	}
	_, err = f.svc.Lookup(c, creds.AccessKeyID)
	wantErr(t, err, sigv4.ErrInvalidAccessKeyID)
}

func TestDeletedRoleEndsSessions(t *testing.T) {
	f, c := newSTS(t), ctx(t)
	creds, _, err := f.svc.AssumeRole(c, &f.user, AssumeRoleInput{RoleARN: roleARN("named"), RoleSessionName: "s1"})
	if err != nil {
		t.Fatal(err)
	}
	must[struct{}](t)(struct{}{}, f.svc.DeleteRole(c, "named"))
	_, err = f.svc.Lookup(c, creds.AccessKeyID)
	wantErr(t, err, sigv4.ErrInvalidAccessKeyID)
	// A new role of the same name is another role: old sessions stay dead.
	must[*Role](t)(f.svc.CreateRole(c, CreateRoleInput{RoleName: "named", AssumeRolePolicyDocument: trustFor("arn:aws:iam::000000000000:user/ivan")}))
	_, err = f.svc.Lookup(c, creds.AccessKeyID)
	wantErr(t, err, sigv4.ErrInvalidAccessKeyID)
}

// TestTokenForgery signs real requests with temporary credentials whose
// token is missing, altered or borrowed from another session.
func TestTokenForgery(t *testing.T) {
	f, c := newSTS(t), ctx(t)
	a, _, err := f.svc.AssumeRole(c, &f.user, AssumeRoleInput{RoleARN: roleARN("named"), RoleSessionName: "sa"})
	if err != nil {
		t.Fatal(err)
	}
	b, _, err := f.svc.AssumeRole(c, &f.user, AssumeRoleInput{RoleARN: roleARN("named"), RoleSessionName: "sb"})
	if err != nil {
		t.Fatal(err)
	}
	v := sigv4.NewVerifier("us-east-1", f.svc)
	v.Now = f.clock.now
	altered := []byte(a.SessionToken)
	altered[10] ^= 1
	cases := []struct {
		name, token string
		want        error
	}{
		{"genuine", a.SessionToken, nil},
		{"missing", "", sigv4.ErrInvalidSecurityToken},
		{"altered", string(altered), sigv4.ErrInvalidSecurityToken},
		{"truncated", a.SessionToken[:len(a.SessionToken)-4], sigv4.ErrInvalidSecurityToken},
		{"other session", b.SessionToken, sigv4.ErrInvalidSecurityToken},
	}
	for _, tc := range cases {
		r := signed(t, f.clock.now(), a.AccessKeyID, a.SecretAccessKey, tc.token)
		_, err := v.Verify(r)
		if tc.want == nil && err != nil || tc.want != nil && !isErr(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
	f.clock.add(2 * time.Hour)
	_, err = v.Verify(signed(t, f.clock.now(), a.AccessKeyID, a.SecretAccessKey, a.SessionToken))
	wantErr(t, err, sigv4.ErrExpiredToken)
}

func signed(t *testing.T, at time.Time, ak, secret, token string) *http.Request {
	t.Helper()
	r, _ := http.NewRequest(http.MethodGet, "http://127.0.0.1/", nil)
	const emptySHA = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	r.Header.Set("X-Amz-Content-Sha256", emptySHA)
	creds := aws.Credentials{AccessKeyID: ak, SecretAccessKey: secret, SessionToken: token}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, r, emptySHA, "s3", "us-east-1", at); err != nil {
		t.Fatal(err)
	}
	return r
}

func TestAssumeRoleExternalID(t *testing.T) {
	f, c := newSTS(t), ctx(t)
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:user/ivan"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"tenant-7"}}}]}`
	must[*Role](t)(f.svc.CreateRole(c, CreateRoleInput{RoleName: "ext", AssumeRolePolicyDocument: trust}))
	for _, tc := range []struct {
		id   string
		want error
	}{{"", ErrAccessDenied}, {"tenant-8", ErrAccessDenied}, {"x", ErrValidation}, {"tenant-7", nil}} {
		_, _, err := f.svc.AssumeRole(c, &f.user, AssumeRoleInput{RoleARN: roleARN("ext"), RoleSessionName: "s1", ExternalID: tc.id})
		if tc.want == nil && err != nil || tc.want != nil && !isErr(err, tc.want) {
			t.Errorf("external id %q: %v, want %v", tc.id, err, tc.want)
		}
	}
}
