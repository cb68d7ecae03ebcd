package server

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/hoard-s3/hoard/internal/metrics"
)

// A client that stops sending its body loses the connection after
// stallTimeout; one that sends steadily, or that then waits on a handler
// slower than stallTimeout, is served.
func TestStallDeadlines(t *testing.T) {
	defer func(d time.Duration) { stallTimeout = d }(stallTimeout)
	stallTimeout = 300 * time.Millisecond
	m := metrics.New()
	h := limit(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, err := io.Copy(io.Discard, r.Body)
		if err != nil {
			return
		}
		time.Sleep(2 * stallTimeout) // slow work after the body
		if r.Context().Err() != nil {
			t.Errorf("request canceled while the handler worked: %v", r.Context().Err())
		}
		fmt.Fprintf(w, "read %d", n)
	}), m.Handler(""), 4, m)
	srv := httptest.NewServer(h)
	defer srv.Close()

	// Steady client: body in one go, then waits for the slow handler.
	resp, err := http.Post(srv.URL+"/b/k", "application/octet-stream", strings.NewReader("hello"))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "read 5" {
		t.Fatalf("steady client: %q", body)
	}

	// A kept-alive connection idle for longer than stallTimeout between
	// requests is served again: no deadline is left expired on it.
	c := srv.Client()
	for i := 0; i < 2; i++ {
		resp, err := c.Post(srv.URL+"/b/k", "application/octet-stream", strings.NewReader("hi"))
		if err != nil {
			t.Fatalf("kept-alive request %d: %v", i, err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		time.Sleep(2 * stallTimeout)
	}

	// Stalled client: announces 10 bytes, sends 2, then nothing.
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "PUT /b/k HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nab")
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	start := time.Now()
	_, err = bufio.NewReader(conn).ReadString('\n')
	if err == nil || time.Since(start) > 4*time.Second {
		t.Fatalf("stalled client: err %v after %v; want the connection closed after about %v", err, time.Since(start), stallTimeout)
	}
}
