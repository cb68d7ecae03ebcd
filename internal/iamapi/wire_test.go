package iamapi_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/hoard-s3/hoard/internal/testserver"
)

// raw sends a signed query-protocol request and returns status and body.
func raw(t *testing.T, srv *testserver.Server, method, service, query, body string) (int, string) {
	t.Helper()
	url := srv.URL + "/"
	if query != "" {
		url += "?" + query
	}
	r, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if method == http.MethodPost {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	}
	sum := sha256.Sum256([]byte(body))
	err = v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: rootCreds.ak, SecretAccessKey: rootCreds.secret},
		r, hex.EncodeToString(sum[:]), service, region, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	resp, err := srv.HTTPClient().Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

var requestIDRE = regexp.MustCompile(`<RequestId>[^<]+</RequestId>`)

func TestWireFormat(t *testing.T) {
	srv := testserver.Start(t)
	status, body := raw(t, srv, http.MethodPost, "iam", "", "Action=CreateGroup&Version=2010-05-08&GroupName=ops")
	if status != 200 || !strings.Contains(body, `<CreateGroupResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><CreateGroupResult><Group><Path>/</Path><GroupName>ops</GroupName><GroupId>AGPA`) ||
		!strings.HasSuffix(body, `</Group></CreateGroupResult><ResponseMetadata>`+requestIDRE.FindString(body)+`</ResponseMetadata></CreateGroupResponse>`) {
		t.Fatalf("%d %s", status, body)
	}
	// The query protocol also accepts GET with the parameters in the query.
	status, body = raw(t, srv, http.MethodGet, "iam", "Action=GetGroup&Version=2010-05-08&GroupName=ops", "")
	if status != 200 || !strings.Contains(body, "<GetGroupResult><Group>") {
		t.Fatalf("%d %s", status, body)
	}
	status, body = raw(t, srv, http.MethodGet, "sts", "Action=GetCallerIdentity&Version=2011-06-15", "")
	if status != 200 || !strings.Contains(body, `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><UserId>000000000000</UserId><Account>000000000000</Account><Arn>arn:aws:iam::000000000000:root</Arn></GetCallerIdentityResult>`) {
		t.Fatalf("%d %s", status, body)
	}
	status, body = raw(t, srv, http.MethodPost, "iam", "", "Action=GetGroup&Version=2010-05-08&GroupName=nope")
	want := `<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>NoSuchEntity</Code><Message>The group with name nope cannot be found.</Message></Error>` + requestIDRE.FindString(body) + `</ErrorResponse>`
	if status != 404 || !strings.HasSuffix(body, want) {
		t.Fatalf("%d %s", status, body)
	}
	for _, tc := range []struct {
		service, body string
		status        int
		code          string
	}{
		{"iam", "Action=AssumeRole&Version=2010-05-08", 400, "InvalidAction"}, // an STS action signed for IAM
		{"sts", "Action=CreateUser&Version=2011-06-15", 400, "InvalidAction"},
		{"iam", "Action=Nope&Version=2010-05-08", 400, "InvalidAction"},
		{"iam", "Version=2010-05-08", 400, "InvalidAction"},
		{"iam", "Action=ListUsers&Action=CreateUser", 400, "InvalidAction"},
		{"iam", "Action=ListUsers&Version=2011-06-15", 400, "InvalidAction"},
		{"iam", "Action=ListUsers&MaxItems=0", 400, "ValidationError"},
		{"iam", "Action=ListUsers&MaxItems=x", 400, "ValidationError"},
		{"iam", "Action=ListUsers&Marker=%2F..%2F", 400, "InvalidInput"},
		{"iam", "Action=ListUsers&x=%zz", 400, "MalformedQueryString"},
		{"iam", "Action=CreateUser&UserName=%ff", 400, "MalformedQueryString"},
		{"iam", "Action=CreateUser", 400, "ValidationError"},
		{"iam", "Action=CreateUser&UserName=a%00b", 400, "ValidationError"},
		{"sts", "Action=AssumeRole&RoleArn=x&RoleSessionName=ab&DurationSeconds=99999999999", 400, "ValidationError"},
		{"iam", "Action=ListUsers&" + strings.Repeat("a", 300<<10), 400, "InvalidInput"},
	} {
		status, body := raw(t, srv, http.MethodPost, tc.service, "", tc.body)
		if status != tc.status || !strings.Contains(body, "<Code>"+tc.code+"</Code>") {
			t.Errorf("%s %.60q: %d %s", tc.service, tc.body, status, body)
		}
	}
}

func TestUnsignedAndBadSignatures(t *testing.T) {
	srv := testserver.Start(t)
	r, _ := http.NewRequest(http.MethodPost, srv.URL+"/", strings.NewReader("Action=ListUsers&Version=2010-05-08"))
	r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+rootCreds.ak+"/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=00")
	resp, err := srv.HTTPClient().Do(r)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode/100 != 4 || !strings.Contains(string(b), "<ErrorResponse") {
		t.Fatalf("%d %s", resp.StatusCode, b)
	}
}
