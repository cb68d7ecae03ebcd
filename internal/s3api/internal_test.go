package s3api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hoard-s3/hoard/internal/object"
	"github.com/hoard-s3/hoard/internal/sigv4"
)

func testHandler(domain string) (*handler, *bytes.Buffer) {
	var logs bytes.Buffer
	h := New(Config{Domain: domain, Logger: slog.New(slog.NewJSONHandler(&logs, nil))}).(*handler)
	return h, &logs
}

func TestPanicBecomesInternalError(t *testing.T) {
	h, logs := testHandler("")
	rec := httptest.NewRecorder()
	req := newRequest(rec, httptest.NewRequest("GET", "/b/k", nil))
	func() {
		defer h.recoverPanic(req)
		panic("boom: secret detail")
	}()
	if rec.Code != 500 || !strings.Contains(rec.Body.String(), "<Code>InternalError</Code>") || strings.Contains(rec.Body.String(), "secret") {
		t.Fatalf("panic answer %d %s", rec.Code, rec.Body)
	}
	if !strings.Contains(logs.String(), "secret detail") || !strings.Contains(logs.String(), "goroutine") {
		t.Fatalf("panic log lacks value or stack: %s", logs)
	}
}

func TestUnknownErrorIsNotLeaked(t *testing.T) {
	h, logs := testHandler("")
	rec := httptest.NewRecorder()
	req := newRequest(rec, httptest.NewRequest("GET", "/b/k", nil))
	h.writeError(req, fmt.Errorf("open /data/blobs/x: %w", errors.New("disk on fire")))
	if rec.Code != 500 || strings.Contains(rec.Body.String(), "disk") || !strings.Contains(logs.String(), "disk on fire") {
		t.Fatalf("%d %s / %s", rec.Code, rec.Body, logs)
	}
}

func TestErrorTable(t *testing.T) {
	cases := []struct {
		err    error
		code   string
		status int
	}{
		{fmt.Errorf("x: %w", object.ErrNoSuchKey), "NoSuchKey", 404},
		{fmt.Errorf("read body: %w", sigv4.ErrContentSHA256Mismatch), "XAmzContentSHA256Mismatch", 400},
		{sigv4.ErrExpired, "AccessDenied", 403},
		{sigv4.ErrQueryParamsMalformed, "AuthorizationQueryParametersError", 400},
		{sigv4.ErrUnsupportedAlgorithm, "NotImplemented", 501},
		{sigv4.ErrMalformedChunk, "IncompleteBody", 400},
		{object.ErrConditionalConflict, "ConditionalRequestConflict", 409},
		{object.ErrNotModified, "NotModified", 304},
		{io.ErrUnexpectedEOF, "IncompleteBody", 400},
		{errMalformedXML, "MalformedXML", 400},
	}
	for _, c := range cases {
		api, known := toAPIError(c.err)
		if !known || api.Code != c.code || api.Status != c.status {
			t.Errorf("%v: %s %d", c.err, api.Code, api.Status)
		}
	}
}

func TestAccessLogAndRequestIDs(t *testing.T) {
	h, logs := testHandler("")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/bkt/some/key?tagging", nil))
	if rec.Code != 403 || rec.Header().Get("X-Amz-Request-Id") == "" || rec.Header().Get("X-Amz-Id-2") == "" || rec.Header().Get("Server") != "" {
		t.Fatalf("%d %v", rec.Code, rec.Header())
	}
	var line map[string]any
	if err := json.Unmarshal(logs.Bytes(), &line); err != nil {
		t.Fatalf("log line %q: %v", logs, err)
	}
	for k, want := range map[string]any{"method": "GET", "operation": "GetObjectTagging", "bucket": "bkt", "key": "some/key",
		"status": 403.0, "error_code": "AccessDenied", "request_id": rec.Header().Get("X-Amz-Request-Id")} {
		if line[k] != want {
			t.Errorf("log %s = %v, want %v", k, line[k], want)
		}
	}
	for _, k := range []string{"bytes_in", "bytes_out", "duration", "access_key", "remote_addr"} {
		if _, ok := line[k]; !ok {
			t.Errorf("log lacks %s", k)
		}
	}
}

