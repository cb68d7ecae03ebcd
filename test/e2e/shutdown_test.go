package e2e

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"io"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// slowPut is a signed PUT whose body the test feeds by hand, so that a
// request is provably in flight while the server is told to stop.
type slowPut struct {
	body   *io.PipeWriter
	result chan error // nil on a 200 answer
}

var continueClient = &http.Client{Transport: &http.Transport{ExpectContinueTimeout: time.Minute}}

func startSlowPut(t *testing.T, p *proc, bucket, key string, size int) *slowPut {
	t.Helper()
	pr, pw := io.Pipe()
	req, err := http.NewRequestWithContext(testContext(t), http.MethodPut, p.URL+"/"+bucket+"/"+key, pr)
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = int64(size)
	req.Header.Set("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD")
	// The client sends no body byte before the server's 100 Continue, which
	// Go's server sends when the handler starts reading: once a write to
	// the pipe returns, the request is provably inside the handler.
	req.Header.Set("Expect", "100-continue")
	creds := aws.Credentials{AccessKeyID: accessKey, SecretAccessKey: secretKey}
	if err := v4.NewSigner().SignHTTP(req.Context(), creds, req, "UNSIGNED-PAYLOAD", "s3", region, time.Now()); err != nil {
		t.Fatal(err)
	}
	sp := &slowPut{body: pw, result: make(chan error, 1)}
	go func() {
		resp, err := continueClient.Do(req)
		if err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				err = fmt.Errorf("status %d: %s", resp.StatusCode, b)
			}
		}
		sp.result <- err
	}()
	return sp
}

// TestShutdownDrainsInFlight: after SIGTERM a request in flight still
// completes and is durable; then the server exits 0.
func TestShutdownDrainsInFlight(t *testing.T) {
	p := startHoard(t, startOpts{})
	createBucket(t, p.client(), "drain")
	data := make([]byte, 256<<10)
	rand.Read(data)
	sp := startSlowPut(t, p, "drain", "inflight", len(data))
	writeOrFail(t, sp.body, data[:len(data)/2])

	p.cmd.Process.Signal(syscall.SIGTERM)
	waitFor(t, 10*time.Second, "the shutdown log line", func() bool {
		return strings.Contains(p.stderr.String(), "shutting down")
	})
	writeOrFail(t, sp.body, data[len(data)/2:])
	sp.body.Close()
	if err := <-sp.result; err != nil {
		t.Fatalf("PUT in flight during shutdown: %v", err)
	}
	// Not p.stop: a second signal would cut the drain short.
	if code := p.waitExit(t, stopTimeout); code != 0 {
		t.Fatalf("exit code %d, want 0", code)
	}
	assertCleanStop(t, p)

	p2 := startHoard(t, startOpts{dataDir: p.DataDir})
	if got := getString(t, p2.client(), "drain", "inflight"); !bytes.Equal([]byte(got), data) {
		t.Errorf("object written during drain reads back %d bytes, want the %d written", len(got), len(data))
	}
}

// TestSecondSignalExitsAtOnce: a second signal during a drain ends the
// process without waiting for the request in flight.
func TestSecondSignalExitsAtOnce(t *testing.T) {
	p := startHoard(t, startOpts{})
	createBucket(t, p.client(), "impatient")
	sp := startSlowPut(t, p, "impatient", "stuck", 1<<20)
	writeOrFail(t, sp.body, make([]byte, 1024))

	p.cmd.Process.Signal(syscall.SIGTERM)
	waitFor(t, 10*time.Second, "the shutdown log line", func() bool {
		return strings.Contains(p.stderr.String(), "shutting down")
	})
	if p.exited() {
		t.Fatalf("server exited with a request in flight (code %d)", p.code)
	}
	p.cmd.Process.Signal(syscall.SIGINT)
	if code := p.waitExit(t, 5*time.Second); code != 128+int(syscall.SIGINT) {
		t.Errorf("exit code %d, want %d", code, 128+int(syscall.SIGINT))
	}
	sp.body.CloseWithError(io.ErrUnexpectedEOF)
	// The lock dies with the process: the directory opens again at once.
	p2 := startHoard(t, startOpts{dataDir: p.DataDir})
	listBuckets(t, p2.client())
}

func writeOrFail(t *testing.T, w io.Writer, b []byte) {
	t.Helper()
	if _, err := w.Write(b); err != nil {
		t.Fatalf("write request body: %v", err)
	}
}
