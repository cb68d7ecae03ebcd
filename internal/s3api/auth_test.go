package s3api_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/hoard-s3/hoard/internal/testserver"
)

func TestPresignedGetAndPut(t *testing.T) {
	e := newEnv(t)
	pc := s3.NewPresignClient(e.c)
	put, err := pc.PresignPutObject(e.ctx, &s3.PutObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("pre signed/ключ")})
	wantNoErr(t, err)
	req, _ := http.NewRequestWithContext(e.ctx, put.Method, put.URL, strings.NewReader("presigned body"))
	for k, v := range put.SignedHeader {
		if !strings.EqualFold(k, "host") {
			req.Header[k] = v
		}
	}
	if r := e.do(req); r.status != 200 || r.header.Get("ETag") == "" {
		t.Fatalf("presigned put: %d %s", r.status, r.body)
	}
	get, err := pc.PresignGetObject(e.ctx, &s3.GetObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("pre signed/ключ"),
		ResponseContentType: aws.String("text/plain")})
	wantNoErr(t, err)
	r := e.do(e.rawURL("GET", get.URL))
	if r.status != 200 || string(r.body) != "presigned body" || r.header.Get("Content-Type") != "text/plain" {
		t.Fatalf("presigned get: %d %q %v", r.status, r.body, r.header)
	}
	tampered := strings.Replace(get.URL, "text%2Fplain", "text%2Fhtml", 1)
	e.do(e.rawURL("GET", tampered)).wantError(t, 403, "SignatureDoesNotMatch")
	// A URL signed an hour ago for 60 seconds has expired.
	old := e.rawURL("GET", e.srv.URL+"/"+e.bucket+"/pre%20signed/%D0%BA%D0%BB%D1%8E%D1%87?X-Amz-Expires=60")
	creds := aws.Credentials{AccessKeyID: testserver.AccessKey, SecretAccessKey: testserver.SecretKey}
	signed, _, err := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true }).
		PresignHTTP(e.ctx, creds, old, "UNSIGNED-PAYLOAD", "s3", testserver.Region, time.Now().Add(-time.Hour))
	wantNoErr(t, err)
	d := e.do(e.rawURL("GET", signed)).wantError(t, 403, "AccessDenied")
	if d.Message != "Request has expired" {
		t.Fatalf("expired message %q", d.Message)
	}
}

