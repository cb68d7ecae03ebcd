package iamapi_test

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/hoard-s3/hoard/internal/testserver"
)

func TestAssumeRoleWithWebIdentity(t *testing.T) {
	is := testserver.NewIssuer(t)
	srv := testserver.Start(t, testserver.WithOIDCClient(is.Client()))
	c, hc := ctx(t), srv.HTTPClient()
	root := iamClient(srv.URL, hc, rootCreds)

	prov := must[*iam.CreateOpenIDConnectProviderOutput](t)(root.CreateOpenIDConnectProvider(c, &iam.CreateOpenIDConnectProviderInput{
		Url: aws.String(is.URL), ClientIDList: []string{"hoard-app", "other-app"}}))
	provARN := aws.ToString(prov.OpenIDConnectProviderArn)
	if provARN != "arn:aws:iam::"+acct+":oidc-provider/"+is.HostPath() {
		t.Fatalf("provider ARN = %s", provARN)
	}
	_, err := root.CreateOpenIDConnectProvider(c, &iam.CreateOpenIDConnectProviderInput{Url: aws.String(is.URL), ClientIDList: []string{"x"}})
	wantCode(t, err, "EntityAlreadyExists", 409)
	_, err = root.CreateOpenIDConnectProvider(c, &iam.CreateOpenIDConnectProviderInput{Url: aws.String("http://plain.example"), ClientIDList: []string{"x"}})
	wantCode(t, err, "ValidationError", 400)
	gp := must[*iam.GetOpenIDConnectProviderOutput](t)(root.GetOpenIDConnectProvider(c, &iam.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(provARN)}))
	if aws.ToString(gp.Url) != is.HostPath() || len(gp.ClientIDList) != 2 {
		t.Fatalf("GetOpenIDConnectProvider = %+v", gp)
	}
	must[*iam.RemoveClientIDFromOpenIDConnectProviderOutput](t)(root.RemoveClientIDFromOpenIDConnectProvider(c, &iam.RemoveClientIDFromOpenIDConnectProviderInput{
		OpenIDConnectProviderArn: aws.String(provARN), ClientID: aws.String("other-app")}))
	lp := must[*iam.ListOpenIDConnectProvidersOutput](t)(root.ListOpenIDConnectProviders(c, &iam.ListOpenIDConnectProvidersInput{}))
	if len(lp.OpenIDConnectProviderList) != 1 {
		t.Fatalf("ListOpenIDConnectProviders = %+v", lp.OpenIDConnectProviderList)
	}

	// The role trusts the provider for one subject, with MFA.
	hp := is.HostPath()
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"` + provARN + `"},
	  "Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"` + hp + `:aud":"hoard-app","` + hp + `:sub":"user-1"},
	  "ForAnyValue:StringEquals":{"` + hp + `:amr":"mfa"}}}]}`
	role := must[*iam.CreateRoleOutput](t)(root.CreateRole(c, &iam.CreateRoleInput{RoleName: aws.String("web"), AssumeRolePolicyDocument: aws.String(trust)})).Role
	must[*iam.AttachRolePolicyOutput](t)(root.AttachRolePolicy(c, &iam.AttachRolePolicyInput{RoleName: aws.String("web"), PolicyArn: aws.String("arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess")}))
	must[*s3.CreateBucketOutput](t)(s3Client(srv.URL, hc, rootCreds).CreateBucket(c, &s3.CreateBucketInput{Bucket: aws.String("shared")}))

	anon := sts.New(sts.Options{Region: region, BaseEndpoint: aws.String(srv.URL), HTTPClient: hc, RetryMaxAttempts: 1})
	now := time.Now()
	claims := func(over map[string]any) map[string]any {
		m := map[string]any{"sub": "user-1", "aud": "hoard-app", "amr": []string{"pwd", "mfa"}, "iat": now.Unix(), "exp": now.Add(10 * time.Minute).Unix()}
		for k, v := range over {
			m[k] = v
		}
		return m
	}
	assume := func(tok string) (*sts.AssumeRoleWithWebIdentityOutput, error) {
		return anon.AssumeRoleWithWebIdentity(c, &sts.AssumeRoleWithWebIdentityInput{RoleArn: role.Arn, RoleSessionName: aws.String("web-session"), WebIdentityToken: aws.String(tok)})
	}
	out, err := assume(is.Token(claims(nil)))
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.SubjectFromWebIdentityToken) != "user-1" || aws.ToString(out.Audience) != "hoard-app" || aws.ToString(out.Provider) != hp ||
		aws.ToString(out.AssumedRoleUser.Arn) != "arn:aws:sts::"+acct+":assumed-role/web/web-session" {
		t.Fatalf("AssumeRoleWithWebIdentity = %+v", out)
	}
	cr := out.Credentials
	web := creds{aws.ToString(cr.AccessKeyId), aws.ToString(cr.SecretAccessKey), aws.ToString(cr.SessionToken)}
	if _, err := s3Client(srv.URL, hc, web).ListObjectsV2(c, &s3.ListObjectsV2Input{Bucket: aws.String("shared")}); err != nil {
		t.Fatalf("read with web-identity credentials: %v", err)
	}
	_, err = s3Client(srv.URL, hc, web).PutObject(c, &s3.PutObjectInput{Bucket: aws.String("shared"), Key: aws.String("k"), Body: strings.NewReader("x")})
	wantCode(t, err, "AccessDenied", 403)
	id := must[*sts.GetCallerIdentityOutput](t)(stsClient(srv.URL, hc, web).GetCallerIdentity(c, &sts.GetCallerIdentityInput{}))
	if aws.ToString(id.Arn) != aws.ToString(out.AssumedRoleUser.Arn) {
		t.Fatalf("GetCallerIdentity = %+v", id)
	}

	// Refusals, each with STS's error.
	other := testserver.NewIssuer(t)
	for _, tc := range []struct {
		name, code string
		token      string
	}{
		{"expired", "ExpiredTokenException", is.Token(claims(map[string]any{"exp": now.Add(-time.Minute).Unix()}))},
		{"wrong audience", "InvalidIdentityToken", is.Token(claims(map[string]any{"aud": "someone-else"}))},
		{"removed client id", "InvalidIdentityToken", is.Token(claims(map[string]any{"aud": "other-app"}))},
		{"forged signature", "InvalidIdentityToken", other.Token(claims(map[string]any{"iss": is.URL}))},
		{"unknown issuer", "InvalidIdentityToken", other.Token(claims(nil))},
		{"not a JWT", "InvalidIdentityToken", "not.a.token"},
		{"other subject", "AccessDenied", is.Token(claims(map[string]any{"sub": "user-2"}))},
		{"without MFA", "AccessDenied", is.Token(claims(map[string]any{"amr": []string{"pwd"}}))},
	} {
		_, err := assume(tc.token)
		if err == nil {
			t.Fatalf("%s: accepted", tc.name)
		}
		wantCode(t, err, tc.code, 0)
	}
	// A signed AssumeRole cannot stand in for the web identity trust.
	_, err = stsClient(srv.URL, hc, rootCreds).AssumeRole(c, &sts.AssumeRoleInput{RoleArn: role.Arn, RoleSessionName: aws.String("root-try")})
	wantCode(t, err, "AccessDenied", 403)
	if n := is.DiscoveryHits.Load(); n != 1 {
		t.Errorf("discovery fetched %d times; the provider's keys are cached", n)
	}

	// Without the provider, its tokens are refused.
	must[*iam.DeleteOpenIDConnectProviderOutput](t)(root.DeleteOpenIDConnectProvider(c, &iam.DeleteOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(provARN)}))
	_, err = assume(is.Token(claims(nil)))
	wantCode(t, err, "InvalidIdentityToken", 400)
}