func TestRouting(t *testing.T) {
	h, _ := testHandler("s3.example.com")
	cases := []struct {
		method, target, host, bucket, key, op string
	}{
		{"GET", "/", "127.0.0.1:9000", "", "", "ListBuckets"},
		{"GET", "/b", "127.0.0.1", "b", "", "ListObjects"},
		{"GET", "/b/?list-type=2", "127.0.0.1", "b", "", "ListObjectsV2"},
		{"GET", "/b//x/../y", "127.0.0.1", "b", "/x/../y", "GetObject"},
		{"GET", "/b/a%2Fb%25c%3Fd%23e", "x", "b", "a/b%c?d#e", "GetObject"},
		{"PUT", "/k%20y", "bkt.s3.example.com:9000", "bkt", "k y", "PutObject"},
		{"GET", "/", "bkt.S3.Example.com", "bkt", "", "ListObjects"},
		{"GET", "/?location", "s3.example.com", "", "", "ListBuckets"},
		{"POST", "/b?delete", "x", "b", "", "DeleteObjects"},
		{"PUT", "/b/k?partNumber=1&uploadId=x", "x", "b", "k", "UploadPart"},
		{"POST", "/b/k?uploads", "x", "b", "k", "CreateMultipartUpload"},
		{"POST", "/b/k?uploadId=x", "x", "b", "k", "CompleteMultipartUpload"},
		{"GET", "/b?uploads", "x", "b", "", "ListMultipartUploads"},
		{"POST", "/b", "x", "b", "", "PostObject"},
		{"PUT", "/b?cors", "x", "b", "", "PutBucketCors"},
		{"GET", "/b/k?partNumber=2", "x", "b", "k", "GetObject"},
		{"GET", "/b?acl", "x", "b", "", "GetBucketAcl"},
		{"GET", "/b?lifecycle", "x", "b", "", "GetBucketLifecycleConfiguration"},
		{"PUT", "/b?lifecycle", "x", "b", "", "PutBucketLifecycleConfiguration"},
		{"DELETE", "/b?lifecycle", "x", "b", "", "DeleteBucketLifecycle"},
		{"PUT", "/b?website", "x", "b", "", "Unsupported(PUT?website)"},
		{"PUT", "/b?tagging", "x", "b", "", "PutBucketTagging"},
		{"DELETE", "/b/k?tagging", "x", "b", "k", "DeleteObjectTagging"},
		{"OPTIONS", "/b/k", "x", "b", "k", "PreflightCORS"},
		{"OPTIONS", "/", "x", "", "", "MethodNotAllowed"},
	}
	for _, c := range cases {
		r := httptest.NewRequest(c.method, c.target, nil)
		r.Host = c.host
		b, k := h.resolve(r)
		op := h.pick(r, b, k)
		if b != c.bucket || k != c.key || op.name != c.op {
			t.Errorf("%s %s %s: bucket %q key %q op %s", c.method, c.host, c.target, b, k, op.name)
		}
	}
	r := httptest.NewRequest("PUT", "/b/k", nil)
	r.Header.Set("X-Amz-Copy-Source", "a/b")
	if op := h.pick(r, "b", "k"); op.name != "CopyObject" {
		t.Errorf("copy routed to %s", op.name)
	}
}

func TestParseRange(t *testing.T) {
	cases := map[string]string{
		"":              "<nil>",
		"bytes=0-9":     "&{0 9 0}",
		"bytes=5-":      "&{5 -1 0}",
		"bytes=-7":      "&{0 0 7}",
		"bytes=9-2":     "<nil>",
		"bytes=1-2,5-6": "<nil>",
		"bytes=x-1":     "<nil>",
		"bits=1-2":      "<nil>",
		"bytes=--1":     "<nil>",
	}
	for in, want := range cases {
		r, err := parseRange(in)
		if got := fmt.Sprint(r); got != want || err != nil {
			t.Errorf("%q: %s %v, want %s", in, got, err, want)
		}
	}
	if _, err := parseRange("bytes=-0"); !errors.Is(err, errInvalidRange) {
		t.Errorf("bytes=-0: %v", err)
	}
}

