package s3api_test

import (
	"bytes"
	"crypto/tls"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/hoard-s3/hoard/internal/testserver"
	"github.com/hoard-s3/hoard/internal/tlsconf"
)

// tlsEnv starts a server with HTTPS on 127.0.0.1 (and localhost), with a
// certificate made here, and refuses SSE-C over plain HTTP as S3 does.
func tlsEnv(t *testing.T, opts ...testserver.Option) (*env, *testserver.CA) {
	t.Helper()
	ca := testserver.NewCA(t)
	cert, key := ca.Issue(t, t.TempDir(), "srv", []string{"127.0.0.1", "localhost"})
	opts = append([]testserver.Option{testserver.WithTLS(tlsconf.Source{CertFile: cert, KeyFile: key}, ca.Pool()), testserver.WithoutSSECOverHTTP()}, opts...)
	return newEnv(t, opts...), ca
}

func TestSDKOverTLS(t *testing.T) {
	e, ca := tlsEnv(t)
	if !strings.HasPrefix(e.srv.URL, "https://") {
		t.Fatalf("URL %s", e.srv.URL)
	}
	body := bytes.Repeat([]byte("over tls "), 300000) // multi-chunk with the SDK's checksum trailer
	_, err := e.c.PutObject(e.ctx, &s3.PutObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("k"), Body: bytes.NewReader(body)})
	wantNoErr(t, err)
	_, got, err := e.get("k")
	wantNoErr(t, err)
	if got != string(body) {
		t.Fatalf("read back %d bytes, want %d", len(got), len(body))
	}

	// HTTP/2 by ALPN, TLS 1.3, and HSTS on the answers.
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: ca.Pool()}, ForceAttemptHTTP2: true}}
	resp, err := hc.Get(e.srv.URL + "/health")
	wantNoErr(t, err)
	resp.Body.Close()
	if resp.ProtoMajor != 2 || resp.TLS.Version != tls.VersionTLS13 {
		t.Errorf("proto %s, TLS version %x", resp.Proto, resp.TLS.Version)
	}
	if h := resp.Header.Get("Strict-Transport-Security"); h != tlsconf.HSTSValue {
		t.Errorf("HSTS %q", h)
	}

	// KMS, IAM and STS answer on the same HTTPS port.
	if _, err := e.srv.KMSClient().ListKeys(e.ctx, &kms.ListKeysInput{}); err != nil {
		t.Fatalf("KMS over TLS: %v", err)
	}
	creds := credentials.NewStaticCredentialsProvider(testserver.AccessKey, testserver.SecretKey, "")
	ic := iam.New(iam.Options{Region: testserver.Region, BaseEndpoint: aws.String(e.srv.URL), Credentials: creds, HTTPClient: e.srv.HTTPClient()})
	if _, err := ic.ListUsers(e.ctx, &iam.ListUsersInput{}); err != nil {
		t.Fatalf("IAM over TLS: %v", err)
	}
	sc := sts.New(sts.Options{Region: testserver.Region, BaseEndpoint: aws.String(e.srv.URL), Credentials: creds, HTTPClient: e.srv.HTTPClient()})
	if _, err := sc.GetCallerIdentity(e.ctx, &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatalf("STS over TLS: %v", err)
	}

	// TLS 1.1 is refused; 1.2 is served.
	for v, ok := range map[uint16]bool{tls.VersionTLS11: false, tls.VersionTLS12: true} {
		c, err := tls.Dial("tcp", e.srv.Addr, &tls.Config{RootCAs: ca.Pool(), MinVersion: v, MaxVersion: v})
		if err == nil {
			c.Close()
		}
		if (err == nil) != ok {
			t.Errorf("TLS version %x: err %v", v, err)
		}
	}
}

func TestPresignedOverTLS(t *testing.T) {
	e, ca := tlsEnv(t)
	pc := s3.NewPresignClient(e.c, s3.WithPresignExpires(5*time.Minute))
	put, err := pc.PresignPutObject(e.ctx, &s3.PutObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("p")})
	wantNoErr(t, err)
	get, err := pc.PresignGetObject(e.ctx, &s3.GetObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("p")})
	wantNoErr(t, err)
	if !strings.HasPrefix(put.URL, "https://") || !strings.HasPrefix(get.URL, "https://") {
		t.Fatalf("URLs %s %s", put.URL, get.URL)
	}
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: ca.Pool()}}}
	req, _ := http.NewRequest(http.MethodPut, put.URL, strings.NewReader("presigned body"))
	resp, err := hc.Do(req)
	wantNoErr(t, err)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("presigned PUT: %d", resp.StatusCode)
	}
	resp, err = hc.Get(get.URL)
	wantNoErr(t, err)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(b) != "presigned body" {
		t.Fatalf("presigned GET: %d %q", resp.StatusCode, b)
	}
}

// TestVirtualHostedWildcardSNI reaches buckets as BUCKET.s3.test through
// a wildcard certificate chosen by SNI among several in a directory.
func TestVirtualHostedWildcardSNI(t *testing.T) {
	ca := testserver.NewCA(t)
	dir := t.TempDir()
	ca.Issue(t, dir, "a-loopback", []string{"127.0.0.1"})
	ca.Issue(t, dir, "b-wildcard", []string{"*.s3.test", "s3.test"})
	ca.Issue(t, dir, "c-other", []string{"*.other.test"})
	e := newEnv(t, testserver.WithTLS(tlsconf.Source{Dir: dir}, ca.Pool()), testserver.WithDomain("s3.test"))
	e.put("vk", "virtual")
	var sni []string
	tr := &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: ca.Pool(), VerifyConnection: func(cs tls.ConnectionState) error {
			sni = append(sni, cs.ServerName+"="+cs.PeerCertificates[0].DNSNames[0])
			return nil
		}},
		// Every name resolves to the test server.
		DialContext: dialTo(e.srv.Addr),
	}
	_, port := splitPort(e.srv.Addr)
	c := e.srv.Client(func(o *s3.Options) {
		o.BaseEndpoint = aws.String("https://s3.test:" + port)
		o.UsePathStyle = false
		o.HTTPClient = &http.Client{Transport: tr}
	})
	out, err := c.GetObject(e.ctx, &s3.GetObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("vk")})
	wantNoErr(t, err)
	b, _ := io.ReadAll(out.Body)
	out.Body.Close()
	if string(b) != "virtual" {
		t.Fatalf("body %q", b)
	}
	want := e.bucket + ".s3.test=*.s3.test"
	if len(sni) == 0 || sni[0] != want {
		t.Fatalf("handshakes %v, want %s", sni, want)
	}
	// A name no certificate covers gets the default, which fails
	// verification: no silent fallback to an unverified host.
	bad := e.srv.Client(func(o *s3.Options) {
		o.BaseEndpoint = aws.String("https://s3.unknown.test:" + port)
		o.UsePathStyle = false
		o.HTTPClient = &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: ca.Pool()}, DialContext: dialTo(e.srv.Addr)}}
		o.RetryMaxAttempts = 1
	})
	if _, err := bad.GetObject(e.ctx, &s3.GetObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("vk")}); err == nil ||
		!strings.Contains(err.Error(), "certificate") {
		t.Fatalf("unknown host: %v", err)
	}
}
