package s3api

import (
	"bytes"
	"encoding/xml"
	"net/http"
	"strconv"

	"github.com/hoard-s3/hoard/internal/checksum"
	"github.com/hoard-s3/hoard/internal/object"
)

// maxCompleteXML caps the CompleteMultipartUpload document: 10,000 parts
// with an ETag and a checksum each fit in well under 4 MiB.
const maxCompleteXML = 4 << 20

type completeMultipartUpload struct {
	XMLName xml.Name        `xml:"CompleteMultipartUpload"`
	Parts   []completedPart `xml:"Part"`
}

type completedPart struct {
	PartNumber int
	ETag       string
	checksumFields
}

type completeMultipartUploadResult struct {
	XMLName  xml.Name `xml:"CompleteMultipartUploadResult"`
	NS       string   `xml:"xmlns,attr"`
	Location string
	Bucket   string
	Key      string
	ETag     string
	checksumFields
}

// completeMultipartUpload assembles the object. Completing is a metadata
// commit whatever the size, so the answer comes at once and S3's
// keep-alive whitespace before a late error is not needed.
func (h *handler) completeMultipartUpload(req *request) (*response, error) {
	in, err := decodeComplete(req)
	if err != nil {
		return nil, err
	}
	info, err := h.svc.CompleteMultipartUpload(req.ctx, in)
	if err != nil {
		return nil, err
	}
	doc := &completeMultipartUploadResult{
		NS: s3NS, Location: location(req), Bucket: req.bucket, Key: req.key, ETag: quoteETag(info.ETag),
		checksumFields: typedChecksumXML(info.Checksum, objectChecksumType(info)),
	}
	resp := xmlResponse(doc)
	setVersionHeader(resp.header, info.VersionID)
	setSSEHeaders(resp.header, info.SSE, false)
	req.applied(info.SSE)
	h.setExpirationHeader(req, resp.header, info)
	return resp, nil
}

func decodeComplete(req *request) (object.CompleteMultipartInput, error) {
	in := object.CompleteMultipartInput{Bucket: req.bucket, Key: req.key, UploadID: req.query.Get("uploadId")}
	if len(req.key) > object.MaxKeyLength {
		return in, errKeyTooLong
	}
	var err error
	if in.Cond, err = writeConditions(req.r); err != nil {
		return in, err
	}
	if in.ChecksumType, err = checksumTypeHeader(req.r); err != nil {
		return in, err
	}
	in.Checksum = completeChecksum(req.r)
	if in.SSE, err = readSSE(req.r.Header, ssePrefix); err != nil {
		return in, err
	}
	if in.ObjectSize, err = objectSizeHeader(req.r); err != nil {
		return in, err
	}
	body, err := readBody(req, maxCompleteXML)
	if err != nil {
		return in, err
	}
	// S3 answers an empty part list document as malformed, not missing.
	if len(bytes.TrimSpace(body)) == 0 {
		return in, errMalformedXML
	}
	var doc completeMultipartUpload
	if err := decodeXML(body, &doc); err != nil {
		return in, err
	}
	in.Parts, err = completedParts(doc.Parts)
	return in, err
}

// completeChecksum reads the expected checksum of the whole object. Unlike
// headerChecksum it takes the value as sent: a COMPOSITE checksum carries
// a "-N" suffix, and the service checks the value.
func completeChecksum(r *http.Request) checksum.Value {
	for _, a := range checksum.All {
		if v := r.Header.Get(a.Header()); v != "" {
			return checksum.Value{Algorithm: a, Encoded: v}
		}
	}
	return checksum.Value{}
}

// objectSizeHeader reads x-amz-mp-object-size, the size the client
// expects the completed object to have.
func objectSizeHeader(r *http.Request) (*int64, error) {
	v := r.Header.Get("X-Amz-Mp-Object-Size")
	if v == "" {
		return nil, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return nil, errInvalidRequest.withMessage("Value for x-amz-mp-object-size header is invalid.")
	}
	return &n, nil
}

// completedParts converts the part list; the service checks order,
// numbers and ETags against what was uploaded.
func completedParts(parts []completedPart) ([]object.CompletedPart, error) {
	out := make([]object.CompletedPart, 0, len(parts))
	for _, p := range parts {
		ck, err := partChecksum(p.checksumFields)
		if err != nil {
			return nil, err
		}
		out = append(out, object.CompletedPart{PartNumber: p.PartNumber, ETag: p.ETag, Checksum: ck})
	}
	return out, nil
}

// partChecksum reads the one Checksum* element of a listed part, if any.
func partChecksum(f checksumFields) (checksum.Value, error) {
	var found checksum.Value
	for _, c := range []struct {
		alg checksum.Algorithm
		v   string
	}{
		{checksum.CRC32, f.ChecksumCRC32}, {checksum.CRC32C, f.ChecksumCRC32C},
		{checksum.CRC64NVME, f.ChecksumCRC64NVME}, {checksum.SHA1, f.ChecksumSHA1}, {checksum.SHA256, f.ChecksumSHA256},
	} {
		if c.v == "" {
			continue
		}
		if !found.IsZero() {
			return found, errInvalidRequest.withMessage("Expecting a single checksum per part.")
		}
		found = checksum.Value{Algorithm: c.alg, Encoded: c.v}
	}
	return found, nil
}

// location is the URL of the completed object, as the client addressed it.
func location(req *request) string {
	scheme := "http"
	if req.r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + req.r.Host + req.r.URL.EscapedPath()
}
