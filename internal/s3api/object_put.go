package s3api

import (
	"errors"
	"net/http"

	"github.com/hoard-s3/hoard/internal/object"
)

func (h *handler) putObject(req *request) (*response, error) {
	in, err := h.decodePut(req)
	if err != nil {
		return nil, err
	}
	info, err := h.svc.PutObject(req.ctx, in)
	if errors.Is(err, object.ErrChecksumMismatch) {
		return nil, errChecksumMismatch.withMessage("The %s you specified did not match the calculated checksum.", in.Checksum.Algorithm)
	}
	if err != nil {
		return nil, err
	}
	resp := newResponse(http.StatusOK)
	resp.header.Set("ETag", quoteETag(info.ETag))
	setChecksumHeader(resp.header, info.Checksum)
	setVersionHeader(resp.header, info.VersionID)
	return resp, nil
}

// decodePut checks everything it can before the body is read, so a bad
// request is refused without consuming gigabytes.
func (h *handler) decodePut(req *request) (object.PutInput, error) {
	if req.length < 0 {
		return object.PutInput{}, errMissingLength
	}
	in := object.PutInput{Bucket: req.bucket, Key: req.key, Body: newExactBody(req.body, req.length), Size: req.length}
	if req.length > object.MaxSinglePutSize {
		return in, errEntityTooLarge
	}
	if len(req.key) > object.MaxKeyLength {
		return in, errKeyTooLong
	}
	if err := checkWriteHeaders(req.r); err != nil {
		return in, err
	}
	var err error
	if in.Metadata, err = metadataFromRequest(req.r); err != nil {
		return in, err
	}
	if in.Tags, err = parseTaggingHeader(req.r); err != nil {
		return in, err
	}
	if in.ContentMD5, err = parseContentMD5(req.r); err != nil {
		return in, err
	}
	if in.Checksum, err = expectedChecksum(req); err != nil {
		return in, err
	}
	in.Cond, err = writeConditions(req.r)
	return in, err
}

// writeConditions reads If-Match / If-None-Match of a conditional write.
// S3 supports only "*" in If-None-Match on writes.
func writeConditions(r *http.Request) (object.WriteConditions, error) {
	c := object.WriteConditions{
		IfMatch:     r.Header.Get("If-Match"),
		IfNoneMatch: r.Header.Get("If-None-Match"),
	}
	if c.IfNoneMatch != "" && c.IfNoneMatch != "*" {
		return c, errNotImplemented
	}
	return c, nil
}
