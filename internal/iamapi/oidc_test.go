package iamapi_test

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/hoard-s3/hoard/internal/testserver"
)

// issuer is a minimal OpenID Connect provider: a discovery document and a
// JWKS over TLS, and ID tokens signed with its own RSA key.
type issuer struct {
	srv       *httptest.Server
	key       *rsa.PrivateKey
	kid       string
	jwksHits  atomic.Int32
	discovery atomic.Int32
}

func newIssuer(t *testing.T) *issuer {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	is := &issuer{key: key, kid: "k1"}
	mux := http.NewServeMux()
	mux.HandleFunc("/.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		is.discovery.Add(1)
		json.NewEncoder(w).Encode(map[string]any{
			"issuer": is.srv.URL, "jwks_uri": is.srv.URL + "/keys",
			"authorization_endpoint": is.srv.URL + "/auth", "token_endpoint": is.srv.URL + "/token",
			"id_token_signing_alg_values_supported": []string{"RS256"},
		})
	})
	mux.HandleFunc("/keys", func(w http.ResponseWriter, r *http.Request) {
		is.jwksHits.Add(1)
		b64 := base64.RawURLEncoding.EncodeToString
		json.NewEncoder(w).Encode(map[string]any{"keys": []map[string]string{{
			"kty": "RSA", "kid": is.kid, "alg": "RS256", "use": "sig",
			"n": b64(key.N.Bytes()), "e": b64(big.NewInt(int64(key.E)).Bytes()),
		}}})
	})
	is.srv = httptest.NewTLSServer(mux)
	t.Cleanup(is.srv.Close)
	return is
}

// token signs claims (iss defaults to the issuer) as an RS256 JWT.
func (is *issuer) token(t *testing.T, claims map[string]any) string {
	t.Helper()
	if _, ok := claims["iss"]; !ok {
		claims["iss"] = is.srv.URL
	}
	b64 := base64.RawURLEncoding.EncodeToString
	hdr, _ := json.Marshal(map[string]string{"alg": "RS256", "typ": "JWT", "kid": is.kid})
	body, _ := json.Marshal(claims)
	signing := b64(hdr) + "." + b64(body)
	sum := sha256.Sum256([]byte(signing))
	sig, err := rsa.SignPKCS1v15(rand.Reader, is.key, crypto.SHA256, sum[:])
	if err != nil {
		t.Fatal(err)
	}
	return signing + "." + b64(sig)
}

func (is *issuer) hostPath() string { return strings.TrimPrefix(is.srv.URL, "https://") }

func TestAssumeRoleWithWebIdentity(t *testing.T) {
	is := newIssuer(t)
	srv := testserver.Start(t, testserver.WithOIDCClient(is.srv.Client()))
	c, hc := ctx(t), srv.HTTPClient()
	root := iamClient(srv.URL, hc, rootCreds)

	prov := must[*iam.CreateOpenIDConnectProviderOutput](t)(root.CreateOpenIDConnectProvider(c, &iam.CreateOpenIDConnectProviderInput{
		Url: aws.String(is.srv.URL), ClientIDList: []string{"hoard-app", "other-app"}}))
	provARN := aws.ToString(prov.OpenIDConnectProviderArn)
	if provARN != "arn:aws:iam::"+acct+":oidc-provider/"+is.hostPath() {
		t.Fatalf("provider ARN = %s", provARN)
	}
	_, err := root.CreateOpenIDConnectProvider(c, &iam.CreateOpenIDConnectProviderInput{Url: aws.String(is.srv.URL), ClientIDList: []string{"x"}})
	wantCode(t, err, "EntityAlreadyExists", 409)
	_, err = root.CreateOpenIDConnectProvider(c, &iam.CreateOpenIDConnectProviderInput{Url: aws.String("http://plain.example"), ClientIDList: []string{"x"}})
	wantCode(t, err, "ValidationError", 400)
	gp := must[*iam.GetOpenIDConnectProviderOutput](t)(root.GetOpenIDConnectProvider(c, &iam.GetOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(provARN)}))
	if aws.ToString(gp.Url) != is.hostPath() || len(gp.ClientIDList) != 2 {
		t.Fatalf("GetOpenIDConnectProvider = %+v", gp)
	}
	must[*iam.RemoveClientIDFromOpenIDConnectProviderOutput](t)(root.RemoveClientIDFromOpenIDConnectProvider(c, &iam.RemoveClientIDFromOpenIDConnectProviderInput{
		OpenIDConnectProviderArn: aws.String(provARN), ClientID: aws.String("other-app")}))
	lp := must[*iam.ListOpenIDConnectProvidersOutput](t)(root.ListOpenIDConnectProviders(c, &iam.ListOpenIDConnectProvidersInput{}))
	if len(lp.OpenIDConnectProviderList) != 1 {
		t.Fatalf("ListOpenIDConnectProviders = %+v", lp.OpenIDConnectProviderList)
	}

	// The role trusts the provider for one subject, with MFA.
	hp := is.hostPath()
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
	out, err := assume(is.token(t, claims(nil)))
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
	other := newIssuer(t)
	for _, tc := range []struct {
		name, code string
		token      string
	}{
		{"expired", "ExpiredTokenException", is.token(t, claims(map[string]any{"exp": now.Add(-time.Minute).Unix()}))},
		{"wrong audience", "InvalidIdentityToken", is.token(t, claims(map[string]any{"aud": "someone-else"}))},
		{"removed client id", "InvalidIdentityToken", is.token(t, claims(map[string]any{"aud": "other-app"}))},
		{"forged signature", "InvalidIdentityToken", other.token(t, claims(map[string]any{"iss": is.srv.URL}))},
		{"unknown issuer", "InvalidIdentityToken", other.token(t, claims(nil))},
		{"not a JWT", "InvalidIdentityToken", "not.a.token"},
		{"other subject", "AccessDenied", is.token(t, claims(map[string]any{"sub": "user-2"}))},
		{"without MFA", "AccessDenied", is.token(t, claims(map[string]any{"amr": []string{"pwd"}}))},
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
	if n := is.discovery.Load(); n != 1 {
		t.Errorf("discovery fetched %d times; the provider's keys are cached", n)
	}

	// Without the provider, its tokens are refused.
	must[*iam.DeleteOpenIDConnectProviderOutput](t)(root.DeleteOpenIDConnectProvider(c, &iam.DeleteOpenIDConnectProviderInput{OpenIDConnectProviderArn: aws.String(provARN)}))
	_, err = assume(is.token(t, claims(nil)))
	wantCode(t, err, "InvalidIdentityToken", 400)
}
