package s3api_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/hoard-s3/hoard/internal/iam"
	"github.com/hoard-s3/hoard/internal/testserver"
)

var userSeq atomic.Int64

// principal is an IAM user (or an assumed-role session) with a client.
type principal struct {
	name               string
	key, secret, token string
	c                  *s3.Client
}

func (e *env) identities() *iam.Service { return e.srv.Server().Identities() }

// newUser creates an IAM user with an access key and inline policies.
func (e *env) newUser(policies ...string) *principal {
	e.t.Helper()
	name := fmt.Sprintf("user%d", userSeq.Add(1))
	ids := e.identities()
	if _, err := ids.CreateUser(e.ctx, name, "/"); err != nil {
		e.t.Fatalf("create user: %v", err)
	}
	k, err := ids.CreateAccessKey(e.ctx, name)
	if err != nil {
		e.t.Fatalf("create key: %v", err)
	}
	for i, p := range policies {
		if err := ids.PutUserPolicy(e.ctx, name, fmt.Sprintf("p%d", i), p); err != nil {
			e.t.Fatalf("put user policy: %v\n%s", err, p)
		}
	}
	return e.client(name, k.AccessKeyID, k.SecretAccessKey, "")
}

func (e *env) client(name, key, secret, token string) *principal {
	return &principal{name: name, key: key, secret: secret, token: token, c: e.srv.Client(func(o *s3.Options) {
		o.Credentials = credentials.NewStaticCredentialsProvider(key, secret, token)
	})}
}

// allowDoc renders an identity policy with one Allow statement.
func allowDoc(actions, resources string, cond ...string) string {
	c := ""
	if len(cond) > 0 {
		c = `,"Condition":` + cond[0]
	}
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":` + actions + `,"Resource":` + resources + c + `}]}`
}

// getAs reads key of the env's bucket as p.
func (e *env) getAs(p *principal, bucket, key string) error {
	out, err := p.c.GetObject(e.ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err == nil {
		io.Copy(io.Discard, out.Body)
		out.Body.Close()
	}
	return err
}

func (e *env) putAs(p *principal, bucket, key string) error {
	_, err := p.c.PutObject(e.ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: strings.NewReader("x")})
	return err
}

// anonGet fetches an object without credentials and returns the status.
func (e *env) anonGet(bucket, key string) int {
	e.t.Helper()
	req := e.newRaw("GET", "/"+bucket+"/"+key, nil)
	return e.do(req).status
}

// controlDo sends a signed S3 Control request for the account setting.
func (e *env) controlDo(method string, body []byte) *rawResp {
	e.t.Helper()
	req := e.newRaw(method, "/v20180820/configuration/publicAccessBlock", body)
	req.Header.Set("X-Amz-Account-Id", e.identities().AccountID())
	e.sign(req, body)
	return e.do(req)
}

// signedAs signs a raw request with p's key.
func (e *env) signedAs(p *principal, method, pathQuery string, body []byte, hdr map[string]string) *rawResp {
	e.t.Helper()
	req := e.newRaw(method, pathQuery, body)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	hash := "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	if len(body) > 0 {
		hash = "UNSIGNED-PAYLOAD"
	}
	req.Header.Set("X-Amz-Content-Sha256", hash)
	creds := aws.Credentials{AccessKeyID: p.key, SecretAccessKey: p.secret, SessionToken: p.token}
	if err := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true }).SignHTTP(e.ctx, creds, req, hash, "s3", testserver.Region, time.Now()); err != nil {
		e.t.Fatal(err)
	}
	return e.do(req)
}

var _ = http.MethodGet
