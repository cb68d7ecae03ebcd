package server_test

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hoard-s3/hoard/internal/testserver"
	"github.com/hoard-s3/hoard/internal/tlsconf"
)

type tlsServer struct {
	srv         *testserver.Server
	ca          *testserver.CA
	dir         string
	cert, key   string
	roots       *x509.CertPool
	firstSerial *big.Int
}

func startTLS(t *testing.T) *tlsServer {
	t.Helper()
	ca := testserver.NewCA(t)
	dir := t.TempDir()
	cert, key := ca.Issue(t, dir, "srv", []string{"127.0.0.1"})
	srv := testserver.Start(t, testserver.WithTLS(tlsconf.Source{CertFile: cert, KeyFile: key}, ca.Pool()))
	ts := &tlsServer{srv: srv, ca: ca, dir: dir, cert: cert, key: key, roots: ca.Pool()}
	ts.firstSerial = ts.serial(t)
	return ts
}

// serial is the serial number of the certificate a new connection gets.
func (ts *tlsServer) serial(t *testing.T) *big.Int {
	t.Helper()
	c, err := tls.Dial("tcp", ts.srv.Addr, &tls.Config{RootCAs: ts.roots})
	if err != nil {
		t.Fatalf("handshake: %v", err)
	}
	defer c.Close()
	return c.ConnectionState().PeerCertificates[0].SerialNumber
}

func (ts *tlsServer) waitSerial(t *testing.T, changed bool) *big.Int {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		s := ts.serial(t)
		if (s.Cmp(ts.firstSerial) != 0) == changed {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("certificate change %v not seen", changed)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestCertificateRotationUnderLoad replaces the certificate files (by
// rename, key and certificate one after the other, as cert-manager does)
// while clients work: a slow upload that started before finishes, new
// connections get the new certificate, and no request fails.
func TestCertificateRotationUnderLoad(t *testing.T) {
	ts := startTLS(t)
	ctx := testserver.Context(t)
	hc := ts.srv.HTTPClient()
	fresh := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: ts.roots}, DisableKeepAlives: true}}
	c := ts.srv.Client()
	if _, err := c.CreateBucket(ctx, createBucket("rot")); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var ok, failed atomic.Int64
	var firstErr atomic.Value
	worker := func(cl *http.Client, id int) {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if err := roundTrip(ctx, ts.srv, cl, fmt.Sprintf("w%d-%d", id, i)); err != nil {
				failed.Add(1)
				firstErr.CompareAndSwap(nil, err)
				continue
			}
			ok.Add(1)
		}
	}
	for i := 0; i < 3; i++ {
		wg.Add(2)
		go worker(hc, i)
		go worker(fresh, 10+i) // a handshake per request
	}
	// A slow upload in flight across the rotation.
	slow := make(chan error, 1)
	pr, pw := io.Pipe()
	go func() {
		slow <- putStream(ctx, ts.srv, hc, "slow", pr, 20<<16)
	}()
	go func() {
		for i := 0; i < 20; i++ {
			pw.Write(bytes.Repeat([]byte{byte(i)}, 64<<10))
			time.Sleep(50 * time.Millisecond)
		}
		pw.Close()
	}()
	time.Sleep(300 * time.Millisecond)
	ts.ca.Issue(t, ts.dir, "srv", []string{"127.0.0.1"})
	ts.waitSerial(t, true)
	if err := <-slow; err != nil {
		t.Fatalf("upload in flight during the rotation: %v", err)
	}
	time.Sleep(200 * time.Millisecond)
	close(stop)
	wg.Wait()
	if failed.Load() > 0 {
		t.Fatalf("%d of %d requests failed; first: %v", failed.Load(), failed.Load()+ok.Load(), firstErr.Load())
	}
	if ok.Load() < 10 {
		t.Fatalf("only %d requests ran", ok.Load())
	}
}

