package s3api

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"strconv"
	"sync"
)

// response is what a controller returns: a status, headers and either an
// XML document or a stream (or nothing).
type response struct {
	status int
	header http.Header
	xml    any           // encoded as the XML body when non-nil
	body   io.ReadCloser // streamed when non-nil
	length int64         // Content-Length of body
}

func newResponse(status int) *response {
	return &response{status: status, header: http.Header{}}
}

func xmlResponse(v any) *response {
	resp := newResponse(http.StatusOK)
	resp.xml = v
	return resp
}

const xmlHeader = `<?xml version="1.0" encoding="UTF-8"?>` + "\n"

// encodeXML renders v as an XML document.
func encodeXML(v any) ([]byte, error) {
	if a, ok := v.(xmlAppender); ok {
		return a.appendXML(append(make([]byte, 0, a.xmlSizeHint()), xmlHeader...)), nil
	}
	var buf bytes.Buffer
	buf.WriteString(xmlHeader)
	if err := xml.NewEncoder(&buf).Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// write sends resp. XML is rendered before the status is written so an
// encoding failure can still become an S3 error.
func (h *handler) write(req *request, resp *response) {
	w := req.w
	var doc []byte
	if resp.xml != nil {
		var err error
		if doc, err = encodeXML(resp.xml); err != nil {
			h.writeError(req, err)
			return
		}
	}
	for k, v := range resp.header {
		w.Header()[k] = v
	}
	switch {
	case doc != nil:
		w.Header().Set("Content-Type", "application/xml")
		w.Header().Set("Content-Length", strconv.Itoa(len(doc)))
		w.WriteHeader(resp.status)
		if req.r.Method != http.MethodHead {
			w.Write(doc)
		}
	case resp.body != nil:
		defer resp.body.Close()
		w.Header().Set("Content-Length", strconv.FormatInt(resp.length, 10))
		w.WriteHeader(resp.status)
		h.stream(req, resp.body)
	default:
		if resp.status != http.StatusNoContent && w.Header().Get("Content-Length") == "" {
			w.Header().Set("Content-Length", "0")
		}
		w.WriteHeader(resp.status)
	}
}

var copyBufs = sync.Pool{New: func() any { b := make([]byte, 256<<10); return &b }}

// stream copies an object body to the client with a pooled buffer. Once the
// status is sent a failure can only cut the connection short; the client
// sees fewer bytes than Content-Length.
func (h *handler) stream(req *request, body io.Reader) {
	buf := copyBufs.Get().(*[]byte)
	defer copyBufs.Put(buf)
	if _, err := io.CopyBuffer(onlyWriter{req.w}, body, *buf); err != nil && req.ctx.Err() == nil {
		h.log.Warn("object body stream failed", "request_id", req.id, "err", err)
		req.errCode = "StreamError"
	}
}

// onlyWriter hides ReadFrom so CopyBuffer uses the pooled buffer.
type onlyWriter struct{ w io.Writer }

func (o onlyWriter) Write(p []byte) (int, error) { return o.w.Write(p) }

// errorDoc is the S3 error document.
type errorDoc struct {
	XMLName    xml.Name `xml:"Error"`
	Code       string
	Message    string
	BucketName string `xml:",omitempty"`
	Key        string `xml:",omitempty"`
	UploadID   string `xml:"UploadId,omitempty"`
	// Method and ResourceType describe a refused CORS preflight.
	Method       string `xml:",omitempty"`
	ResourceType string `xml:",omitempty"`
	// StorageClass and AccessTier name where an archived object is
	// (InvalidObjectState).
	StorageClass string `xml:",omitempty"`
	AccessTier   string `xml:",omitempty"`
	Resource     string
	RequestID    string `xml:"RequestId"`
	HostID       string `xml:"HostId"`
}

// writeError is the one place errors become S3 error responses.
func (h *handler) writeError(req *request, err error) {
	api, known := toAPIError(err)
	if !known {
		h.log.Error("internal error", "request_id", req.id, "operation", req.op.name,
			"bucket", req.bucket, "key", req.key, "err", err)
	}
	req.errCode = api.Code
	if req.w.status != 0 {
		return // the response is already under way
	}
	hdr := req.w.Header()
	for k, v := range api.Header {
		hdr[k] = v
	}
	// A body that does not match its digest may be framed wrongly too (a
	// Content-Length short of what the client sends): what follows it on
	// the connection is not to be read as the next request.
	if api.Code == "BadDigest" || api.Code == "IncompleteBody" {
		hdr.Set("Connection", "close")
	}
	noBody := req.r.Method == http.MethodHead || api.Status == http.StatusNotModified
	if noBody {
		req.w.WriteHeader(api.Status)
		return
	}
	doc, _ := encodeXML(h.errorDoc(req, api))
	hdr.Set("Content-Type", "application/xml")
	hdr.Set("Content-Length", strconv.Itoa(len(doc)))
	req.w.WriteHeader(api.Status)
	req.w.Write(doc)
}

func (h *handler) errorDoc(req *request, api *apiError) *errorDoc {
	d := &errorDoc{
		Code: api.Code, Message: api.Message, Resource: req.resource(),
		RequestID: req.id, HostID: req.hostID,
	}
	switch api.Code {
	case "NoSuchBucket", "BucketNotEmpty", "BucketAlreadyOwnedByYou", "InvalidBucketName":
		d.BucketName = req.bucket
	case "NoSuchKey", "KeyTooLongError":
		d.Key = req.key
	case "NoSuchUpload":
		d.UploadID = req.query.Get("uploadId")
	case "InvalidObjectState":
		d.StorageClass, d.AccessTier = api.storageClass, api.accessTier
	case "AccessForbidden":
		d.Method, d.ResourceType = req.header("Access-Control-Request-Method"), "BUCKET"
		if req.key != "" {
			d.ResourceType = "OBJECT"
		}
	}
	return d
}

// isAPIError reports whether err maps to the given S3 error code.
func isAPIError(err error, code string) bool {
	var api *apiError
	if errors.As(err, &api) {
		return api.Code == code
	}
	a, _ := toAPIError(err)
	return a.Code == code
}
