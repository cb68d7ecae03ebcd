package server

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// net/http answers 417 Expectation Failed, before any handler runs and
// without reading the body, to a request whose Expect field is anything
// but 100-continue. Amazon S3 ignores expectations it does not know (the
// s3-tests suite, which also runs against S3, sends `Expect: 200`), so the
// connection's read side renames such a field before net/http parses it,
// and the handler gets it back under its own name (restoreExpect).
//
// To find the request heads in the byte stream, expectFilter follows
// HTTP/1.1 message framing: a head ends at its empty line, and the body
// that follows is Content-Length bytes or a chunked body. On anything it
// does not follow (a line longer than a head may be, an unparsable length,
// a transfer coding other than chunked, an upgrade, HTTP/2's preface) it
// stops filtering and passes the rest of the connection through as it
// is, for net/http to judge.

// renamedExpect carries a renamed Expect field from the connection to the
// handler.
const renamedExpect = "X-Hoard-Renamed-Expect"

// maxFilteredLine bounds a line the filter holds back; net/http refuses
// longer heads anyway.
const maxFilteredLine = maxHeaderBytes + 4096

type framing int

const (
	inHead      framing = iota // header lines up to the empty line
	inBody                     // remain bytes of a Content-Length body
	inChunkSize                // a chunk-size line
	inChunkData                // remain bytes of chunk data, then its CRLF line
	inChunkEnd                 // the CRLF after chunk data
	inTrailer                  // trailer lines up to the empty line
	passThrough                // no more filtering
)

// expectFilter rewrites a connection's read stream; it is not safe for
// concurrent use (net/http reads a connection from one goroutine at a
// time).
type expectFilter struct {
	state   framing
	remain  int64
	line    []byte // a held-back partial line
	out     []byte // filtered bytes not yet handed out
	first   bool   // the next head line is a request line
	length  int64  // the head's Content-Length, -1 if none
	chunked bool
	buf     []byte // reused read buffer for lines
}

func newExpectFilter() *expectFilter { return &expectFilter{first: true, length: -1} }

// read fills p from the filtered stream, reading src as needed.
func (f *expectFilter) read(src func([]byte) (int, error), p []byte) (int, error) {
	for len(f.out) == 0 {
		if f.state == passThrough || (f.state == inBody || f.state == inChunkData) && len(f.line) == 0 {
			return f.readDirect(src, p)
		}
		if f.buf == nil {
			f.buf = make([]byte, 4096)
		}
		n, err := src(f.buf)
		f.feed(f.buf[:n])
		if len(f.out) == 0 && err != nil {
			// Only the end of the stream hands out a partial line: other
			// errors, such as the past deadline with which net/http aborts
			// its background read, come before more of the same line.
			if errors.Is(err, io.EOF) && len(f.line) > 0 {
				f.out, f.line = f.line, nil
				break
			}
			return 0, err
		}
	}
	n := copy(p, f.out)
	f.out = f.out[n:]
	return n, nil
}

// readDirect reads straight into p: body bytes need no rewriting, only
// counting, and whatever follows them in p is filtered in place.
func (f *expectFilter) readDirect(src func([]byte) (int, error), p []byte) (int, error) {
	n, err := src(p)
	if f.state == passThrough || n == 0 {
		return n, err
	}
	body := int(min(int64(n), f.remain))
	f.remain -= int64(body)
	if f.remain == 0 {
		f.bodyDone()
	}
	if body == n {
		return n, err
	}
	f.feed(p[body:n])
	m := copy(p[body:], f.out)
	f.out = f.out[m:]
	return body + m, nil
}

// feed filters b, appending what can be handed out to f.out.
func (f *expectFilter) feed(b []byte) {
	for len(b) > 0 {
		switch f.state {
		case passThrough:
			f.out = append(f.out, b...)
			return
		case inBody, inChunkData:
			n := int(min(int64(len(b)), f.remain))
			f.out = append(f.out, b[:n]...)
			b = b[n:]
			if f.remain -= int64(n); f.remain == 0 {
				f.bodyDone()
			}
		default:
			i := bytes.IndexByte(b, '\n')
			if i < 0 {
				f.line = append(f.line, b...)
				if len(f.line) > maxFilteredLine {
					f.stop()
				}
				return
			}
			line := append(f.line, b[:i+1]...)
			f.line, b = nil, b[i+1:]
			f.out = append(f.out, f.onLine(line)...)
		}
	}
}

// stop hands out what is held back and passes the rest through.
func (f *expectFilter) stop() {
	f.out = append(f.out, f.line...)
	f.line = nil
	f.state = passThrough
}

func (f *expectFilter) bodyDone() {
	if f.state == inChunkData {
		f.state = inChunkEnd
		return
	}
	f.startHead()
}

func (f *expectFilter) startHead() {
	f.state, f.first, f.length, f.chunked = inHead, true, -1, false
}

// onLine takes one complete line (with its line ending) and returns it,
// rewritten where it is an Expect field to rename.
func (f *expectFilter) onLine(line []byte) []byte {
	text := strings.TrimRight(string(line), "\r\n")
	switch f.state {
	case inHead:
		return f.onHeadLine(line, text)
	case inChunkSize:
		size, _, _ := strings.Cut(text, ";")
		n, err := strconv.ParseInt(strings.TrimSpace(size), 16, 64)
		switch {
		case err != nil || n < 0:
			f.state = passThrough
		case n == 0:
			f.state = inTrailer
		default:
			f.state, f.remain = inChunkData, n
		}
	case inChunkEnd:
		f.state = inChunkSize
	case inTrailer:
		if text == "" {
			f.startHead()
		}
	}
	return line
}

func (f *expectFilter) onHeadLine(line []byte, text string) []byte {
	if f.first {
		if text == "" { // empty lines before a request line are allowed
			return line
		}
		f.first = false
		if !strings.HasSuffix(text, " HTTP/1.1") && !strings.HasSuffix(text, " HTTP/1.0") {
			f.state = passThrough
		}
		return line
	}
	if text == "" {
		f.endHead()
		return line
	}
	name, value, ok := strings.Cut(text, ":")
	if !ok {
		return line
	}
	value = strings.TrimSpace(value)
	switch strings.ToLower(name) {
	case "expect":
		if value != "" && !hasToken(value, "100-continue") {
			return append([]byte(renamedExpect), line[len(name):]...)
		}
	case "content-length":
		n, err := strconv.ParseInt(value, 10, 64)
		if err != nil || n < 0 || f.length >= 0 && f.length != n {
			f.state = passThrough
		}
		f.length = n
	case "transfer-encoding":
		if !strings.EqualFold(value, "chunked") {
			f.state = passThrough
		}
		f.chunked = true
	case "upgrade":
		f.state = passThrough
	}
	return line
}

// endHead moves on to the body the head announced.
func (f *expectFilter) endHead() {
	switch {
	case f.state == passThrough:
	case f.chunked:
		f.state = inChunkSize
	case f.length > 0:
		f.state, f.remain = inBody, f.length
	default:
		f.startHead()
	}
}

// hasToken reports whether the comma-separated list v holds token, as
// net/http reads Expect.
func hasToken(v, token string) bool {
	for _, t := range strings.Split(v, ",") {
		if strings.EqualFold(strings.TrimSpace(t), token) {
			return true
		}
	}
	return false
}

// restoreExpect gives the handler the Expect field the connection renamed.
func restoreExpect(r *http.Request) {
	if v, ok := r.Header[renamedExpect]; ok {
		r.Header["Expect"] = v
		delete(r.Header, renamedExpect)
	}
}
