package s3api

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hoard-s3/hoard/internal/object"
)

func (h *handler) getObject(req *request) (*response, error)  { return h.readObject(req, false) }
func (h *handler) headObject(req *request) (*response, error) { return h.readObject(req, true) }

// readObject serves GET and HEAD on an object.
func (h *handler) readObject(req *request, headOnly bool) (*response, error) {
	in, err := decodeGet(req, headOnly)
	if err != nil {
		return nil, err
	}
	if err := checkOverrides(req); err != nil {
		return nil, err
	}
	rd, err := h.svc.GetObject(req.ctx, in)
	if err != nil {
		return nil, h.readError(req, in, rd, err)
	}
	resp := newResponse(http.StatusOK)
	setObjectHeaders(resp.header, &rd.Info)
	h.setLockHeaders(req, resp.header, rd.Info.Lock)
	if in.VersionID == "" {
		h.setExpirationHeader(req, resp.header, &rd.Info)
	}
	applyOverrides(req, resp.header)
	h.setReadHeaders(req, in, rd, resp)
	if rd.Body != nil {
		resp.body, resp.length = rd.Body, rd.Length
	} else {
		n := rd.Info.Size
		if rd.Partial {
			n = rd.Length
		}
		resp.header.Set("Content-Length", strconv.FormatInt(n, 10))
	}
	return resp, nil
}

func (h *handler) setReadHeaders(req *request, in object.GetInput, rd *object.ObjectReader, resp *response) {
	if rd.Partial {
		resp.status = http.StatusPartialContent
		resp.header.Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", rd.Offset, rd.Offset+rd.Length-1, rd.Info.Size))
	}
	if in.PartNumber > 0 && rd.Info.PartsCount > 0 {
		resp.header.Set("X-Amz-Mp-Parts-Count", strconv.Itoa(rd.Info.PartsCount))
	}
	// A checksum describes the whole object or, with partNumber, the part;
	// S3 sends none for a byte range.
	if strings.EqualFold(req.header("X-Amz-Checksum-Mode"), "ENABLED") && (!rd.Partial || in.PartNumber > 0) {
		setTypedChecksumHeader(resp.header, rd.Info.Checksum, objectChecksumType(&rd.Info))
	}
}

// readError attaches what S3 sends with a failed read: validators on 304
// and 412, the object size on 416.
func (h *handler) readError(req *request, in object.GetInput, rd *object.ObjectReader, err error) error {
	switch {
	case errors.Is(err, object.ErrNotModified) && rd != nil:
		return errNotModified.withHeader("ETag", quoteETag(rd.Info.ETag)).
			withHeader("Last-Modified", httpTime(rd.Info.LastModified))
	case errors.Is(err, object.ErrInvalidRange):
		size, ok := h.sizeForRange(req, in, rd)
		if ok {
			return errInvalidRange.withHeader("Content-Range", fmt.Sprintf("bytes */%d", size))
		}
	}
	return err
}

// sizeForRange finds the object size for a 416 answer.
func (h *handler) sizeForRange(req *request, in object.GetInput, rd *object.ObjectReader) (int64, bool) {
	if rd != nil {
		return rd.Info.Size, true
	}
	in.Range, in.Cond, in.HeadOnly = nil, object.ReadConditions{}, true
	head, err := h.svc.GetObject(req.ctx, in)
	if err != nil {
		return 0, false
	}
	return head.Info.Size, true
}

func decodeGet(req *request, headOnly bool) (object.GetInput, error) {
	in := object.GetInput{
		Bucket: req.bucket, Key: req.key, VersionID: req.query.Get("versionId"),
		Cond: readConditions(req.r, ""), HeadOnly: headOnly,
	}
	if len(req.key) > object.MaxKeyLength {
		return in, errKeyTooLong
	}
	var err error
	if in.SSE, err = readSSE(req.r.Header, ssePrefix); err != nil {
		return in, err
	}
	rng, err := parseRange(req.header("Range"))
	if err != nil {
		return in, err
	}
	in.Range = rng
	if _, ok := req.query["partNumber"]; ok {
		n, err := partNumberParam(req)
		if err != nil {
			return in, err
		}
		if rng != nil {
			return in, errInvalidRequest.withMessage("Cannot specify both Range header and partNumber query parameter")
		}
		in.PartNumber = n
	}
	return in, nil
}

// readConditions reads RFC 9110 preconditions; prefix selects the
// x-amz-copy-source- variants. Unparsable dates are ignored, as S3 does.
func readConditions(r *http.Request, prefix string) object.ReadConditions {
	return object.ReadConditions{
		IfMatch:           r.Header.Get(prefix + "If-Match"),
		IfNoneMatch:       r.Header.Get(prefix + "If-None-Match"),
		IfModifiedSince:   parseHTTPDate(r.Header.Get(prefix + "If-Modified-Since")),
		IfUnmodifiedSince: parseHTTPDate(r.Header.Get(prefix + "If-Unmodified-Since")),
	}
}

func parseHTTPDate(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := http.ParseTime(s)
	if err != nil {
		return time.Time{}
	}
	return t
}

// parseRange reads a single byte range. Like S3, a malformed header or a
// multi-range is ignored and the whole object is sent; "bytes=-0" can never
// be satisfied.
func parseRange(h string) (*object.Range, error) {
	spec, ok := strings.CutPrefix(strings.TrimSpace(h), "bytes=")
	if !ok || strings.Contains(spec, ",") {
		return nil, nil
	}
	first, last, ok := strings.Cut(strings.TrimSpace(spec), "-")
	if !ok {
		return nil, nil
	}
	if first == "" {
		n, err := strconv.ParseInt(last, 10, 64)
		if err != nil || n < 0 {
			return nil, nil
		}
		if n == 0 {
			return nil, errInvalidRange
		}
		return &object.Range{Suffix: n}, nil
	}
	a, err := strconv.ParseInt(first, 10, 64)
	if err != nil || a < 0 {
		return nil, nil
	}
	if last == "" {
		return &object.Range{First: a, Last: -1}, nil
	}
	b, err := strconv.ParseInt(last, 10, 64)
	if err != nil || b < a {
		return nil, nil
	}
	return &object.Range{First: a, Last: b}, nil
}

// overrides maps response-* query parameters to the headers they replace.
var overrides = [][2]string{
	{"response-content-type", "Content-Type"},
	{"response-content-language", "Content-Language"},
	{"response-expires", "Expires"},
	{"response-cache-control", "Cache-Control"},
	{"response-content-disposition", "Content-Disposition"},
	{"response-content-encoding", "Content-Encoding"},
}

// checkOverrides refuses response-* values that cannot be a header value.
func checkOverrides(req *request) error {
	for _, o := range overrides {
		if v, ok := req.query[o[0]]; ok && strings.ContainsAny(v[0], "\r\n\x00") {
			return errInvalidArgument.withMessage("Invalid value for %s", o[0])
		}
	}
	return nil
}

// applyOverrides honours response-* parameters. S3 refuses them on
// anonymous requests; every request here is signed.
func applyOverrides(req *request, h http.Header) {
	for _, o := range overrides {
		if v, ok := req.query[o[0]]; ok {
			h.Set(o[1], v[0])
		}
	}
}