// TestBrokenCertificateKeepsTheOld: a damaged file, a key that belongs to
// another certificate, and an expired certificate all leave the served
// one in place; a good file afterwards is taken.
func TestBrokenCertificateKeepsTheOld(t *testing.T) {
	ts := startTLS(t)
	other := t.TempDir()
	_, wrongKey := ts.ca.Issue(t, other, "x", []string{"127.0.0.1"})
	expCert, expKey := ts.ca.Issue(t, other, "exp", []string{"127.0.0.1"}, time.Now().Add(-48*time.Hour), time.Now().Add(-time.Hour))
	for name, replace := range map[string]func(){
		"truncated": func() { truncate(t, ts.cert) },
		"wrong key": func() { copyFile(t, wrongKey, ts.key) },
		"expired":   func() { copyFile(t, expCert, ts.cert); copyFile(t, expKey, ts.key) },
	} {
		replace()
		if err := ts.srv.Server().ReloadCertificates(); err == nil {
			t.Errorf("%s: reload succeeded", name)
		}
		time.Sleep(300 * time.Millisecond) // several polls
		if s := ts.serial(t); s.Cmp(ts.firstSerial) != 0 {
			t.Fatalf("%s: served serial %v, want the old %v", name, s, ts.firstSerial)
		}
	}
	ts.ca.Issue(t, ts.dir, "srv", []string{"127.0.0.1"})
	ts.waitSerial(t, true)
}

// TestTLSPortSurvivesBadClients: plain HTTP gets a 400 and a closed
// connection, garbage and truncated hellos are dropped, a client that
// stalls mid-handshake holds up no one, and the server keeps serving.
func TestTLSPortSurvivesBadClients(t *testing.T) {
	ts := startTLS(t)
	dial := func() net.Conn {
		c, err := net.DialTimeout("tcp", ts.srv.Addr, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		c.SetDeadline(time.Now().Add(10 * time.Second))
		return c
	}
	c := dial()
	fmt.Fprintf(c, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
	line, err := bufio.NewReader(c).ReadString('\n')
	if !strings.HasPrefix(line, "HTTP/1.0 400") {
		t.Fatalf("plain HTTP to the TLS port: %q %v", line, err)
	}
	c.Close()

	stalled := dial()
	defer stalled.Close()
	stalled.Write([]byte{0x16, 0x03, 0x01, 0x02, 0x00}) // a record header, then nothing

	for name, hello := range map[string][]byte{
		"garbage":         bytes.Repeat([]byte{0xde, 0xad, 0xbe, 0xef}, 256),
		"huge length":     {0x16, 0x03, 0x01, 0xff, 0xff, 0x01, 0x00, 0xff, 0xff},
		"bad handshake":   append([]byte{0x16, 0x03, 0x01, 0x00, 0x30}, bytes.Repeat([]byte{0x01}, 0x30)...),
		"truncated hello": truncatedHello(t, ts.srv.Addr),
	} {
		c := dial()
		c.Write(hello)
		if name == "truncated hello" {
			c.(*net.TCPConn).CloseWrite()
		}
		// EOF or a reset: either way closed, not left hanging.
		if _, err := io.Copy(io.Discard, c); errors.Is(err, os.ErrDeadlineExceeded) {
			t.Errorf("%s: the server did not close the connection: %v", name, err)
		}
		c.Close()
	}
	// Served all along, the stalled handshake notwithstanding.
	resp, err := ts.srv.HTTPClient().Get(ts.srv.URL + "/health")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("health: %d", resp.StatusCode)
	}
}

// truncatedHello is the first half of a real ClientHello.
func truncatedHello(t *testing.T, addr string) []byte {
	t.Helper()
	client, server := net.Pipe()
	var buf bytes.Buffer
	done := make(chan struct{})
	go func() {
		defer close(done)
		b := make([]byte, 4096)
		n, _ := server.Read(b)
		buf.Write(b[:n])
		server.Close()
	}()
	tls.Client(client, &tls.Config{ServerName: "127.0.0.1"}).Handshake()
	<-done
	return buf.Bytes()[:buf.Len()/2]
}

func truncate(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	writeAtomic(t, path, b[:len(b)/2])
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	writeAtomic(t, to, b)
}

func writeAtomic(t *testing.T, path string, b []byte) {
	t.Helper()
	tmp := filepath.Join(filepath.Dir(path), ".tmp-"+filepath.Base(path))
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}