func (e *env) rawURL(method, u string) *http.Request {
	e.t.Helper()
	req, err := http.NewRequestWithContext(e.ctx, method, u, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	return req
}

func TestAuthErrors(t *testing.T) {
	e := newEnv(t)
	path := "/" + e.bucket + "/k"
	// Anonymous requests are refused and change nothing.
	r := e.do(e.newRaw("PUT", path, []byte("anon")))
	r.wantError(t, 403, "AccessDenied")
	e.do(e.newRaw("GET", "/", nil)).wantError(t, 403, "AccessDenied")
	if e.objectExists("k") {
		t.Fatal("anonymous put stored an object")
	}
	other := func(ak, sk string) *s3.Client {
		return e.srv.Client(func(o *s3.Options) { o.Credentials = credentials.NewStaticCredentialsProvider(ak, sk, "") })
	}
	_, err := other("AKIAUNKNOWN000000000", "x").ListBuckets(e.ctx, &s3.ListBucketsInput{})
	wantCode(t, err, "InvalidAccessKeyId")
	_, err = other(testserver.AccessKey, "wrong-secret").ListBuckets(e.ctx, &s3.ListBucketsInput{})
	wantCode(t, err, "SignatureDoesNotMatch")
	_, err = e.srv.Client(func(o *s3.Options) {
		o.Credentials = credentials.NewStaticCredentialsProvider(testserver.AccessKey, testserver.SecretKey, "some-token")
	}).ListBuckets(e.ctx, &s3.ListBucketsInput{})
	wantCode(t, err, "InvalidToken")
	_, err = e.srv.Client(func(o *s3.Options) { o.Region = "eu-west-1" }).ListBuckets(e.ctx, &s3.ListBucketsInput{})
	wantCode(t, err, "AuthorizationHeaderMalformed")

	skewed := e.newRaw("GET", "/", nil)
	creds := aws.Credentials{AccessKeyID: testserver.AccessKey, SecretAccessKey: testserver.SecretKey}
	skewed.Header.Set("X-Amz-Content-Sha256", emptySHA256)
	wantNoErr(t, v4.NewSigner().SignHTTP(e.ctx, creds, skewed, emptySHA256, "s3", testserver.Region, time.Now().Add(-time.Hour)))
	e.do(skewed).wantError(t, 403, "RequestTimeTooSkewed")

	for authz, want := range map[string][2]string{
		"AWS4-HMAC-SHA256 garbage": {"400", "AuthorizationHeaderMalformed"},
		"AWS4-ECDSA-P256-SHA256 Credential=" + testserver.AccessKey + "/20260101/s3/aws4_request, SignedHeaders=host, Signature=00": {"501", "NotImplemented"},
	} {
		req := e.newRaw("GET", "/", nil)
		req.Header.Set("Authorization", authz)
		req.Header.Set("X-Amz-Date", time.Now().UTC().Format("20060102T150405Z"))
		r := e.do(req)
		if code := r.errDoc(t).Code; code != want[1] || want[0] != strconv.Itoa(r.status) {
			t.Errorf("%s: %d %s, want %v", authz, r.status, code, want)
		}
	}
	e.do(e.newRaw("GET", "/?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=bad&X-Amz-Signature=00", nil)).
		wantError(t, 400, "AuthorizationQueryParametersError")

	// The signed payload hash must match the bytes sent.
	req := e.newRaw("PUT", path, []byte("actual body"))
	e.sign(req, []byte("signed body"))
	e.do(req).wantError(t, 400, "XAmzContentSHA256Mismatch")
	if e.objectExists("k") {
		t.Fatal("object stored despite a payload hash mismatch")
	}
}

// signV2 signs a body-less request with Signature V2 for resource.
func signV2(req *http.Request, resource string) {
	date := time.Now().UTC().Format(http.TimeFormat)
	req.Header.Set("Date", date)
	mac := hmac.New(sha1.New, []byte(testserver.SecretKey))
	mac.Write([]byte(req.Method + "\n\n\n" + date + "\n" + resource))
	req.Header.Set("Authorization", "AWS "+testserver.AccessKey+":"+base64.StdEncoding.EncodeToString(mac.Sum(nil)))
}

const emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

func TestVirtualHostedStyle(t *testing.T) {
	e := newEnv(t, testserver.WithDomain("s3.hoard.test"))
	_, port, _ := net.SplitHostPort(e.srv.Addr)
	dial := &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, "tcp", e.srv.Addr)
	}}
	vc := e.srv.Client(func(o *s3.Options) {
		o.BaseEndpoint = aws.String("http://s3.hoard.test:" + port)
		o.UsePathStyle = false
		o.HTTPClient = &http.Client{Transport: dial}
	})
	_, err := vc.CreateBucket(e.ctx, &s3.CreateBucketInput{Bucket: aws.String("vhost-bucket")})
	wantNoErr(t, err)
	for _, k := range []string{"a//b", "../x", "q?#%", "ключ"} {
		_, err = vc.PutObject(e.ctx, &s3.PutObjectInput{Bucket: aws.String("vhost-bucket"), Key: aws.String(k), Body: strings.NewReader("v:" + k)})
		wantNoErr(t, err)
		// Path style on the same server sees the same object.
		out, err := e.c.GetObject(e.ctx, &s3.GetObjectInput{Bucket: aws.String("vhost-bucket"), Key: aws.String(k)})
		wantNoErr(t, err)
		b, _ := io.ReadAll(out.Body)
		out.Body.Close()
		if string(b) != "v:"+k {
			t.Fatalf("%q: %q", k, b)
		}
	}
	list, err := vc.ListObjectsV2(e.ctx, &s3.ListObjectsV2Input{Bucket: aws.String("vhost-bucket")})
	wantNoErr(t, err)
	if aws.ToInt32(list.KeyCount) != 4 {
		t.Fatalf("vhost list: %d keys", aws.ToInt32(list.KeyCount))
	}
	_, err = vc.HeadBucket(e.ctx, &s3.HeadBucketInput{Bucket: aws.String("vhost-missing")})
	wantCode(t, err, "NotFound")
	// Signature V2 signs "/bucket/key" although the path lacks the bucket.
	v2 := e.newRaw("GET", "/a//b", nil)
	v2.Host = "vhost-bucket.s3.hoard.test:" + port
	signV2(v2, "/vhost-bucket/a//b")
	if r := e.do(v2); r.status != 200 || string(r.body) != "v:a//b" {
		t.Fatalf("sigv2 vhost: %d %s", r.status, r.body)
	}
	// The bare domain is path style.
	req := e.newRaw("GET", "/", nil)
	req.Host = "s3.hoard.test:" + port
	e.sign(req, nil)
	if r := e.do(req); r.status != 200 || !strings.Contains(string(r.body), "<Name>vhost-bucket</Name>") {
		t.Fatalf("bare domain: %d %s", r.status, r.body)
	}
}