func TestS3URLEncode(t *testing.T) {
	for in, want := range map[string]string{
		"a b/c*d-e_f.g": "a+b/c*d-e_f.g",
		"~+%?#&=":       "%7E%2B%25%3F%23%26%3D",
		"ключ":          "%D0%BA%D0%BB%D1%8E%D1%87",
	} {
		if got := s3URLEncode(in); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}

func TestParseCopySource(t *testing.T) {
	cases := []struct{ in, bucket, key, version string }{
		{"b/k", "b", "k", ""},
		{"/b/dir/k%3Fq%23x%25", "b", "dir/k?q#x%", ""},
		{"b/k%20sp?versionId=v1", "b", "k sp", "v1"},
		{"b//double", "b", "/double", ""},
	}
	for _, c := range cases {
		b, k, v, err := parseCopySource(c.in)
		if err != nil || b != c.bucket || k != c.key || v != c.version {
			t.Errorf("%q: %q %q %q %v", c.in, b, k, v, err)
		}
	}
	for _, bad := range []string{"", "b", "b/", "/k", "b/k?other=1", "b/%zz"} {
		if _, _, _, err := parseCopySource(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// eofErrReader yields data and then a final error in place of io.EOF, as
// the verifier does when a payload hash does not match.
type eofErrReader struct {
	data string
	err  error
}

func (r *eofErrReader) Read(p []byte) (int, error) {
	if r.data == "" {
		return 0, r.err
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

func TestExactBody(t *testing.T) {
	b, err := io.ReadAll(newExactBody(strings.NewReader("hello"), 5))
	if string(b) != "hello" || err != nil {
		t.Fatalf("%q %v", b, err)
	}
	_, err = io.ReadAll(newExactBody(&eofErrReader{"hello", sigv4.ErrContentSHA256Mismatch}, 5))
	if !errors.Is(err, sigv4.ErrContentSHA256Mismatch) {
		t.Fatalf("error at EOF not surfaced: %v", err)
	}
	// A consumer that stops at the declared size still gets the error.
	buf := make([]byte, 5)
	if _, err := newExactBody(&eofErrReader{"hello", sigv4.ErrContentSHA256Mismatch}, 5).Read(buf); !errors.Is(err, sigv4.ErrContentSHA256Mismatch) {
		t.Fatalf("error at EOF not surfaced on the last read: %v", err)
	}
	if _, err := io.ReadAll(newExactBody(strings.NewReader("hello!"), 5)); !errors.Is(err, errBodyTooLong) {
		t.Fatalf("long body: %v", err)
	}
}

func TestDecodeXMLRejectsTrailingContent(t *testing.T) {
	var v tagging
	for _, doc := range []string{"<Tagging/><Tagging/>", "<Tagging/>x", "<Wrong/>", "<Tagging>"} {
		if err := decodeXML([]byte(doc), &v); !errors.Is(err, errMalformedXML) {
			t.Errorf("%q: %v", doc, err)
		}
	}
	if err := decodeXML([]byte("  "), &v); !errors.Is(err, errMissingBody) {
		t.Errorf("empty: %v", err)
	}
	if err := decodeXML([]byte("<?xml version=\"1.0\"?>\n<Tagging><TagSet/></Tagging>\n<!-- c -->\n"), &v); err != nil {
		t.Errorf("valid: %v", err)
	}
}

func TestHeadErrorHasNoBody(t *testing.T) {
	h, _ := testHandler("")
	rec := httptest.NewRecorder()
	req := newRequest(rec, httptest.NewRequest(http.MethodHead, "/b/k", nil))
	h.writeError(req, object.ErrNoSuchKey)
	if rec.Code != 404 || rec.Body.Len() != 0 {
		t.Fatalf("%d %q", rec.Code, rec.Body)
	}
}
