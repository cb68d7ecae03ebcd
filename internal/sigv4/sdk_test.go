package sigv4

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/smithy-go/encoding/httpbinding"
)

var interopKeys = []string{
	"plain.txt",
	"with space.txt",
	"unicode/日本語/ключ/😀",
	"../../etc/passwd",
	"a//b///c",
	"dir/./../x",
	"percent%2Fslash",
	"literal%percent",
	"plus+sign",
	"tilde~x",
	"question?mark",
	"hash#frag",
	"semi;colon=eq&amp",
	"trailing/",
	"*star'(paren)!$@:,",
	"  leading and trailing  ",
	"back\\slash",
}

var interopQueries = []string{
	"",
	"acl",
	"uploads",
	"partNumber=1&uploadId=abc%2Bdef",
	"list-type=2&prefix=a%20b&delimiter=%2F&encoding-type=url",
	"versionId=",
	"x=2&x=1&x=",
	"response-content-disposition=attachment%3B%20filename%3D%22f.txt%22",
	"unicode=%E6%97%A5&tilde=~&star=%2A",
}

type signOpts struct {
	method, url string
	body        []byte
	payloadHash string // defaults to the body's SHA-256
	header      http.Header
	ak, region  string
	service     string
	at          time.Time
	token       string
}

func (o *signOpts) defaults() {
	if o.method == "" {
		o.method = http.MethodGet
	}
	if o.payloadHash == "" {
		o.payloadHash = sha256Hex(o.body)
	}
	if o.ak == "" {
		o.ak = testAK
	}
	if o.region == "" {
		o.region = testRegion
	}
	if o.service == "" {
		o.service = "s3"
	}
	if o.at.IsZero() {
		o.at = testTime
	}
}

func sdkCreds(o signOpts) aws.Credentials {
	return aws.Credentials{AccessKeyID: o.ak, SecretAccessKey: testSecret, SessionToken: o.token}
}

func s3Opts(so *v4.SignerOptions) { so.DisableURIPathEscaping = true }

