package edge_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/hoard-s3/hoard/internal/edge"
	"github.com/hoard-s3/hoard/internal/testserver"
)

const (
	domain = "example.test"
	bucket = "accel"
)

var secret = []byte("edge-secret-for-tests-0123456789")

// env is an origin on loopback and an edge in front of it.
type env struct {
	origin *testserver.Server
	edge   *edge.Edge
	addr   string // the edge's listening address
}

// startOrigin starts an origin with the test domain and edge secret and
// one bucket with acceleration enabled.
func startOrigin(t *testing.T, opts ...testserver.Option) *testserver.Server {
	t.Helper()
	o := testserver.Start(t, append([]testserver.Option{testserver.WithDomain(domain), testserver.WithEdgeSecret(secret)}, opts...)...)
	ctx := testserver.Context(t)
	c := o.Client()
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatal(err)
	}
	setAccelerate(t, c, bucket, types.BucketAccelerateStatusEnabled)
	return o
}

func setAccelerate(t *testing.T, c *s3.Client, b string, s types.BucketAccelerateStatus) {
	t.Helper()
	_, err := c.PutBucketAccelerateConfiguration(testserver.Context(t), &s3.PutBucketAccelerateConfigurationInput{
		Bucket: aws.String(b), AccelerateConfiguration: &types.AccelerateConfiguration{Status: s},
	})
	if err != nil {
		t.Fatalf("enable acceleration of %s: %v", b, err)
	}
}

// startEdge runs an edge relaying to originURL with the given secret.
func startEdge(t *testing.T, originURL string, key []byte, opts ...func(*edge.Config)) (*edge.Edge, string) {
	t.Helper()
	u, err := url.Parse(originURL)
	if err != nil {
		t.Fatal(err)
	}
	e, err := newEdge(edge.Config{Origin: u, Secret: key, ID: "test-edge", Domain: domain, Pool: 4,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, opts...)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: e, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	e.Warm()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
		e.Close()
	})
	return e, ln.Addr().String()
}

func newEnv(t *testing.T) *env {
	o := startOrigin(t)
	e, addr := startEdge(t, o.URL, secret)
	return &env{origin: o, edge: e, addr: addr}
}

// dialer returns an HTTP client that connects to addr whatever the URL's
// host, as DNS would for BUCKET.s3-accelerate.example.test.
func dialer(addr string) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, addr)
	}
	return &http.Client{Transport: tr, Timeout: 2 * time.Minute}
}

// port returns the port of a host:port address.
func port(addr string) string {
	_, p, _ := net.SplitHostPort(addr)
	return p
}

// accelClient signs for BUCKET.s3-accelerate.DOMAIN, which is what an
// accelerated client talks to, and reaches the edge.
func (e *env) accelClient(opts ...func(*s3.Options)) *s3.Client {
	return s3.New(s3.Options{
		Region:       testserver.Region,
		BaseEndpoint: aws.String("http://s3-accelerate." + domain + ":" + port(e.addr)),
		Credentials:  credentials.NewStaticCredentialsProvider(testserver.AccessKey, testserver.SecretKey, ""),
		HTTPClient:   dialer(e.addr),
	}, opts...)
}

// pathClient talks to the edge by its address, path style.
func (e *env) pathClient(opts ...func(*s3.Options)) *s3.Client {
	return s3.New(s3.Options{
		Region:       testserver.Region,
		BaseEndpoint: aws.String("http://" + e.addr),
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider(testserver.AccessKey, testserver.SecretKey, ""),
		HTTPClient:   dialer(e.addr),
	}, opts...)
}

// noRetry keeps a client from retrying, so a test sees the first answer.
func noRetry(o *s3.Options) { o.RetryMaxAttempts = 1 }

// breaker is a TCP relay between the edge and the origin that a test can
// cut, as a network failure or a dying origin would.
type breaker struct {
	ln    net.Listener
	to    string
	mu    sync.Mutex
	conns []net.Conn
	// started is signalled (once) when bytes first flow to the origin.
	started chan struct{}
	once    sync.Once
}

func newBreaker(t *testing.T, to string) *breaker {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	b := &breaker{ln: ln, to: to, started: make(chan struct{})}
	go b.accept()
	t.Cleanup(b.cut)
	return b
}

func (b *breaker) URL() string { return "http://" + b.ln.Addr().String() }

func (b *breaker) accept() {
	for {
		c, err := b.ln.Accept()
		if err != nil {
			return
		}
		u, err := net.Dial("tcp", b.to)
		if err != nil {
			c.Close()
			continue
		}
		b.mu.Lock()
		b.conns = append(b.conns, c, u)
		b.mu.Unlock()
		go func() { io.Copy(&signalWriter{w: u, b: b}, c); u.Close() }()
		go func() { io.Copy(c, u); c.Close() }()
	}
}

type signalWriter struct {
	w io.Writer
	b *breaker
	n int
}

func (s *signalWriter) Write(p []byte) (int, error) {
	if s.n += len(p); s.n > 1<<20 {
		s.b.once.Do(func() { close(s.b.started) })
	}
	return s.w.Write(p)
}

// cut closes the listener and every relayed connection.
func (b *breaker) cut() {
	b.ln.Close()
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, c := range b.conns {
		c.Close()
	}
	b.conns = nil
}

// apiCode returns the S3 error code of err ("" if none).
func apiCode(err error) string {
	var ae interface{ ErrorCode() string }
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func newEdge(cfg edge.Config, opts ...func(*edge.Config)) (*edge.Edge, error) {
	for _, o := range opts {
		o(&cfg)
	}
	return edge.New(cfg)
}
