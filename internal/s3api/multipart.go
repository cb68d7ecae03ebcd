package s3api

import (
	"encoding/xml"
	"net/http"
	"strconv"
	"strings"

	"github.com/hoard-s3/hoard/internal/checksum"
	"github.com/hoard-s3/hoard/internal/object"
)

type initiateMultipartUploadResult struct {
	XMLName  xml.Name `xml:"InitiateMultipartUploadResult"`
	NS       string   `xml:"xmlns,attr"`
	Bucket   string
	Key      string
	UploadID string `xml:"UploadId"`
}

func (h *handler) createMultipartUpload(req *request) (*response, error) {
	in, err := decodeCreateMultipart(req)
	if err != nil {
		return nil, err
	}
	// The request carries no payload; reading it lets the verifier check
	// what was signed.
	if _, err := readBody(req, maxSmallXML); err != nil {
		return nil, err
	}
	in.Parties = h.uploadParties(req)
	up, err := h.svc.CreateMultipartUpload(req.ctx, in)
	if err != nil {
		return nil, err
	}
	resp := xmlResponse(&initiateMultipartUploadResult{NS: s3NS, Bucket: req.bucket, Key: req.key, UploadID: up.UploadID})
	setSSEHeaders(resp.header, up.SSE, true)
	req.applied(up.SSE)
	h.setAbortHeaders(req, resp.header, req.key, up.Initiated)
	if up.ChecksumAlgorithm != checksum.None {
		resp.header.Set("X-Amz-Checksum-Algorithm", string(up.ChecksumAlgorithm))
		resp.header.Set("X-Amz-Checksum-Type", string(up.ChecksumType))
	}
	return resp, nil
}

// decodeCreateMultipart reads what the completed object will carry: the
// same headers as a PutObject, and the checksum the parts must use.
func decodeCreateMultipart(req *request) (object.CreateMultipartInput, error) {
	in := object.CreateMultipartInput{Bucket: req.bucket, Key: req.key}
	put := object.PutInput{Key: req.key}
	if err := decodePutHeaders(req.r, &put); err != nil {
		return in, err
	}
	in.Metadata, in.Tags, in.SSE, in.Lock, in.StorageClass = put.Metadata, put.Tags, put.SSE, put.Lock, put.StorageClass
	var err error
	if in.ChecksumAlgorithm, err = copyChecksum(req.r); err != nil {
		return in, err
	}
	in.ChecksumType, err = checksumTypeHeader(req.r)
	return in, err
}

// checksumTypeHeader reads x-amz-checksum-type: FULL_OBJECT or COMPOSITE.
func checksumTypeHeader(r *http.Request) (object.ChecksumType, error) {
	switch v := object.ChecksumType(r.Header.Get("X-Amz-Checksum-Type")); v {
	case "", object.ChecksumFullObject, object.ChecksumComposite:
		return v, nil
	default:
		return "", errInvalidRequest.withMessage("Value for x-amz-checksum-type header is invalid.")
	}
}

// partTarget reads uploadId and partNumber of UploadPart and UploadPartCopy.
func partTarget(req *request) (uploadID string, part int, err error) {
	part, err = partNumberParam(req)
	return req.query.Get("uploadId"), part, err
}

var errBadPartNumber = errInvalidArgument.withMessage("Part number must be an integer between 1 and 10000, inclusive")

// partNumberParam parses the partNumber query parameter (1..10,000).
func partNumberParam(req *request) (int, error) {
	v := req.query.Get("partNumber")
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > object.MaxPartNumber {
		return 0, errBadPartNumber
	}
	return n, nil
}

