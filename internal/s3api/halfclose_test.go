package s3api_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
)

// rawRequest renders a request whose headers are already signed as it goes
// on the wire, body included.
func (e *env) rawRequest(req *http.Request, body []byte) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: %s\r\n", req.Method, req.URL.RequestURI(), e.srv.Addr)
	for k, vs := range req.Header {
		for _, v := range vs {
			fmt.Fprintf(&b, "%s: %s\r\n", k, v)
		}
	}
	fmt.Fprintf(&b, "Content-Length: %d\r\n\r\n", len(body))
	b.Write(body)
	return b.String()
}

// A client that half-closes its side right after a complete, valid body
// (as some HTTP/1.0-style clients and scripts do) still gets its object
// committed: the end of its sending side is not a cancellation of a
// request whose body has arrived whole.
func TestPutHalfClose(t *testing.T) {
	e := newEnv(t)
	for i := range 10 {
		key := fmt.Sprintf("half-%d", i)
		body := bytes.Repeat([]byte{byte('a' + i)}, 64<<10+i)
		req := e.newRaw("PUT", "/"+e.bucket+"/"+key, body)
		sum := sha256.Sum256(body)
		e.signWith(req, hex.EncodeToString(sum[:]))
		resp := e.rawExchange(e.rawRequest(req, body), true)
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("run %d: half-closed PUT answered %d: %s", i, resp.StatusCode, got)
		}
		if stored := e.mustGet(key); stored != string(body) {
			t.Fatalf("run %d: stored %d bytes, want %d", i, len(stored), len(body))
		}
	}
}
