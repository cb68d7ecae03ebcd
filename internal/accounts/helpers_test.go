package accounts_test

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/hoard-s3/hoard/internal/adminapi"
	"github.com/hoard-s3/hoard/internal/testserver"
)

// world is one server with the operator's account and the accounts a
// test creates through the admin API.
type world struct {
	t     *testing.T
	srv   *testserver.Server
	ctx   context.Context
	admin *adminapi.Client
	op    *account
}

// account is an account seen through its root's clients.
type account struct {
	w                *world
	id, name, canon  string
	acctName         string // the account's display name (name is the user's for users)
	key, secret, tok string
	s3               *s3.Client
	iam              *iam.Client
	sts              *sts.Client
	kms              *kms.Client
}

func newWorld(t *testing.T) *world {
	t.Helper()
	srv := testserver.Start(t)
	w := &world{t: t, srv: srv, ctx: testserver.Context(t),
		admin: &adminapi.Client{Endpoint: srv.URL, AccessKey: testserver.AccessKey, SecretKey: testserver.SecretKey}}
	list, err := w.admin.List(w.ctx)
	if err != nil || len(list) != 1 || !list[0].Operator {
		t.Fatalf("accounts of a new server: %+v, %v", list, err)
	}
	w.op = w.clients(list[0].ID, list[0].Name, list[0].CanonicalID, testserver.AccessKey, testserver.SecretKey, "")
	return w
}

func (w *world) newAccount(name string) *account {
	w.t.Helper()
	a, err := w.admin.Create(w.ctx, adminapi.CreateRequest{Name: name})
	if err != nil {
		w.t.Fatalf("create account %s: %v", name, err)
	}
	if len(a.ID) != 12 || len(a.CanonicalID) != 64 || a.RootAccessKey == "" || a.RootSecretKey == "" {
		w.t.Fatalf("created account: %+v", a)
	}
	return w.clients(a.ID, a.Name, a.CanonicalID, a.RootAccessKey, a.RootSecretKey, "")
}

func (w *world) clients(id, name, canon, key, secret, token string) *account {
	a := &account{w: w, id: id, name: name, acctName: name, canon: canon, key: key, secret: secret, tok: token}
	creds := credentials.NewStaticCredentialsProvider(key, secret, token)
	a.s3 = w.srv.Client(func(o *s3.Options) { o.Credentials = creds })
	ep := aws.String(w.srv.URL)
	hc := w.srv.HTTPClient()
	a.iam = iam.New(iam.Options{Region: testserver.Region, BaseEndpoint: ep, Credentials: creds, HTTPClient: hc, RetryMaxAttempts: 1})
	a.sts = sts.New(sts.Options{Region: testserver.Region, BaseEndpoint: ep, Credentials: creds, HTTPClient: hc, RetryMaxAttempts: 1})
	a.kms = kms.New(kms.Options{Region: testserver.Region, BaseEndpoint: ep, Credentials: creds, HTTPClient: hc, RetryMaxAttempts: 1})
	return a
}

// user creates an IAM user of a with inline policies and returns its
// clients (in a's account).
func (a *account) user(name string, policies ...string) *account {
	t, ctx := a.w.t, a.w.ctx
	t.Helper()
	if _, err := a.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(name)}); err != nil {
		t.Fatalf("create user %s in %s: %v", name, a.name, err)
	}
	for i, p := range policies {
		_, err := a.iam.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String(name), PolicyName: aws.String("p" + string(rune('0'+i))), PolicyDocument: aws.String(p)})
		if err != nil {
			t.Fatalf("put user policy: %v", err)
		}
	}
	k, err := a.iam.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(name)})
	if err != nil {
		t.Fatalf("create access key: %v", err)
	}
	u := a.w.clients(a.id, name, a.canon, *k.AccessKey.AccessKeyId, *k.AccessKey.SecretAccessKey, "")
	u.acctName = a.acctName
	return u
}

func (a *account) bucket(name string) string {
	a.w.t.Helper()
	if _, err := a.s3.CreateBucket(a.w.ctx, &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		a.w.t.Fatalf("create bucket %s as %s: %v", name, a.name, err)
	}
	return name
}

func (a *account) put(bucket, key, body string) error {
	_, err := a.s3.PutObject(a.w.ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: strings.NewReader(body)})
	return err
}

func (a *account) get(bucket, key string) (string, error) {
	out, err := a.s3.GetObject(a.w.ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		return "", err
	}
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	return string(b), err
}

func (a *account) setPolicy(bucket, doc string) {
	a.w.t.Helper()
	if _, err := a.s3.PutBucketPolicy(a.w.ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(bucket), Policy: aws.String(doc)}); err != nil {
		a.w.t.Fatalf("put bucket policy: %v\n%s", err, doc)
	}
}

func code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	if err != nil {
		return "error: " + err.Error()
	}
	return ""
}

func wantCode(t *testing.T, what string, err error, want string) {
	t.Helper()
	if got := code(err); got != want {
		t.Errorf("%s: got %q (%v), want %q", what, got, err, want)
	}
}

const allowS3 = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`

func stringsReader(s string) io.Reader { return strings.NewReader(s) }

func adminCreate(name, org string) adminapi.CreateRequest {
	return adminapi.CreateRequest{Name: name, Org: org}
}
