package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/hoard-s3/hoard/internal/metrics"
)

// A client that half-closes after its whole body does not cancel the
// request at once; the request gets finishGrace, then errClientGone.
func TestDetachAfterCompleteBody(t *testing.T) {
	defer func(d time.Duration) { finishGrace = d }(finishGrace)
	finishGrace = 500 * time.Millisecond
	causes := make(chan error, 1)
	m := metrics.New()
	h := limit(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		select {
		case <-r.Context().Done():
			causes <- fmt.Errorf("canceled at once: %w", context.Cause(r.Context()))
			return
		case <-time.After(finishGrace / 2):
		}
		<-r.Context().Done()
		causes <- context.Cause(r.Context())
	}), m.Handler(""), 4, m)
	srv := httptest.NewServer(h)
	defer srv.Close()
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "PUT /b/k HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello")
	conn.(*net.TCPConn).CloseWrite()
	select {
	case err := <-causes:
		if !errors.Is(err, errClientGone) {
			t.Fatalf("request ended with %v, want errClientGone after the grace", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("request never canceled after its client left")
	}
}
