package s3api_test

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/hoard-s3/hoard/internal/server"
	"github.com/hoard-s3/hoard/internal/testserver"
	"github.com/hoard-s3/hoard/internal/tlsconf"
)

func withSSEC(k ssecKey) func(*s3.PutObjectInput) {
	return func(in *s3.PutObjectInput) {
		in.SSECustomerAlgorithm, in.SSECustomerKey, in.SSECustomerKeyMD5 = aws.String("AES256"), aws.String(k.key), aws.String(k.md5)
	}
}

func wantSSECInsecure(t *testing.T, err error) {
	t.Helper()
	wantCode(t, err, "InvalidRequest")
	var api smithy.APIError
	if errors.As(err, &api); !strings.Contains(api.ErrorMessage(), "must be made over a secure connection") || httpStatus(err) != 400 {
		t.Fatalf("error %v", err)
	}
}

// TestSSECRefusedOverHTTP: S3 refuses customer keys without TLS, before
// anything is written, on writes, reads and copies alike.
func TestSSECRefusedOverHTTP(t *testing.T) {
	e := newEnv(t, testserver.WithoutSSECOverHTTP())
	k := newSSECKey(7)
	in := &s3.PutObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("c"), Body: strings.NewReader("secret")}
	withSSEC(k)(in)
	_, err := e.c.PutObject(e.ctx, in)
	wantSSECInsecure(t, err)
	if _, err := e.c.HeadObject(e.ctx, &s3.HeadObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("c")}); httpStatus(err) != 404 {
		t.Fatalf("refused PUT left an object: %v", err)
	}
	e.put("plain", "p")
	_, _, err = e.get("plain", func(in *s3.GetObjectInput) {
		in.SSECustomerAlgorithm, in.SSECustomerKey, in.SSECustomerKeyMD5 = aws.String("AES256"), aws.String(k.key), aws.String(k.md5)
	})
	wantSSECInsecure(t, err)
	_, err = e.c.CopyObject(e.ctx, &s3.CopyObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("copy"), CopySource: aws.String(e.bucket + "/plain"),
		CopySourceSSECustomerAlgorithm: aws.String("AES256"), CopySourceSSECustomerKey: aws.String(k.key), CopySourceSSECustomerKeyMD5: aws.String(k.md5)})
	wantSSECInsecure(t, err)
	// Anonymous and unsigned: the same answer, before authentication.
	req, _ := http.NewRequest(http.MethodPut, e.srv.URL+"/"+e.bucket+"/anon", strings.NewReader("x"))
	req.Header.Set("X-Amz-Server-Side-Encryption-Customer-Key", k.key)
	resp, err := e.srv.HTTPClient().Do(req)
	wantNoErr(t, err)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 400 || !strings.Contains(string(b), "<Code>InvalidRequest</Code>") {
		t.Fatalf("anonymous: %d %s", resp.StatusCode, b)
	}
}

func TestSSECAcceptedOverHTTPS(t *testing.T) {
	e, _ := tlsEnv(t)
	k := newSSECKey(8)
	e.put("c", "secret over tls", withSSEC(k))
	_, body, err := e.get("c", func(in *s3.GetObjectInput) {
		in.SSECustomerAlgorithm, in.SSECustomerKey, in.SSECustomerKeyMD5 = aws.String("AES256"), aws.String(k.key), aws.String(k.md5)
	})
	wantNoErr(t, err)
	if body != "secret over tls" {
		t.Fatalf("body %q", body)
	}
}

// TestSSECBehindTrustedProxy: a TLS-terminating proxy that is trusted
// makes the request secure; the same header from anyone else does not.
func TestSSECBehindTrustedProxy(t *testing.T) {
	trusted, _ := tlsconf.ParseProxies("127.0.0.1")
	e := newEnv(t, testserver.WithoutSSECOverHTTP(), testserver.WithConfig(func(c *server.Config) { c.TLS.TrustedProxies = trusted }))
	k := newSSECKey(9)
	proxied := e.srv.Client(func(o *s3.Options) {
		o.APIOptions = append(o.APIOptions, addHeader("X-Forwarded-Proto", "https"))
	})
	in := &s3.PutObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("c"), Body: strings.NewReader("via proxy")}
	withSSEC(k)(in)
	_, err := proxied.PutObject(e.ctx, in)
	wantNoErr(t, err)

	other := newEnv(t, testserver.WithoutSSECOverHTTP())
	in.Bucket = aws.String(other.bucket)
	in.Body = strings.NewReader("via proxy")
	c := other.srv.Client(func(o *s3.Options) {
		o.APIOptions = append(o.APIOptions, addHeader("X-Forwarded-Proto", "https"))
	})
	_, err = c.PutObject(other.ctx, in)
	wantSSECInsecure(t, err)
}

// TestDenyInsecureTransportPolicy is AWS's "deny insecure transport"
// bucket policy: over HTTP every request is denied, over HTTPS it passes.
func TestDenyInsecureTransportPolicy(t *testing.T) {
	const doc = `{"Version":"2012-10-17","Statement":[{"Sid":"TLSOnly","Effect":"Deny","Principal":"*","Action":"s3:*",
		"Resource":["arn:aws:s3:::BUCKET","arn:aws:s3:::BUCKET/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`
	for _, secure := range []bool{false, true} {
		var e *env
		if secure {
			e, _ = tlsEnv(t)
		} else {
			e = newEnv(t)
		}
		e.put("k", "v")
		u := e.newUser(allowDoc(`"s3:*"`, `"*"`))
		e.putPolicy(strings.ReplaceAll(doc, "BUCKET", e.bucket))
		err := e.getAs(u, e.bucket, "k")
		perr := e.putAs(u, e.bucket, "k2")
		if secure {
			wantNoErr(t, err)
			wantNoErr(t, perr)
			continue
		}
		wantCode(t, err, "AccessDenied")
		wantCode(t, perr, "AccessDenied")
	}
}

// TestSourceIPBehindTrustedProxy: aws:SourceIp is the client's address
// from X-Forwarded-For only when the peer is a trusted proxy.
func TestSourceIPBehindTrustedProxy(t *testing.T) {
	const doc = `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:GetObject",
		"Resource":"arn:aws:s3:::BUCKET/*","Condition":{"NotIpAddress":{"aws:SourceIp":"198.51.100.0/24"}}}]}`
	for _, trust := range []bool{true, false} {
		var opts []testserver.Option
		if trust {
			p, _ := tlsconf.ParseProxies("127.0.0.0/8")
			opts = append(opts, testserver.WithConfig(func(c *server.Config) { c.TLS.TrustedProxies = p }))
		}
		e := newEnv(t, opts...)
		e.put("k", "v")
		u := e.newUser(allowDoc(`"s3:*"`, `"*"`))
		e.putPolicy(strings.ReplaceAll(doc, "BUCKET", e.bucket))
		from := func(ip string) error {
			c := e.srv.Client(func(o *s3.Options) {
				o.Credentials = u.c.Options().Credentials
				o.APIOptions = append(o.APIOptions, addHeader("X-Forwarded-For", ip))
			})
			out, err := c.GetObject(e.ctx, &s3.GetObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("k")})
			if err == nil {
				out.Body.Close()
			}
			return err
		}
		if trust {
			wantNoErr(t, from("198.51.100.20"))
			wantCode(t, from("203.0.113.5"), "AccessDenied")
			continue
		}
		// Untrusted: the header is ignored; the peer (127.0.0.1) is outside.
		wantCode(t, from("198.51.100.20"), "AccessDenied")
	}
}
