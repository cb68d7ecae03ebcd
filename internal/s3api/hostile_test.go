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

func TestHostileKeys(t *testing.T) {
	e := newEnv(t)
	for _, k := range []string{"nul%00key", "bad%FFutf8", "half%C3"} {
		r := e.signedDo("PUT", "/"+e.bucket+"/"+k, []byte("x"), nil)
		r.wantError(t, 400, "InvalidArgument")
		e.signedDo("GET", "/"+e.bucket+"/"+k, nil, nil).wantError(t, 400, "InvalidArgument")
	}
	e.signedDo("PUT", "/"+e.bucket+"/"+strings.Repeat("k", 1025), []byte("x"), nil).wantError(t, 400, "KeyTooLongError")
	e.signedDo("PUT", "/Bad_Bucket", nil, nil).wantError(t, 400, "InvalidBucketName")
	if r := e.signedDo("GET", "/"+e.bucket+"?list-type=2", nil, nil); strings.Contains(string(r.body), "<Key>") {
		t.Fatalf("hostile keys stored: %s", r.body)
	}
}

func TestHostileXML(t *testing.T) {
	e := newEnv(t)
	e.put("k0", "x")
	path := "/" + e.bucket + "?delete"
	docs := []string{
		"not xml at all",
		"<Delete><Object><Key>k0</Key></Object></Delete><Delete/>",
		"<Delete><Object><Key>k0</Key></Object></Delete>trailing",
		"<!DOCTYPE d [<!ENTITY a \"aaaa\"><!ENTITY b \"&a;&a;&a;\">]><Delete><Object><Key>&b;</Key></Object></Delete>",
		strings.Repeat("<a>", 200000),
		"<Delete><Object><Key>k0</Key></Object><Quiet>maybe</Quiet></Delete>",
	}
	for _, d := range docs {
		start := time.Now()
		r := e.signedDo("POST", path, []byte(d), md5Header([]byte(d)))
		r.wantError(t, 400, "MalformedXML")
		if time.Since(start) > 10*time.Second {
			t.Fatalf("hostile XML took %v", time.Since(start))
		}
	}
	if !e.objectExists("k0") {
		t.Fatal("hostile XML deleted an object")
	}
}

// rawExchange writes a request by hand and reads the response; with
// halfClose the client stops sending after the bytes given.
func (e *env) rawExchange(request string, halfClose bool) *http.Response {
	e.t.Helper()
	conn, err := net.Dial("tcp", e.srv.Addr)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { conn.Close() })
	conn.SetDeadline(time.Now().Add(30 * time.Second))
	if _, err := io.WriteString(conn, request); err != nil {
		e.t.Fatal(err)
	}
	if halfClose {
		conn.(*net.TCPConn).CloseWrite()
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		e.t.Fatalf("read response: %v", err)
	}
	return resp
}

func TestTruncatedBody(t *testing.T) {
	e := newEnv(t)
	req := e.newRaw("PUT", "/"+e.bucket+"/trunc", nil)
	req.ContentLength = 100
	req.Header.Set("Content-Length", "100")
	e.signWith(req, "UNSIGNED-PAYLOAD")
	var b strings.Builder
	fmt.Fprintf(&b, "PUT /%s/trunc HTTP/1.1\r\nHost: %s\r\n", e.bucket, e.srv.Addr)
	for k, v := range req.Header {
		fmt.Fprintf(&b, "%s: %s\r\n", k, v[0])
	}
	b.WriteString("\r\n" + strings.Repeat("x", 50))
	resp := e.rawExchange(b.String(), true)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	rr := &rawResp{status: resp.StatusCode, header: resp.Header, body: body}
	rr.wantError(t, 400, "IncompleteBody")
	if e.objectExists("trunc") {
		t.Fatal("truncated upload stored")
	}
}

// An upload framed only by HTTP chunked encoding (no aws-chunked, so no
// declared length) is refused as S3 refuses it: 501 NotImplemented, the
// header implying functionality it does not have. Nothing is stored.
func TestChunkedTransferWithoutLength(t *testing.T) {
	e := newEnv(t)
	id := e.createUpload("mp")
	for _, target := range []string{"/" + e.bucket + "/nolen", "/" + e.bucket + "/mp?partNumber=1&uploadId=" + id} {
		req := e.newRaw("PUT", target, nil)
		req.Body = io.NopCloser(strings.NewReader("streamed without length"))
		req.ContentLength = -1 // sent with Transfer-Encoding: chunked
		e.signWith(req, "UNSIGNED-PAYLOAD")
		e.do(req).wantError(t, 501, "NotImplemented")
	}
	if e.objectExists("nolen") {
		t.Fatal("object stored without a length")
	}
}

func TestOversizeHeaders(t *testing.T) {
	e := newEnv(t)
	r := e.signedDo("PUT", "/"+e.bucket+"/big", []byte("x"), map[string]string{"X-Amz-Meta-Huge": strings.Repeat("h", 100<<10)})
	r.wantError(t, http.StatusBadRequest, "RequestHeaderSectionTooLarge")
	if e.objectExists("big") {
		t.Fatal("object stored with oversize headers")
	}
}

// A PUT that declares no length (no Content-Length, no chunked framing)
// is refused, not stored as an empty object.
func TestPutWithoutLength(t *testing.T) {
	e := newEnv(t)
	id := e.createUpload("mp")
	for _, target := range []string{"/" + e.bucket + "/nolen", "/" + e.bucket + "/mp?partNumber=1&uploadId=" + id} {
		req := e.newRaw("PUT", target, nil)
		e.signWith(req, "UNSIGNED-PAYLOAD")
		var b strings.Builder
		fmt.Fprintf(&b, "PUT %s HTTP/1.1\r\nHost: %s\r\n", target, e.srv.Addr)
		for k, v := range req.Header {
			fmt.Fprintf(&b, "%s: %s\r\n", k, v[0])
		}
		b.WriteString("\r\n")
		resp := e.rawExchange(b.String(), false)
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		r := &rawResp{status: resp.StatusCode, header: resp.Header, body: body}
		r.wantError(t, 411, "MissingContentLength")
	}
	if e.objectExists("nolen") {
		t.Fatal("an upload without a length was stored")
	}
}