// sdkRequest signs a request with the AWS SDK's SigV4 signer, the way the
// S3 client does, and returns the server's view of it.
func sdkRequest(t testing.TB, o signOpts) *http.Request {
	t.Helper()
	o.defaults()
	req, err := http.NewRequest(o.method, o.url, bytes.NewReader(o.body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range o.header {
		req.Header[k] = v
	}
	if o.service == "s3" {
		req.Header.Set("X-Amz-Content-Sha256", o.payloadHash)
	}
	err = v4.NewSigner().SignHTTP(context.Background(), sdkCreds(o), req, o.payloadHash, o.service, o.region, o.at, s3Opts)
	if err != nil {
		t.Fatal(err)
	}
	return serverSide(t, req)
}

// sdkPresign presigns a GET with the SDK signer; query may hold extra
// parameters such as X-Amz-Expires or checksum hints.
func sdkPresign(t testing.TB, o signOpts, query string) *http.Request {
	t.Helper()
	ph := o.payloadHash
	if ph == "" {
		ph = unsignedPayload
	}
	o.defaults()
	u := o.url
	if query != "" {
		u += "?" + query
	}
	req, err := http.NewRequest(o.method, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	signed, _, err := v4.NewSigner().PresignHTTP(context.Background(), sdkCreds(o), req, ph, o.service, o.region, o.at, s3Opts)
	if err != nil {
		t.Fatal(err)
	}
	req2, err := http.NewRequest(o.method, signed, nil)
	if err != nil {
		t.Fatal(err)
	}
	return serverSide(t, req2)
}

func objectURL(key string) string {
	return "http://s3.example.test:9000/bucket/" + httpbinding.EscapePath(key, false)
}

func TestSDKHeaderInterop(t *testing.T) {
	v := newTestVerifier(testTime)
	for _, key := range interopKeys {
		for _, q := range interopQueries {
			u := objectURL(key)
			if q != "" {
				u += "?" + q
			}
			body := []byte("payload for " + key)
			r := sdkRequest(t, signOpts{method: http.MethodPut, url: u, body: body,
				header: http.Header{"X-Amz-Meta-Note": {"  two  spaces  "}, "Content-Type": {"text/plain"}}})
			a, err := v.Verify(r)
			if err != nil {
				t.Fatalf("key %q query %q: %v", key, q, err)
			}
			got, err := io.ReadAll(a.Body)
			if err != nil || !bytes.Equal(got, body) {
				t.Fatalf("key %q: body %q, %v", key, got, err)
			}
			if a.Method != V4Header || a.AccessKey != testAK || a.Service != "s3" ||
				!a.SignedAt.Equal(testTime) || a.Length != int64(len(body)) {
				t.Fatalf("key %q: auth = %+v", key, a)
			}
		}
	}
}

func TestSDKPresignInterop(t *testing.T) {
	v := newTestVerifier(testTime.Add(time.Minute))
	for _, key := range interopKeys {
		for _, q := range interopQueries {
			qs := "X-Amz-Expires=900"
			if q != "" {
				qs += "&" + q
			}
			r := sdkPresign(t, signOpts{url: objectURL(key)}, qs)
			a, err := v.Verify(r)
			if err != nil {
				t.Fatalf("key %q query %q: %v (%s)", key, q, err, r.URL.RawQuery)
			}
			if a.Method != V4Presigned || a.AccessKey != testAK {
				t.Fatalf("auth = %+v", a)
			}
		}
	}
}

// Current SDKs put flexible-checksum hints in presigned URLs; they are
// ordinary signed query parameters.
func TestPresignChecksumParams(t *testing.T) {
	v := newTestVerifier(testTime)
	r := sdkPresign(t, signOpts{method: http.MethodPut, url: objectURL("k")},
		"X-Amz-Expires=60&x-amz-checksum-crc32=AAAAAA%3D%3D&x-amz-sdk-checksum-algorithm=CRC32&x-id=PutObject")
	if _, err := v.Verify(r); err != nil {
		t.Fatal(err)
	}
	r.URL.RawQuery = strings.Replace(r.URL.RawQuery, "AAAAAA%3D%3D", "AAAAAB%3D%3D", 1)
	_, err := v.Verify(r)
	wantErr(t, err, ErrSignatureDoesNotMatch)
}

// A client may put a different but equivalent escaping on the wire than
// the one it signed; each accepted form denotes the same decoded path.
func TestPathEscapingFallback(t *testing.T) {
	v := newTestVerifier(testTime)
	cases := []struct{ signed, sent string }{
		{"/bucket/a~b", "/bucket/a%7Eb"},           // signed AWS form, sent over-escaped
		{"/bucket/a%20b", "/bucket/a%20b"},         // identical
		{"/bucket/caf%C3%A9", "/bucket/caf%c3%a9"}, // lower-case hex on the wire
		{"/bucket/a%3Ab", "/bucket/a:b"},           // ':' left raw on the wire
	}
	for _, c := range cases {
		r := sdkRequest(t, signOpts{url: "http://h" + c.signed})
		r.RequestURI = c.sent
		var err error
		if r.URL, err = url.ParseRequestURI(c.sent); err != nil {
			t.Fatal(err)
		}
		if _, err := v.Verify(r); err != nil {
			t.Errorf("signed %s sent %s: %v", c.signed, c.sent, err)
		}
	}
	// A different decoded path never verifies.
	r := sdkRequest(t, signOpts{url: "http://h/bucket/a%2Fb"})
	r.RequestURI = "/bucket/a/c"
	r.URL, _ = url.ParseRequestURI(r.RequestURI)
	_, err := v.Verify(r)
	wantErr(t, err, ErrSignatureDoesNotMatch)
}

func TestNonS3ServiceHashesBody(t *testing.T) {
	v := newTestVerifier(testTime)
	body := []byte("Action=GetCallerIdentity&Version=2011-06-15")
	r := sdkRequest(t, signOpts{method: http.MethodPost, url: "http://h/", body: body, service: "sts",
		header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}})
	if r.Header.Get("X-Amz-Content-Sha256") != "" {
		t.Fatal("test premise: STS requests carry no x-amz-content-sha256")
	}
	a, err := v.Verify(r)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(a.Body)
	if a.Service != "sts" || !bytes.Equal(got, body) {
		t.Fatalf("service %q body %q", a.Service, got)
	}
	r = sdkRequest(t, signOpts{method: http.MethodPost, url: "http://h/", body: body, service: "sts"})
	r.Body = io.NopCloser(strings.NewReader("Action=Other"))
	_, err = v.Verify(r)
	wantErr(t, err, ErrSignatureDoesNotMatch)
}
