package edge_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/hoard-s3/hoard/internal/edge"
	"github.com/hoard-s3/hoard/internal/testserver"
	"github.com/hoard-s3/hoard/internal/tlsconf"
)

// tlsEdge is an origin over HTTPS and an edge in front of it, its own
// listener with TLS (clientTLS) or without.
type tlsEdge struct {
	origin *testserver.Server
	ca     *testserver.CA
	addr   string
	scheme string
}

func startTLSEdge(t *testing.T, clientTLS bool, origin func(ca *testserver.CA, leafPin string) tlsconf.ClientOptions) *tlsEdge {
	t.Helper()
	ca := testserver.NewCA(t)
	dir := t.TempDir()
	cert, key := ca.Issue(t, dir, "origin", []string{"127.0.0.1"})
	o := startOrigin(t, testserver.WithTLS(tlsconf.Source{CertFile: cert, KeyFile: key}, ca.Pool()), testserver.WithoutSSECOverHTTP())
	pair, err := tls.LoadX509KeyPair(cert, key)
	if err != nil {
		t.Fatal(err)
	}
	oc, err := tlsconf.Client(origin(ca, tlsconf.Pin(pair.Leaf)))
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(o.URL)
	e, err := edge.New(edge.Config{Origin: u, Secret: secret, ID: "tls-edge", Domain: domain, Pool: 2, OriginTLS: oc,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	te := &tlsEdge{origin: o, ca: ca, addr: ln.Addr().String(), scheme: "http"}
	if clientTLS {
		ecert, ekey := ca.Issue(t, dir, "edge", []string{"*.s3-accelerate." + domain, "127.0.0.1"})
		store, err := tlsconf.Open(tlsconf.Source{CertFile: ecert, KeyFile: ekey}, nil)
		if err != nil {
			t.Fatal(err)
		}
		ln = tls.NewListener(ln, tlsconf.Server(store))
		te.scheme = "https"
	}
	srv := &http.Server{Handler: e, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
		e.Close()
	})
	return te
}

func (te *tlsEdge) client() *s3.Client {
	tr := dialer(te.addr).Transport.(*http.Transport)
	tr.TLSClientConfig = &tls.Config{RootCAs: te.ca.Pool()}
	return s3.New(s3.Options{
		Region:           testserver.Region,
		BaseEndpoint:     aws.String(te.scheme + "://s3-accelerate." + domain + ":" + port(te.addr)),
		Credentials:      credentials.NewStaticCredentialsProvider(testserver.AccessKey, testserver.SecretKey, ""),
		HTTPClient:       &http.Client{Transport: tr},
		RetryMaxAttempts: 1,
	})
}

func ssecPut(c *s3.Client, t *testing.T, key string, body []byte) error {
	k := bytes.Repeat([]byte{5}, 32)
	sum := md5.Sum(k)
	_, err := c.PutObject(testserver.Context(t), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: bytes.NewReader(body),
		SSECustomerAlgorithm: aws.String("AES256"), SSECustomerKey: aws.String(base64.StdEncoding.EncodeToString(k)),
		SSECustomerKeyMD5: aws.String(base64.StdEncoding.EncodeToString(sum[:]))})
	return err
}

// TestEdgeOverTLSBothLegs: client to edge and edge to origin over TLS,
// the origin verified by its CA; SSE-C passes because both legs are
// secure.
func TestEdgeOverTLSBothLegs(t *testing.T) {
	te := startTLSEdge(t, true, func(ca *testserver.CA, _ string) tlsconf.ClientOptions {
		return tlsconf.ClientOptions{CAFile: ca.CAFile}
	})
	c := te.client()
	body := randBytes(t, 2<<20)
	if _, err := c.PutObject(testserver.Context(t), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("k"), Body: bytes.NewReader(body)}); err != nil {
		t.Fatalf("put through the TLS edge: %v", err)
	}
	if got := get(t, c, bucket, "k"); !bytes.Equal(got, body) {
		t.Fatal("round trip changed the bytes")
	}
	if err := ssecPut(c, t, "sc", body); err != nil {
		t.Fatalf("SSE-C over TLS on both legs: %v", err)
	}
}

// TestEdgePlainClientLegIsInsecure: the origin leg is TLS, the client's
// is not, so the origin refuses SSE-C (the key crossed a network in the
// clear), whatever its own connection.
func TestEdgePlainClientLegIsInsecure(t *testing.T) {
	te := startTLSEdge(t, false, func(ca *testserver.CA, _ string) tlsconf.ClientOptions {
		return tlsconf.ClientOptions{CAFile: ca.CAFile}
	})
	c := te.client()
	err := ssecPut(c, t, "sc", []byte("x"))
	var api smithy.APIError
	if !errors.As(err, &api) || api.ErrorCode() != "InvalidRequest" {
		t.Fatalf("SSE-C from a plain client through the edge: %v", err)
	}
}

// TestEdgePinsTheOrigin: a pinned key alone (no CA) is trusted; a wrong
// pin makes the origin unreachable rather than trusted.
func TestEdgePinsTheOrigin(t *testing.T) {
	te := startTLSEdge(t, true, func(_ *testserver.CA, pin string) tlsconf.ClientOptions {
		return tlsconf.ClientOptions{Pins: []string{pin}, PinOnly: true}
	})
	if _, err := te.client().HeadBucket(testserver.Context(t), &s3.HeadBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatalf("pinned origin: %v", err)
	}
	other := testserver.NewCA(t)
	bad := startTLSEdge(t, true, func(*testserver.CA, string) tlsconf.ClientOptions {
		return tlsconf.ClientOptions{Pins: []string{tlsconf.Pin(other.Cert)}, PinOnly: true}
	})
	_, err := bad.client().HeadBucket(testserver.Context(t), &s3.HeadBucketInput{Bucket: aws.String(bucket)})
	var re interface{ HTTPStatusCode() int }
	if !errors.As(err, &re) || re.HTTPStatusCode() != http.StatusBadGateway {
		t.Fatalf("wrong pin: %v, want 502 from the edge", err)
	}
}
