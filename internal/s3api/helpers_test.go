package s3api_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/hoard-s3/hoard/internal/testserver"
)

// env is one running server with a client and a fresh bucket.
type env struct {
	t      *testing.T
	srv    *testserver.Server
	c      *s3.Client
	ctx    context.Context
	bucket string
}

var bucketSeq atomic.Int64

func newEnv(t *testing.T, opts ...testserver.Option) *env {
	t.Helper()
	srv := testserver.Start(t, opts...)
	e := &env{t: t, srv: srv, c: srv.Client(), ctx: testserver.Context(t)}
	e.bucket = e.newBucket()
	return e
}

func (e *env) newBucket() string {
	e.t.Helper()
	name := fmt.Sprintf("bucket-%d", bucketSeq.Add(1))
	if _, err := e.c.CreateBucket(e.ctx, &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		e.t.Fatalf("create bucket %s: %v", name, err)
	}
	return name
}

func (e *env) put(key, body string, mod ...func(*s3.PutObjectInput)) *s3.PutObjectOutput {
	e.t.Helper()
	in := &s3.PutObjectInput{Bucket: aws.String(e.bucket), Key: aws.String(key), Body: strings.NewReader(body)}
	for _, m := range mod {
		m(in)
	}
	out, err := e.c.PutObject(e.ctx, in)
	if err != nil {
		e.t.Fatalf("put %q: %v", key, err)
	}
	return out
}

func (e *env) get(key string, mod ...func(*s3.GetObjectInput)) (*s3.GetObjectOutput, string, error) {
	e.t.Helper()
	in := &s3.GetObjectInput{Bucket: aws.String(e.bucket), Key: aws.String(key)}
	for _, m := range mod {
		m(in)
	}
	out, err := e.c.GetObject(e.ctx, in)
	if err != nil {
		return nil, "", err
	}
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	return out, string(b), err
}

func (e *env) mustGet(key string) string {
	e.t.Helper()
	_, body, err := e.get(key)
	if err != nil {
		e.t.Fatalf("get %q: %v", key, err)
	}
	return body
}

// wantCode asserts that err is the S3 error code.
func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got success, want %s", code)
	}
	var api smithy.APIError
	if !errors.As(err, &api) {
		t.Fatalf("got %v, want API error %s", err, code)
	}
	if api.ErrorCode() != code {
		t.Fatalf("got error code %s (%v), want %s", api.ErrorCode(), err, code)
	}
}

// wantStatusCode asserts that err is the S3 error code with that status.
func wantStatusCode(t *testing.T, err error, status int, code string) {
	t.Helper()
	wantCode(t, err, code)
	if got := httpStatus(err); got != status {
		t.Fatalf("%s with status %d, want %d", code, got, status)
	}
}

func wantNoErr(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
}

// rawResp is a response read whole.
type rawResp struct {
	status int
	header http.Header
	body   []byte
}

// errDoc is the S3 error document.
type errDoc struct {
	Code       string
	Message    string
	BucketName string
	Key        string
	Resource   string
	RequestId  string
	HostId     string
}

func (r *rawResp) errDoc(t *testing.T) errDoc {
	t.Helper()
	var d errDoc
	if err := xml.Unmarshal(r.body, &d); err != nil {
		t.Fatalf("status %d, body %q is not an error document: %v", r.status, r.body, err)
	}
	return d
}

func (r *rawResp) wantError(t *testing.T, status int, code string) errDoc {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d (body %q), want %d %s", r.status, r.body, status, code)
	}
	d := r.errDoc(t)
	if d.Code != code {
		t.Fatalf("code %s (%s), want %s", d.Code, d.Message, code)
	}
	if d.RequestId == "" || d.RequestId != r.header.Get("X-Amz-Request-Id") || d.HostId == "" {
		t.Fatalf("error document lacks request ids: %+v", d)
	}
	return d
}

// newRaw builds a request to the server for path (already escaped) and
// raw query.
func (e *env) newRaw(method, pathQuery string, body []byte) *http.Request {
	e.t.Helper()
	req, err := http.NewRequestWithContext(e.ctx, method, e.srv.URL+pathQuery, bytes.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	if body == nil {
		req.Body = http.NoBody
	}
	return req
}

// sign signs req with SigV4 over the given payload (nil: empty).
func (e *env) sign(req *http.Request, body []byte) {
	e.t.Helper()
	sum := sha256.Sum256(body)
	hash := hex.EncodeToString(sum[:])
	e.signWith(req, hash)
}

func (e *env) signWith(req *http.Request, payloadHash string) {
	e.t.Helper()
	req.Header.Set("X-Amz-Content-Sha256", payloadHash)
	creds := aws.Credentials{AccessKeyID: testserver.AccessKey, SecretAccessKey: testserver.SecretKey}
	if err := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true }).SignHTTP(e.ctx, creds, req, payloadHash, "s3", testserver.Region, time.Now()); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) do(req *http.Request) *rawResp {
	e.t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatalf("read body: %v", err)
	}
	return &rawResp{status: resp.StatusCode, header: resp.Header, body: b}
}

// signedDo signs and sends a raw request.
func (e *env) signedDo(method, pathQuery string, body []byte, hdr map[string]string) *rawResp {
	e.t.Helper()
	req := e.newRaw(method, pathQuery, body)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	e.sign(req, body)
	return e.do(req)
}

// objectExists reports whether key is stored.
func (e *env) objectExists(key string) bool {
	e.t.Helper()
	_, err := e.c.HeadObject(e.ctx, &s3.HeadObjectInput{Bucket: aws.String(e.bucket), Key: aws.String(key)})
	if err == nil {
		return true
	}
	var api smithy.APIError
	if errors.As(err, &api) && api.ErrorCode() == "NotFound" {
		return false
	}
	e.t.Fatalf("head %q: %v", key, err)
	return false
}

func apiCode(err error) string {
	var api smithy.APIError
	if errors.As(err, &api) {
		return api.ErrorCode()
	}
	return ""
}
