package server

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync/atomic"
)

// Requests that net/http refuses before any handler runs (a header section
// over MaxHeaderBytes, a malformed request line or header, conflicting
// Content-Length headers, an unknown transfer coding) got Go's own
// text/plain answers. S3 clients parse error documents, so these answers
// are rewritten into S3 XML on their way out: net/http writes each of
// them with one Write on the connection, in a fixed form (status line,
// errorHeaders, text), between requests, and then closes.
const errorHeaders = "\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n"

// s3Listener wraps accepted connections in s3Conn.
type s3Listener struct{ net.Listener }

func (l s3Listener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &s3Conn{Conn: c, expect: newExpectFilter()}, nil
}

// s3Conn rewrites net/http's own error answers. A handler's response is
// never touched: serving is set while a request is in a handler and until
// net/http has written its response (connection state idle again), and
// net/http's own answers come only between requests.
type s3Conn struct {
	net.Conn
	serving atomic.Bool
	expect  *expectFilter
}

// Read renames the Expect fields that net/http would refuse (expect.go).
func (c *s3Conn) Read(p []byte) (int, error) {
	if c.expect == nil {
		return c.Conn.Read(p)
	}
	return c.expect.read(c.Conn.Read, p)
}

func (c *s3Conn) Write(p []byte) (int, error) {
	if c.serving.Load() {
		return c.Conn.Write(p)
	}
	doc, ok := rewriteGoError(p)
	if !ok {
		return c.Conn.Write(p)
	}
	if _, err := c.Conn.Write(doc); err != nil {
		return 0, err
	}
	return len(p), nil
}

// ReadFrom keeps the TCP connection's sendfile and splice paths.
func (c *s3Conn) ReadFrom(r io.Reader) (int64, error) { return io.Copy(c.Conn, r) }

// CloseWrite lets net/http half-close after a refused header section, so
// that the client reads the answer before the connection goes.
func (c *s3Conn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

type connKey struct{}

// connContext makes a request's connection reachable from its handler.
func connContext(ctx context.Context, c net.Conn) context.Context {
	if sc, ok := c.(*s3Conn); ok {
		return context.WithValue(ctx, connKey{}, sc)
	}
	return ctx
}

// markServing tells r's connection that a handler answers it.
func markServing(r *http.Request) {
	if sc, ok := r.Context().Value(connKey{}).(*s3Conn); ok {
		sc.serving.Store(true)
	}
}

// connState clears serving once a response is written.
func connState(c net.Conn, st http.ConnState) {
	if sc, ok := c.(*s3Conn); ok && st == http.StateIdle {
		sc.serving.Store(false)
	}
}

// rewriteGoError turns one of net/http's own error answers into the S3
// error document for it.
func rewriteGoError(p []byte) ([]byte, bool) {
	rest, ok := bytes.CutPrefix(p, []byte("HTTP/1.1 "))
	if !ok || len(rest) < 4 || rest[3] != ' ' {
		return nil, false
	}
	status, err := strconv.Atoi(string(rest[:3]))
	if err != nil || status < 400 {
		return nil, false
	}
	if i := bytes.Index(rest, []byte(errorHeaders)); i < 0 || bytes.ContainsAny(rest[:i], "\r\n") {
		return nil, false
	}
	var e wireError
	switch status {
	case http.StatusRequestHeaderFieldsTooLarge:
		e = headerTooLarge()
	case http.StatusNotImplemented:
		e = wireError{status: status, code: "NotImplemented",
			message: "A header you provided implies functionality that is not implemented.",
			extra:   [][2]string{{"Header", "Transfer-Encoding"}}}
	default:
		e = wireError{status: http.StatusBadRequest, code: "BadRequest", message: "An error occurred when parsing the HTTP request."}
	}
	return e.response(), true
}
