package s3api

import (
	"errors"
	"net/http"

	"github.com/hoard-s3/hoard/internal/object"
)

// Bucket tagging: the object service validates and keeps the tag set;
// this file only speaks its XML.

var (
	opGetBucketTagging    = operation{"GetBucketTagging", (*handler).getBucketTagging}
	opPutBucketTagging    = operation{"PutBucketTagging", (*handler).putBucketTagging}
	opDeleteBucketTagging = operation{"DeleteBucketTagging", (*handler).deleteBucketTagging}

	errNoSuchTagSet = newErr("NoSuchTagSet", 404, "The TagSet does not exist")
)

// maxBucketTaggingXML fits fifty tags of the longest keys and values in
// four-byte UTF-8, which the general small-document limit does not.
const maxBucketTaggingXML = 256 << 10

func (h *handler) getBucketTagging(req *request) (*response, error) {
	tags, err := h.svc.GetBucketTagging(req.ctx, req.bucket)
	if errors.Is(err, object.ErrNoSuchBucketConfig) {
		return nil, errNoSuchTagSet
	}
	if err != nil {
		return nil, err
	}
	doc := &tagging{NS: s3NS}
	doc.TagSet.Tags = make([]tagXML, 0, len(tags))
	for _, t := range tags {
		doc.TagSet.Tags = append(doc.TagSet.Tags, tagXML{Key: t.Key, Value: t.Value})
	}
	return xmlResponse(doc), nil
}

// putBucketTagging: S3 requires an integrity header on this call, as SDKs
// know (they always send one).
func (h *handler) putBucketTagging(req *request) (*response, error) {
	body, err := readVerifiedBody(req, maxBucketTaggingXML, true)
	if err != nil {
		return nil, err
	}
	tags, err := parseTaggingXML(body)
	if err != nil {
		return nil, err
	}
	if err := h.svc.PutBucketTagging(req.ctx, req.bucket, tags); err != nil {
		return nil, err
	}
	return newResponse(http.StatusNoContent), nil
}

func (h *handler) deleteBucketTagging(req *request) (*response, error) {
	if err := h.svc.DeleteBucketTagging(req.ctx, req.bucket); err != nil {
		return nil, err
	}
	return newResponse(http.StatusNoContent), nil
}
