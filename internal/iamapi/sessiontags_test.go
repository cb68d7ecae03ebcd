package iamapi_test

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"

	"github.com/hoard-s3/hoard/internal/testserver"
)

func sessionCreds(out *ststypes.Credentials) creds {
	return creds{aws.ToString(out.AccessKeyId), aws.ToString(out.SecretAccessKey), aws.ToString(out.SessionToken)}
}

// Session tags become aws:PrincipalTag (over the role's own), need
// sts:TagSession in the trust, and transitive ones pass down a role chain
// that may not set them again.
func TestSessionTags(t *testing.T) {
	srv := testserver.Start(t)
	c, hc := ctx(t), srv.HTTPClient()
	root := iamClient(srv.URL, hc, rootCreds)
	s3root := s3Client(srv.URL, hc, rootCreds)
	for _, b := range []string{"blue", "red"} {
		must[*s3.CreateBucketOutput](t)(s3root.CreateBucket(c, &s3.CreateBucketInput{Bucket: aws.String(b)}))
	}
	trust := func(actions string) string {
		return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + acct + `:root"},"Action":` + actions + `}]}`
	}
	// Each team lists the bucket named after it; STS calls for chaining.
	perms := `{"Version":"2012-10-17","Statement":[
	  {"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::${aws:PrincipalTag/team}"},
	  {"Effect":"Allow","Action":["sts:AssumeRole","sts:TagSession"],"Resource":"*"}]}`
	mkRole := func(name, trustDoc string) *string {
		r := must[*iam.CreateRoleOutput](t)(root.CreateRole(c, &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(trustDoc),
			Tags: []iamtypes.Tag{{Key: aws.String("team"), Value: aws.String("red")}}}))
		must[*iam.PutRolePolicyOutput](t)(root.PutRolePolicy(c, &iam.PutRolePolicyInput{RoleName: aws.String(name), PolicyName: aws.String("p"), PolicyDocument: aws.String(perms)}))
		return r.Role.Arn
	}
	tagged := mkRole("tagged", trust(`["sts:AssumeRole","sts:TagSession"]`))
	untaggable := mkRole("untaggable", trust(`"sts:AssumeRole"`))
	st := stsClient(srv.URL, hc, rootCreds)
	blueTag := []ststypes.Tag{{Key: aws.String("team"), Value: aws.String("blue")}}

	_, err := st.AssumeRole(c, &sts.AssumeRoleInput{RoleArn: untaggable, RoleSessionName: aws.String("sess"), Tags: blueTag})
	wantCode(t, err, "AccessDenied", 403)
	lists := func(cr creds, bucket string) error {
		_, err := s3Client(srv.URL, hc, cr).ListObjectsV2(c, &s3.ListObjectsV2Input{Bucket: aws.String(bucket)})
		return err
	}
	// Without session tags the role's own tag decides.
	plain := must[*sts.AssumeRoleOutput](t)(st.AssumeRole(c, &sts.AssumeRoleInput{RoleArn: untaggable, RoleSessionName: aws.String("sess")}))
	if err := lists(sessionCreds(plain.Credentials), "red"); err != nil {
		t.Fatalf("role tag team=red lists red: %v", err)
	}
	wantCode(t, lists(sessionCreds(plain.Credentials), "blue"), "AccessDenied", 403)

	out := must[*sts.AssumeRoleOutput](t)(st.AssumeRole(c, &sts.AssumeRoleInput{RoleArn: tagged, RoleSessionName: aws.String("sess"),
		Tags: blueTag, TransitiveTagKeys: []string{"team"}}))
	if out.PackedPolicySize == nil {
		t.Errorf("AssumeRole with tags reports no PackedPolicySize")
	}
	blue := sessionCreds(out.Credentials)
	if err := lists(blue, "blue"); err != nil {
		t.Fatalf("session tag team=blue lists blue: %v", err)
	}
	wantCode(t, lists(blue, "red"), "AccessDenied", 403)

	// Role chaining: the transitive tag follows and cannot be replaced.
	chain := stsClient(srv.URL, hc, blue)
	_, err = chain.AssumeRole(c, &sts.AssumeRoleInput{RoleArn: tagged, RoleSessionName: aws.String("sess2"),
		Tags: []ststypes.Tag{{Key: aws.String("Team"), Value: aws.String("red")}}})
	wantCode(t, err, "ValidationError", 400)
	second := must[*sts.AssumeRoleOutput](t)(chain.AssumeRole(c, &sts.AssumeRoleInput{RoleArn: tagged, RoleSessionName: aws.String("sess2")}))
	if err := lists(sessionCreds(second.Credentials), "blue"); err != nil {
		t.Fatalf("chained session keeps team=blue: %v", err)
	}
	// A transitive tag needs sts:TagSession in the next role's trust too.
	_, err = chain.AssumeRole(c, &sts.AssumeRoleInput{RoleArn: untaggable, RoleSessionName: aws.String("sess3")})
	wantCode(t, err, "AccessDenied", 403)

	// Bad requests.
	for _, in := range []*sts.AssumeRoleInput{
		{RoleArn: tagged, RoleSessionName: aws.String("sess"), Tags: blueTag, TransitiveTagKeys: []string{"other"}},
		{RoleArn: tagged, RoleSessionName: aws.String("sess"), Tags: append(blueTag, ststypes.Tag{Key: aws.String("TEAM"), Value: aws.String("x")})},
		{RoleArn: tagged, RoleSessionName: aws.String("sess"), Tags: []ststypes.Tag{{Key: aws.String("aws:team"), Value: aws.String("x")}}},
	} {
		if _, err := st.AssumeRole(c, in); err == nil {
			t.Errorf("AssumeRole %+v accepted", in)
		}
	}
}

