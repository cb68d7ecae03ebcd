package s3api

import (
	"encoding/xml"
	"net/http"

	"github.com/hoard-s3/hoard/internal/object"
	"github.com/hoard-s3/hoard/internal/policy"
)

type tagging struct {
	XMLName xml.Name `xml:"Tagging"`
	NS      string   `xml:"xmlns,attr,omitempty"`
	TagSet  tagSet   `xml:"TagSet"`
}

type tagSet struct {
	Tags []tagXML `xml:"Tag"`
}

type tagXML struct {
	Key   string `xml:"Key"`
	Value string `xml:"Value"`
}

func (h *handler) getObjectTagging(req *request) (*response, error) {
	tags, version, err := h.svc.GetObjectTagging(req.ctx, req.bucket, req.key, req.query.Get("versionId"))
	if err != nil {
		return nil, err
	}
	doc := &tagging{NS: s3NS}
	doc.TagSet.Tags = make([]tagXML, 0, len(tags))
	for _, t := range tags {
		doc.TagSet.Tags = append(doc.TagSet.Tags, tagXML{Key: t.Key, Value: t.Value})
	}
	resp := xmlResponse(doc)
	setVersionHeader(resp.header, version)
	return resp, nil
}

func (h *handler) putObjectTagging(req *request) (*response, error) {
	tags, err := decodeTagging(req)
	if err != nil {
		// A caller who may not tag at all learns that first.
		if aerr := h.authorizeTagging(req, nil); aerr != nil {
			return nil, aerr
		}
		return nil, err
	}
	if err := h.authorizeTagging(req, tags); err != nil {
		return nil, err
	}
	version, err := h.svc.PutObjectTagging(req.ctx, req.bucket, req.key, req.query.Get("versionId"), tags)
	if err != nil {
		return nil, err
	}
	resp := newResponse(http.StatusOK)
	setVersionHeader(resp.header, version)
	return resp, nil
}

// authorizeTagging asks for PutObjectTagging with the tags it sets as
// s3:RequestObjectTag/<key> and s3:RequestObjectTagKeys.
func (h *handler) authorizeTagging(req *request, tags []object.Tag) error {
	c := h.conditions(req)
	keys := make([]string, 0, len(tags))
	for _, t := range tags {
		c[policy.KeyS3RequestObjectTag+t.Key] = []string{t.Value}
		keys = append(keys, t.Key)
	}
	c[policy.KeyS3RequestObjectTags] = keys
	perm, _ := permissionOf(req.op.name)
	for _, a := range perm.actionsFor(req) {
		if err := h.allow(req, a, onObject, req.bucket, req.key); err != nil {
			return err
		}
	}
	return nil
}

// decodeTagging reads a Tagging document. The service enforces the tag
// limits; a repeated key is refused here as S3 does.
func decodeTagging(req *request) ([]object.Tag, error) {
	body, err := readVerifiedBody(req, maxSmallXML, false)
	if err != nil {
		return nil, err
	}
	return parseTaggingXML(body)
}

// parseTaggingXML reads a Tagging document (a request body, or the tagging
// field of a browser form).
func parseTaggingXML(body []byte) ([]object.Tag, error) {
	var doc tagging
	if err := decodeXML(body, &doc); err != nil {
		return nil, err
	}
	tags := make([]object.Tag, 0, len(doc.TagSet.Tags))
	seen := map[string]bool{}
	for _, t := range doc.TagSet.Tags {
		if seen[t.Key] {
			return nil, errInvalidTag.withMessage("Cannot provide multiple Tags with the same key")
		}
		seen[t.Key] = true
		tags = append(tags, object.Tag{Key: t.Key, Value: t.Value})
	}
	return tags, nil
}

func (h *handler) deleteObjectTagging(req *request) (*response, error) {
	version, err := h.svc.DeleteObjectTagging(req.ctx, req.bucket, req.key, req.query.Get("versionId"))
	if err != nil {
		return nil, err
	}
	resp := newResponse(http.StatusNoContent)
	setVersionHeader(resp.header, version)
	return resp, nil
}
