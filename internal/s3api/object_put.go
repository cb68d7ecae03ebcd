package s3api

import (
	"errors"
	"io"
	"net/http"

	"github.com/hoard-s3/hoard/internal/object"
)

func (h *handler) putObject(req *request) (*response, error) {
	in, err := h.decodePut(req)
	if err != nil {
		return nil, err
	}
	info, err := h.svc.PutObject(req.ctx, in)
	if err != nil {
		return nil, namedMismatch(err, in.Checksum)
	}
	resp := newResponse(http.StatusOK)
	resp.header.Set("ETag", quoteETag(info.ETag))
	setChecksumHeader(resp.header, info.Checksum)
	setVersionHeader(resp.header, info.VersionID)
	setSSEHeaders(resp.header, info.SSE, true)
	req.applied(info.SSE)
	h.setExpirationHeader(req, resp.header, info)
	return resp, nil
}

// decodePut checks everything it can before the body is read, so a bad
// request is refused without consuming gigabytes.
func (h *handler) decodePut(req *request) (object.PutInput, error) {
	in := object.PutInput{Bucket: req.bucket, Key: req.key, LockNeedsDigest: !payloadSigned(req)}
	body, err := decodeUploadBody(req)
	if err != nil {
		return in, err
	}
	in.Body, in.Size, in.ContentMD5, in.Checksum = body.r, body.size, body.md5, body.checksum
	if err := decodePutHeaders(req.r, &in); err != nil {
		return in, err
	}
	in.Cond, err = writeConditions(req.r)
	return in, err
}

// decodePutHeaders reads what an object write takes from its headers
// (or, for a browser form, from the fields): key limits, unsupported
// features, encryption, metadata and tags.
func decodePutHeaders(r *http.Request, in *object.PutInput) error {
	if len(in.Key) > object.MaxKeyLength {
		return errKeyTooLong
	}
	if err := checkWriteHeaders(r); err != nil {
		return err
	}
	var err error
	if in.SSE, err = writeSSE(r.Header); err != nil {
		return err
	}
	if in.Metadata, err = metadataFromRequest(r); err != nil {
		return err
	}
	if in.Tags, err = parseTaggingHeader(r); err != nil {
		return err
	}
	if in.StorageClass, err = storageClassHeader(r); err != nil {
		return err
	}
	in.Lock, err = lockFromHeaders(r.Header)
	return err
}

// uploadBody is the payload of PutObject and UploadPart with the digests
// the client declared for it.
type uploadBody struct {
	r        io.Reader
	size     int64
	md5      []byte
	checksum object.ExpectedChecksum
}

// decodeUploadBody checks length and digests of an upload body. Both a
// single PUT and a part are limited to 5 GiB.
func decodeUploadBody(req *request) (uploadBody, error) {
	if req.length < 0 && req.r.ProtoMajor == 1 && len(req.r.TransferEncoding) > 0 {
		// HTTP chunked framing without aws-chunked: S3 does not take a
		// body of unknown length and says which header it refuses.
		return uploadBody{}, errChunkedTransfer
	}
	if req.length < 0 || !declaresLength(req.r) {
		return uploadBody{}, errMissingLength
	}
	if req.length > object.MaxSinglePutSize {
		return uploadBody{}, errEntityTooLarge
	}
	b := uploadBody{r: newExactBody(req.body, req.length), size: req.length}
	var err error
	if b.md5, err = parseContentMD5(req.r); err != nil {
		return b, err
	}
	b.checksum, err = expectedChecksum(req)
	return b, err
}

// declaresLength reports whether an HTTP/1 request says how long its body
// is. Go reads a request with neither Content-Length nor chunked framing as
// an empty body; S3 refuses such an upload rather than store nothing.
func declaresLength(r *http.Request) bool {
	return r.ProtoMajor != 1 || len(r.TransferEncoding) > 0 || r.Header.Get("Content-Length") != ""
}

// writeConditions reads If-Match / If-None-Match of a conditional write.
// If-None-Match takes "*" (the key must not exist) or ETags (the current
// object must not have one of them).
func writeConditions(r *http.Request) (object.WriteConditions, error) {
	return object.WriteConditions{
		IfMatch:     r.Header.Get("If-Match"),
		IfNoneMatch: r.Header.Get("If-None-Match"),
	}, nil
}

// namedMismatch names the algorithm in a checksum mismatch, as S3 does.
func namedMismatch(err error, want object.ExpectedChecksum) error {
	if errors.Is(err, object.ErrChecksumMismatch) {
		return errChecksumMismatch.withMessage("The %s you specified did not match the calculated checksum.", want.Algorithm)
	}
	return err
}