// PolicyArns and Policy are session policies: the session may do what the
// role allows and one of them allows.
func TestSessionPolicyArns(t *testing.T) {
	srv := testserver.Start(t)
	c, hc := ctx(t), srv.HTTPClient()
	root := iamClient(srv.URL, hc, rootCreds)
	s3root := s3Client(srv.URL, hc, rootCreds)
	must[*s3.CreateBucketOutput](t)(s3root.CreateBucket(c, &s3.CreateBucketInput{Bucket: aws.String("data")}))
	must[*s3.PutObjectOutput](t)(s3root.PutObject(c, &s3.PutObjectInput{Bucket: aws.String("data"), Key: aws.String("k"), Body: strings.NewReader("v")}))
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + acct + `"},"Action":"sts:AssumeRole"}]}`
	role := must[*iam.CreateRoleOutput](t)(root.CreateRole(c, &iam.CreateRoleInput{RoleName: aws.String("worker"), AssumeRolePolicyDocument: aws.String(trust)})).Role
	must[*iam.PutRolePolicyOutput](t)(root.PutRolePolicy(c, &iam.PutRolePolicyInput{RoleName: aws.String("worker"), PolicyName: aws.String("all"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::data/*"}]}`)}))
	mine := must[*iam.CreatePolicyOutput](t)(root.CreatePolicy(c, &iam.CreatePolicyInput{PolicyName: aws.String("put-new"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Sid":"a","Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::data/new*"}]}`)})).Policy.Arn
	st := stsClient(srv.URL, hc, rootCreds)
	assume := func(in *sts.AssumeRoleInput) *s3.Client {
		in.RoleArn, in.RoleSessionName = role.Arn, aws.String("sess")
		out := must[*sts.AssumeRoleOutput](t)(st.AssumeRole(c, in))
		return s3Client(srv.URL, hc, sessionCreds(out.Credentials))
	}
	get := func(cl *s3.Client) error {
		_, err := cl.GetObject(c, &s3.GetObjectInput{Bucket: aws.String("data"), Key: aws.String("k")})
		return err
	}
	put := func(cl *s3.Client, key string) error {
		_, err := cl.PutObject(c, &s3.PutObjectInput{Bucket: aws.String("data"), Key: aws.String(key), Body: strings.NewReader("x")})
		return err
	}

	ro := assume(&sts.AssumeRoleInput{PolicyArns: []ststypes.PolicyDescriptorType{{Arn: aws.String("arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess")}}})
	if err := get(ro); err != nil {
		t.Fatalf("read-only session reads: %v", err)
	}
	wantCode(t, put(ro, "new1"), "AccessDenied", 403)

	// Inline and managed together: a union, within the role's rights.
	both := assume(&sts.AssumeRoleInput{
		Policy:     aws.String(`{"Version":"2012-10-17","Statement":[{"Sid":"a","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`),
		PolicyArns: []ststypes.PolicyDescriptorType{{Arn: mine}},
	})
	if err := get(both); err != nil {
		t.Fatalf("inline session policy allows the read: %v", err)
	}
	if err := put(both, "new2"); err != nil {
		t.Fatalf("managed session policy allows the write: %v", err)
	}
	wantCode(t, put(both, "other"), "AccessDenied", 403)
	// A session policy grants nothing the role lacks.
	wide := assume(&sts.AssumeRoleInput{PolicyArns: []ststypes.PolicyDescriptorType{{Arn: aws.String("arn:aws:iam::aws:policy/AmazonS3FullAccess")}}})
	if _, err := wide.DeleteObject(c, &s3.DeleteObjectInput{Bucket: aws.String("data"), Key: aws.String("k")}); err == nil {
		t.Fatal("session policy widened the role")
	}

	// A new default version of the managed policy applies to live sessions.
	must[*iam.CreatePolicyVersionOutput](t)(root.CreatePolicyVersion(c, &iam.CreatePolicyVersionInput{PolicyArn: mine, SetAsDefault: true,
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::data/other"}]}`)}))
	if err := put(both, "other"); err != nil {
		t.Fatalf("after the new version: %v", err)
	}
	wantCode(t, put(both, "new3"), "AccessDenied", 403)

	_, err := st.AssumeRole(c, &sts.AssumeRoleInput{RoleArn: role.Arn, RoleSessionName: aws.String("sess"),
		PolicyArns: []ststypes.PolicyDescriptorType{{Arn: aws.String("arn:aws:iam::" + acct + ":policy/missing")}}})
	wantCode(t, err, "ValidationError", 400)
}

// A web identity token's session tags claim tags the session.
func TestWebIdentitySessionTags(t *testing.T) {
	is := testserver.NewIssuer(t)
	srv := testserver.Start(t, testserver.WithOIDCClient(is.Client()))
	c, hc := ctx(t), srv.HTTPClient()
	root := iamClient(srv.URL, hc, rootCreds)
	prov := aws.ToString(must[*iam.CreateOpenIDConnectProviderOutput](t)(root.CreateOpenIDConnectProvider(c, &iam.CreateOpenIDConnectProviderInput{
		Url: aws.String(is.URL), ClientIDList: []string{"app"}})).OpenIDConnectProviderArn)
	for _, b := range []string{"blue", "red"} {
		must[*s3.CreateBucketOutput](t)(s3Client(srv.URL, hc, rootCreds).CreateBucket(c, &s3.CreateBucketInput{Bucket: aws.String(b)}))
	}
	mk := func(name, actions string) *string {
		trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"` + prov + `"},"Action":` + actions + `}]}`
		r := must[*iam.CreateRoleOutput](t)(root.CreateRole(c, &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(trust)})).Role
		must[*iam.PutRolePolicyOutput](t)(root.PutRolePolicy(c, &iam.PutRolePolicyInput{RoleName: aws.String(name), PolicyName: aws.String("p"),
			PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Condition":{"StringEquals":{"s3:ResourceAccount":"` + acct + `","aws:PrincipalTag/team":"blue"}}}]}`)}))
		return r.Arn
	}
	withTags := mk("web-tags", `["sts:AssumeRoleWithWebIdentity","sts:TagSession"]`)
	noTags := mk("web-plain", `"sts:AssumeRoleWithWebIdentity"`)
	now := time.Now()
	tok := is.Token(map[string]any{"sub": "u", "aud": "app", "iat": now.Unix(), "exp": now.Add(5 * time.Minute).Unix(),
		"https://aws.amazon.com/tags": map[string]any{"principal_tags": map[string][]string{"team": {"blue"}}, "transitive_tag_keys": []string{"team"}}})
	anon := sts.New(sts.Options{Region: region, BaseEndpoint: aws.String(srv.URL), HTTPClient: hc, RetryMaxAttempts: 1})
	_, err := anon.AssumeRoleWithWebIdentity(c, &sts.AssumeRoleWithWebIdentityInput{RoleArn: noTags, RoleSessionName: aws.String("web"), WebIdentityToken: aws.String(tok)})
	wantCode(t, err, "AccessDenied", 403)
	out := must[*sts.AssumeRoleWithWebIdentityOutput](t)(anon.AssumeRoleWithWebIdentity(c, &sts.AssumeRoleWithWebIdentityInput{
		RoleArn: withTags, RoleSessionName: aws.String("web"), WebIdentityToken: aws.String(tok)}))
	if _, err := s3Client(srv.URL, hc, sessionCreds(out.Credentials)).ListObjectsV2(c, &s3.ListObjectsV2Input{Bucket: aws.String("blue")}); err != nil {
		t.Fatalf("team=blue from the token: %v", err)
	}
}
