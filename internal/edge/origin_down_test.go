package edge_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/hoard-s3/hoard/internal/edge"
	"github.com/hoard-s3/hoard/internal/testserver"
)

func TestOriginUnreachable(t *testing.T) {
	// A port nothing listens on.
	dead := newBreaker(t, "127.0.0.1:1")
	dead.cut()
	_, addr := startEdge(t, dead.URL(), secret)
	resp, err := http.Get("http://" + addr + "/" + bucket + "/k")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadGateway || !strings.Contains(string(body), "<Code>BadGateway</Code>") {
		t.Fatalf("origin down: %d %s", resp.StatusCode, body)
	}
	resp, err = http.Get("http://" + addr + "/health")
	if err != nil {
		t.Fatal(err)
	}
	var h map[string]any
	json.NewDecoder(resp.Body).Decode(&h)
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || h["origin_status"] != "unreachable" {
		t.Fatalf("edge health with origin down: %d %v", resp.StatusCode, h)
	}
}

func TestOriginDownDuringUpload(t *testing.T) {
	o := startOrigin(t)
	link := newBreaker(t, o.Addr)
	_, addr := startEdge(t, link.URL(), secret)
	e := &env{origin: o, addr: addr}
	ctx := testserver.Context(t)

	// A presigned PUT whose body trickles in through a pipe, so the
	// upload is certainly in flight when the link to the origin dies.
	ps := s3.NewPresignClient(e.accelClient())
	req, err := ps.PresignPutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("cut")})
	if err != nil {
		t.Fatal(err)
	}
	const size = 64 << 20
	pr, pw := io.Pipe()
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPut, req.URL, pr)
	if err != nil {
		t.Fatal(err)
	}
	hreq.ContentLength = size
	go func() {
		chunk := make([]byte, 1<<20)
		for sent := 0; sent < size; sent += len(chunk) {
			if sent == 8<<20 {
				<-link.started
				link.cut()
				time.Sleep(100 * time.Millisecond)
			}
			if _, err := pw.Write(chunk); err != nil {
				return
			}
		}
		pw.Close()
	}()
	resp, err := dialer(addr).Do(hreq)
	if err != nil {
		t.Fatalf("upload with the origin gone: %v, want a 502 answer", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadGateway || !strings.Contains(string(body), "<Code>BadGateway</Code>") {
		t.Fatalf("upload with the origin gone: %d %s, want 502 BadGateway", resp.StatusCode, body)
	}
	pr.CloseWithError(io.ErrClosedPipe)
	// Nothing of the interrupted upload is visible at the origin.
	_, err = o.Client().HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String("cut")})
	if apiCode(err) != "NotFound" {
		t.Fatalf("head after interrupted upload: %v, want NotFound", err)
	}
}

func TestHealthAndMetrics(t *testing.T) {
	e := newEnv(t)
	for _, u := range []string{e.origin.URL + "/health", "http://" + e.addr + "/health"} {
		resp, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		var h map[string]any
		err = json.NewDecoder(resp.Body).Decode(&h)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK || h["status"] != "ok" {
			t.Fatalf("%s: %d %v %v", u, resp.StatusCode, h, err)
		}
	}
	c := e.pathClient()
	if _, err := c.PutObject(testserver.Context(t), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("m"),
		Body: strings.NewReader(strings.Repeat("x", 4096))}); err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get("http://" + e.addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	text, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{`hoard_edge_relayed_bytes_total{direction="in"}`, `hoard_edge_requests_total{method="PUT",status="2xx"}`,
		"hoard_edge_upstream_latency_seconds_bucket"} {
		if !strings.Contains(string(text), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

func TestSlowDownWhenSaturated(t *testing.T) {
	o := startOrigin(t)
	u, _ := url.Parse(o.URL)
	e, err := edge.New(edge.Config{Origin: u, Secret: secret, MaxInFlight: 1,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	// One request holds the only slot: its body never ends.
	pr, pw := io.Pipe()
	defer pw.Close()
	held := httptest.NewRequest(http.MethodPut, "/"+bucket+"/held", pr)
	held.ContentLength = 1 << 20
	go e.ServeHTTP(httptest.NewRecorder(), held)
	pw.Write(make([]byte, 1024))
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/"+bucket+"/k", nil))
	if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), "<Code>SlowDown</Code>") {
		t.Fatalf("saturated edge: %d %s, want 503 SlowDown", rec.Code, rec.Body)
	}
}
