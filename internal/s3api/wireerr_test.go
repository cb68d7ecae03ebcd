package s3api_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// Requests that net/http refuses before any handler (or that the server
// refuses before authentication) are answered with S3 error documents,
// not Go's text/plain.
func TestMalformedRequestsGetS3Errors(t *testing.T) {
	e := newEnv(t)
	path := "/" + e.bucket + "/k"
	var many strings.Builder
	for i := range 10000 {
		fmt.Fprintf(&many, "X-Amz-Meta-H%d: v\r\n", i)
	}
	tests := []struct {
		name    string
		request string
		status  int
		code    string
	}{
		{"header over 64 KiB", "GET " + path + " HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("h", 100<<10) + "\r\n\r\n",
			400, "RequestHeaderSectionTooLarge"},
		{"header just over 64 KiB", "GET " + path + " HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("h", 65<<10) + "\r\n\r\n",
			400, "RequestHeaderSectionTooLarge"},
		{"10,000 headers", "GET " + path + " HTTP/1.1\r\nHost: x\r\n" + many.String() + "\r\n", 400, "RequestHeaderSectionTooLarge"},
		{"bad request line", "GARBAGE\r\n\r\n", 400, "BadRequest"},
		{"bad protocol", "GET " + path + " HTTP/9.9\r\nHost: x\r\n\r\n", 400, "BadRequest"},
		{"duplicate Content-Length", "PUT " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", 400, "BadRequest"},
		{"bad header name", "GET " + path + " HTTP/1.1\r\nHost: x\r\nBad Name: v\r\n\r\n", 400, "BadRequest"},
		{"unknown transfer coding", "PUT " + path + " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", 501, "NotImplemented"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.rawExchangeNoFatal(t, tt.request)
			if ct := r.header.Get("Content-Type"); ct != "application/xml" {
				t.Errorf("Content-Type %q, body %q", ct, r.body)
			}
			r.wantError(t, tt.status, tt.code)
		})
	}
	if e.objectExists("k") {
		t.Fatal("a malformed request stored an object")
	}
}

// The rewriting never touches a handler's response, even one whose bytes
// look like Go's own error answers, on a connection that then sends a
// malformed request.
func TestWireErrorsLeaveResponsesAlone(t *testing.T) {
	e := newEnv(t)
	lookalike := "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n400 Bad Request"
	e.put("look", lookalike)
	req := e.newRaw("GET", "/"+e.bucket+"/look", nil)
	e.sign(req, nil)
	conn, err := net.Dial("tcp", e.srv.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(30 * time.Second))
	raw := e.rawRequest(req, nil)
	raw = strings.Replace(raw, "Content-Length: 0\r\n", "", 1)
	io.WriteString(conn, raw+"GARBAGE\r\n\r\n")
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || string(body) != lookalike {
		t.Fatalf("GET of a look-alike object: %d %q", resp.StatusCode, body)
	}
	resp, err = http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	(&rawResp{status: resp.StatusCode, header: resp.Header, body: body}).wantError(t, 400, "BadRequest")
}

// rawExchangeNoFatal sends request on a fresh connection and reads the
// answer whole.
func (e *env) rawExchangeNoFatal(t *testing.T, request string) *rawResp {
	t.Helper()
	conn, err := net.Dial("tcp", e.srv.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(30 * time.Second))
	// The server may answer and close before reading everything.
	go io.WriteString(conn, request)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("read response: %v", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return &rawResp{status: resp.StatusCode, header: resp.Header, body: body}
}
