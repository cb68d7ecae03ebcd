package console_test

import (
	"encoding/json"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/hoard-s3/hoard/internal/testserver"
)

const roleARN = "arn:aws:iam::000000000000:role/console-users"

// oidcServer starts a server whose console signs in at a test issuer,
// with the provider registered and a role that trusts its subject.
func oidcServer(t *testing.T) (*testserver.Server, *testserver.Issuer) {
	t.Helper()
	is := testserver.NewIssuer(t)
	srv := testserver.Start(t, testserver.WithConsoleOIDC(is, roleARN))
	c := testserver.Context(t)
	root := iam.New(iam.Options{Region: testserver.Region, BaseEndpoint: aws.String(srv.URL), HTTPClient: srv.HTTPClient(),
		Credentials: credentials.NewStaticCredentialsProvider(testserver.AccessKey, testserver.SecretKey, "")})
	prov, err := root.CreateOpenIDConnectProvider(c, &iam.CreateOpenIDConnectProviderInput{Url: aws.String(is.URL), ClientIDList: []string{is.ClientID}})
	if err != nil {
		t.Fatal(err)
	}
	hp := is.HostPath()
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"` + aws.ToString(prov.OpenIDConnectProviderArn) + `"},
	  "Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"` + hp + `:aud":"` + is.ClientID + `","` + hp + `:sub":"user-1"}}}]}`
	if _, err := root.CreateRole(c, &iam.CreateRoleInput{RoleName: aws.String("console-users"), AssumeRolePolicyDocument: aws.String(trust)}); err != nil {
		t.Fatal(err)
	}
	if _, err := root.AttachRolePolicy(c, &iam.AttachRolePolicyInput{RoleName: aws.String("console-users"), PolicyArn: aws.String("arn:aws:iam::aws:policy/AmazonS3FullAccess")}); err != nil {
		t.Fatal(err)
	}
	return srv, is
}

// browserClient follows redirects with cookies, trusting the issuer.
func browserClient(t *testing.T, is *testserver.Issuer) *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Transport: is.Client().Transport}
}

func TestConsoleSignInWithOIDC(t *testing.T) {
	srv, is := oidcServer(t)
	hc := browserClient(t, is)

	var info struct {
		Enabled bool
		Name    string
	}
	getJSON(t, hc, srv.ConsoleURL+"/api/oidc", &info)
	if !info.Enabled || info.Name != "Test IdP" {
		t.Fatalf("/api/oidc = %+v", info)
	}
	resp, err := hc.Get(srv.ConsoleURL + "/oidc/login")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasSuffix(resp.Request.URL.Path, "/") {
		t.Fatalf("sign-in flow ended at %s with %d", resp.Request.URL, resp.StatusCode)
	}
	var sess struct{ Principal, AccessKey string }
	getJSON(t, hc, srv.ConsoleURL+"/api/session", &sess)
	if sess.Principal != "arn:aws:sts::000000000000:assumed-role/console-users/ada" || !strings.HasPrefix(sess.AccessKey, "ASIA") {
		t.Fatalf("session = %+v", sess)
	}
	// The session's credentials are the role's: its policy lists buckets.
	if r, err := hc.Get(srv.ConsoleURL + "/api/buckets"); err != nil || r.StatusCode != 200 {
		t.Fatalf("list buckets in the session: %v %v", err, r)
	}

	// A subject the role does not trust gets no session; nor does a
	// callback that was not started here.
	is.Subject = "user-2"
	other := browserClient(t, is)
	resp, err = other.Get(srv.ConsoleURL + "/oidc/login")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("untrusted subject: %d", resp.StatusCode)
	}
	resp, err = other.Get(srv.ConsoleURL + "/oidc/callback?state=forged&code=x")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("forged callback: %d", resp.StatusCode)
	}
	if r, _ := other.Get(srv.ConsoleURL + "/api/session"); r.StatusCode != http.StatusUnauthorized {
		t.Fatalf("refused sign-in left a session: %d", r.StatusCode)
	}
}

func getJSON(t *testing.T, hc *http.Client, url string, v any) {
	t.Helper()
	resp, err := hc.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d", url, resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
}
