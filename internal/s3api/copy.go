package s3api

import (
	"encoding/xml"
	"net/http"
	"net/url"
	"strings"

	"github.com/hoard-s3/hoard/internal/checksum"
	"github.com/hoard-s3/hoard/internal/object"
)

type copyObjectResult struct {
	XMLName      xml.Name `xml:"CopyObjectResult"`
	NS           string   `xml:"xmlns,attr"`
	ETag         string
	LastModified string
	checksumFields
}

func (h *handler) copyObject(req *request) (*response, error) {
	in, err := decodeCopy(req)
	if err != nil {
		return nil, err
	}
	// A copy carries no payload; reading it (normally empty) lets the
	// verifier check what was signed.
	if _, err := readBody(req, maxSmallXML); err != nil {
		return nil, err
	}
	info, err := h.svc.CopyObject(req.ctx, in)
	if err != nil {
		return nil, err
	}
	doc := &copyObjectResult{
		NS: s3NS, ETag: quoteETag(info.ETag), LastModified: s3Time(info.LastModified),
		checksumFields: checksumXML(info.Checksum),
	}
	resp := xmlResponse(doc)
	setVersionHeader(resp.header, info.VersionID)
	setSSEHeaders(resp.header, info.SSE, true)
	req.applied(info.SSE)
	h.setExpirationHeader(req, resp.header, info)
	if v := info.CopySourceVersionID; in.SrcVersionID != "" || v != object.NullVersion && v != "" {
		resp.header.Set("X-Amz-Copy-Source-Version-Id", v)
	}
	return resp, nil
}

func decodeCopy(req *request) (object.CopyInput, error) {
	in := object.CopyInput{DstBucket: req.bucket, DstKey: req.key}
	var err error
	if in.SrcBucket, in.SrcKey, in.SrcVersionID, err = parseCopySource(req.header("X-Amz-Copy-Source")); err != nil {
		return in, err
	}
	if len(req.key) > object.MaxKeyLength || len(in.SrcKey) > object.MaxKeyLength {
		return in, errKeyTooLong
	}
	if err := checkWriteHeaders(req.r); err != nil {
		return in, err
	}
	if in.StorageClass, err = storageClassHeader(req.r); err != nil {
		return in, err
	}
	if in.SSE, err = writeSSE(req.r.Header); err != nil {
		return in, err
	}
	if in.SrcSSE, err = readSSE(req.r.Header, sseCopyPrefix); err != nil {
		return in, err
	}
	if in.ReplaceMetadata, err = directive(req.r, "X-Amz-Metadata-Directive"); err != nil {
		return in, err
	}
	if in.ReplaceMetadata {
		if in.Metadata, err = metadataFromRequest(req.r); err != nil {
			return in, err
		}
	}
	if in.ReplaceTags, err = directive(req.r, "X-Amz-Tagging-Directive"); err != nil {
		return in, err
	}
	if in.ReplaceTags {
		if in.Tags, err = parseTaggingHeader(req.r); err != nil {
			return in, err
		}
	}
	if in.Checksum, err = copyChecksum(req.r); err != nil {
		return in, err
	}
	if in.Lock, err = lockFromHeaders(req.r.Header); err != nil {
		return in, err
	}
	in.SrcCond = readConditions(req.r, "X-Amz-Copy-Source-")
	in.Cond, err = writeConditions(req.r)
	return in, err
}

// parseCopySource splits x-amz-copy-source, "[/]bucket/key[?versionId=v]"
// with the key URL-encoded. The version is split off before decoding so
// an encoded '?' in the key stays part of the key.
func parseCopySource(raw string) (bucket, key, version string, err error) {
	bad := errInvalidArgument.withMessage("Copy Source must mention the source bucket and key: sourcebucket/sourcekey")
	path, query, hasQuery := strings.Cut(raw, "?")
	if hasQuery {
		q, perr := url.ParseQuery(query)
		if perr != nil {
			return "", "", "", bad
		}
		version = q.Get("versionId")
		if _, ok := q["versionId"]; !ok || version == "" {
			return "", "", "", bad
		}
	}
	decoded, perr := url.PathUnescape(path)
	if perr != nil {
		return "", "", "", bad
	}
	bucket, key, _ = strings.Cut(strings.TrimPrefix(decoded, "/"), "/")
	if bucket == "" || key == "" {
		return "", "", "", bad
	}
	return bucket, key, version, nil
}

// directive reads COPY|REPLACE (default COPY); REPLACE returns true.
func directive(r *http.Request, name string) (bool, error) {
	switch v := r.Header.Get(name); v {
	case "", "COPY":
		return false, nil
	case "REPLACE":
		return true, nil
	default:
		return false, errInvalidArgument.withMessage("Unknown %s value: %s", strings.ToLower(name), v)
	}
}

// copyChecksum reads the algorithm a copy should compute.
func copyChecksum(r *http.Request) (checksum.Algorithm, error) {
	v := r.Header.Get("X-Amz-Checksum-Algorithm")
	if v == "" {
		return checksum.None, nil
	}
	a, ok := checksum.Parse(v)
	if !ok {
		return checksum.None, errInvalidRequest.withMessage("Value for x-amz-checksum-algorithm header is invalid.")
	}
	return a, nil
}
