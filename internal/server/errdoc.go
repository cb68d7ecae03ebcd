package server

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// maxHeaderBytes is the largest request header section served (request
// line included); S3 allows 8 KiB, but presigned URLs and metadata of
// other stores run longer.
const maxHeaderBytes = 64 << 10

// wireError is an S3 error answered below the S3 layer: before a request
// reaches it (overload, a header section too large) or instead of
// net/http's own text answers (wireerr.go).
type wireError struct {
	status        int
	code, message string
	resource      string
	extra         [][2]string // further elements, as S3 adds them
}

func headerTooLarge() wireError {
	return wireError{status: http.StatusBadRequest, code: "RequestHeaderSectionTooLarge",
		message: "Your request header section exceeds the maximum allowed size.",
		extra:   [][2]string{{"MaxSizeAllowed", strconv.Itoa(maxHeaderBytes)}}}
}

func newRequestID() string {
	var id [8]byte
	rand.Read(id[:])
	return strings.ToUpper(hex.EncodeToString(id[:]))
}

func (e wireError) doc(reqID string) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.WriteString("<Error><Code>" + e.code + "</Code><Message>")
	xml.EscapeText(&b, []byte(e.message))
	b.WriteString("</Message>")
	for _, kv := range e.extra {
		b.WriteString("<" + kv[0] + ">")
		xml.EscapeText(&b, []byte(kv[1]))
		b.WriteString("</" + kv[0] + ">")
	}
	if e.resource != "" {
		b.WriteString("<Resource>")
		xml.EscapeText(&b, []byte(e.resource))
		b.WriteString("</Resource>")
	}
	b.WriteString("<RequestId>" + reqID + "</RequestId><HostId>" + reqID + "</HostId></Error>")
	return b.String()
}

// write answers e through w and closes the connection: the request's
// body, if any, was not read.
func (e wireError) write(w http.ResponseWriter, r *http.Request) {
	reqID := newRequestID()
	doc := e.doc(reqID)
	h := w.Header()
	h.Set("Content-Type", "application/xml")
	h.Set("Content-Length", strconv.Itoa(len(doc)))
	h.Set("X-Amz-Request-Id", reqID)
	h.Set("Connection", "close")
	w.WriteHeader(e.status)
	if r.Method != http.MethodHead {
		w.Write([]byte(doc))
	}
}

// response is e as a whole HTTP/1.1 response that closes the connection.
func (e wireError) response() []byte {
	reqID := newRequestID()
	doc := e.doc(reqID)
	return fmt.Appendf(nil, "HTTP/1.1 %d %s\r\nContent-Type: application/xml\r\nContent-Length: %d\r\nX-Amz-Request-Id: %s\r\nConnection: close\r\n\r\n%s",
		e.status, http.StatusText(e.status), len(doc), reqID, doc)
}

// headerBytes is the size of r's header section as sent over HTTP/1.1.
func headerBytes(r *http.Request) int {
	n := len(r.Method) + len(r.RequestURI) + len(r.Proto) + 4
	n += len("Host: \r\n") + len(r.Host)
	for k, vs := range r.Header {
		for _, v := range vs {
			n += len(k) + len(v) + 4
		}
	}
	return n
}
