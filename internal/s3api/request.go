package s3api

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hoard-s3/hoard/internal/sigv4"
)

// request is a decoded S3 request as controllers see it.
type request struct {
	r      *http.Request
	ctx    context.Context
	id     string // x-amz-request-id
	hostID string // x-amz-id-2
	op     operation
	bucket string
	key    string
	query  url.Values
	auth   *sigv4.Auth
	authz  *authzState // set by authorization (authz.go)
	// body is the authenticated payload (aws-chunked framing removed);
	// length is its declared size, -1 when unknown.
	body   io.Reader
	length int64

	w  *countingWriter
	in *countingReader
	// errCode is the S3 error code sent, for the access log.
	errCode string
	// sseApplied is the encryption a write applied ("SSE_S3",
	// "Default_SSE_S3", ...), for the access log.
	sseApplied string
	// batchDeleted are the keys and version ids DeleteObjects removed,
	// each a BATCH.DELETE.OBJECT record of the server access log.
	batchDeleted [][2]string
}

func newRequest(w http.ResponseWriter, r *http.Request) *request {
	in := &countingReader{r: r.Body}
	r.Body = in
	return &request{
		r:      r,
		ctx:    r.Context(),
		id:     newRequestID(),
		hostID: newHostID(),
		query:  r.URL.Query(),
		w:      &countingWriter{ResponseWriter: w},
		in:     in,
		length: -1,
	}
}

// header returns a request header.
func (req *request) header(name string) string { return req.r.Header.Get(name) }

// resource is the path S3 reports in <Resource>.
func (req *request) resource() string {
	switch {
	case req.bucket == "":
		return "/"
	case req.key == "":
		return "/" + req.bucket
	}
	return "/" + req.bucket + "/" + req.key
}

// newRequestID returns 16 upper-case hex characters, like S3.
func newRequestID() string {
	var b [8]byte
	rand.Read(b[:])
	return strings.ToUpper(hex.EncodeToString(b[:]))
}

func newHostID() string {
	var b [48]byte
	rand.Read(b[:])
	return base64.StdEncoding.EncodeToString(b[:])
}

// countingReader counts request body bytes for the access log.
type countingReader struct {
	r io.ReadCloser
	n int64
	// keep, when set, holds the first maxKept bytes read (the audit
	// trail's copy of an IAM or KMS request, whose API reads the body).
	keep    bool
	kept    []byte
	maxKept int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if c.keep && len(c.kept) < c.maxKept {
		c.kept = append(c.kept, p[:min(n, c.maxKept-len(c.kept))]...)
	}
	return n, err
}

func (c *countingReader) Close() error { return c.r.Close() }

// countingWriter records status and body bytes for the access log.
type countingWriter struct {
	http.ResponseWriter
	status int
	n      int64
	first  time.Time // when the response began (turn-around time)
	// beforeSend, when set, runs once before the first write that makes
	// net/http send the response while the handler still runs (more than
	// heldBody bytes of body); a response that stays buffered is sent
	// only after the handler returned.
	beforeSend func()
	// keep, when set, holds the first maxKept bytes of the body (the
	// audit trail's copy of an IAM, STS or KMS answer).
	keep    bool
	kept    []byte
	maxKept int
}

// heldBody is how much of a body net/http buffers before it sends the
// status line (its bufferBeforeChunkingSize): a response no longer than
// this reaches the client only once the handler has returned.
const heldBody = 2048

func (c *countingWriter) WriteHeader(status int) {
	if c.status == 0 {
		c.status = status
		c.first = time.Now()
	}
	c.ResponseWriter.WriteHeader(status)
}

func (c *countingWriter) Write(p []byte) (int, error) {
	if c.status == 0 {
		c.status = http.StatusOK
		c.first = time.Now()
	}
	if c.beforeSend != nil && c.n+int64(len(p)) > heldBody {
		f := c.beforeSend
		c.beforeSend = nil
		f()
	}
	n, err := c.ResponseWriter.Write(p)
	if c.keep && len(c.kept) < c.maxKept {
		c.kept = append(c.kept, p[:min(n, c.maxKept-len(c.kept))]...)
	}
	c.n += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (c *countingWriter) Unwrap() http.ResponseWriter { return c.ResponseWriter }