func (h *handler) uploadPart(req *request) (*response, error) {
	id, n, err := partTarget(req)
	if err != nil {
		return nil, err
	}
	if len(req.key) > object.MaxKeyLength {
		return nil, errKeyTooLong
	}
	if err := checkWriteHeaders(req.r); err != nil {
		return nil, err
	}
	key, err := readSSE(req.r.Header, ssePrefix)
	if err != nil {
		return nil, err
	}
	body, err := decodeUploadBody(req)
	if err != nil {
		return nil, err
	}
	part, err := h.svc.UploadPart(req.ctx, object.UploadPartInput{
		Bucket: req.bucket, Key: req.key, UploadID: id, PartNumber: n,
		Body: body.r, Size: body.size, ContentMD5: body.md5, Checksum: body.checksum, SSE: key,
	})
	if err != nil {
		return nil, namedMismatch(err, body.checksum)
	}
	resp := newResponse(http.StatusOK)
	resp.header.Set("ETag", quoteETag(part.ETag))
	setTypedChecksumHeader(resp.header, part.Checksum, "")
	setSSEHeaders(resp.header, part.SSE, false)
	req.applied(part.SSE)
	return resp, nil
}

type copyPartResult struct {
	XMLName      xml.Name `xml:"CopyPartResult"`
	NS           string   `xml:"xmlns,attr"`
	ETag         string
	LastModified string
	checksumFields
}

func (h *handler) uploadPartCopy(req *request) (*response, error) {
	in, err := decodePartCopy(req)
	if err != nil {
		return nil, err
	}
	if _, err := readBody(req, maxSmallXML); err != nil {
		return nil, err
	}
	part, err := h.svc.UploadPartCopy(req.ctx, in)
	if err != nil {
		return nil, err
	}
	resp := xmlResponse(&copyPartResult{
		NS: s3NS, ETag: quoteETag(part.ETag), LastModified: s3Time(part.LastModified),
		checksumFields: typedChecksumXML(part.Checksum, ""),
	})
	if in.SrcVersionID != "" {
		resp.header.Set("X-Amz-Copy-Source-Version-Id", in.SrcVersionID)
	}
	setSSEHeaders(resp.header, part.SSE, false)
	req.applied(part.SSE)
	return resp, nil
}

func decodePartCopy(req *request) (object.UploadPartCopyInput, error) {
	in := object.UploadPartCopyInput{Bucket: req.bucket, Key: req.key}
	var err error
	if in.UploadID, in.PartNumber, err = partTarget(req); err != nil {
		return in, err
	}
	if in.SrcBucket, in.SrcKey, in.SrcVersionID, err = parseCopySource(req.header("X-Amz-Copy-Source")); err != nil {
		return in, err
	}
	if len(req.key) > object.MaxKeyLength || len(in.SrcKey) > object.MaxKeyLength {
		return in, errKeyTooLong
	}
	if in.SrcRange, err = parseCopyRange(req.header("X-Amz-Copy-Source-Range")); err != nil {
		return in, err
	}
	in.SrcCond = readConditions(req.r, "X-Amz-Copy-Source-")
	if in.SSE, err = readSSE(req.r.Header, ssePrefix); err != nil {
		return in, err
	}
	in.SrcSSE, err = readSSE(req.r.Header, sseCopyPrefix)
	return in, err
}

// parseCopyRange reads x-amz-copy-source-range, which unlike Range must be
// exactly "bytes=first-last".
func parseCopyRange(v string) (*object.Range, error) {
	if v == "" {
		return nil, nil
	}
	bad := errInvalidArgument.withMessage("The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy")
	spec, ok := strings.CutPrefix(v, "bytes=")
	if !ok {
		return nil, bad
	}
	first, last, ok := strings.Cut(spec, "-")
	a, err1 := strconv.ParseInt(first, 10, 64)
	b, err2 := strconv.ParseInt(last, 10, 64)
	if !ok || err1 != nil || err2 != nil || a < 0 || b < a {
		return nil, bad
	}
	return &object.Range{First: a, Last: b}, nil
}

func (h *handler) abortMultipartUpload(req *request) (*response, error) {
	if len(req.key) > object.MaxKeyLength {
		return nil, errKeyTooLong
	}
	if err := h.svc.AbortMultipartUpload(req.ctx, req.bucket, req.key, req.query.Get("uploadId")); err != nil {
		return nil, err
	}
	return newResponse(http.StatusNoContent), nil
}

// intParam parses an optional non-negative integer parameter; "" is 0.
func intParam(v, name string) (int, error) {
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, errInvalidArgument.withMessage("Provided %s not an integer or within integer range", name)
	}
	return n, nil
}
