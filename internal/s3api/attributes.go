package s3api

import (
	"encoding/xml"
	"strings"

	"github.com/hoard-s3/hoard/internal/object"
)

type objectAttributes struct {
	XMLName      xml.Name        `xml:"GetObjectAttributesResponse"`
	NS           string          `xml:"xmlns,attr"`
	ETag         string          `xml:"ETag,omitempty"`
	Checksum     *checksumFields `xml:"Checksum,omitempty"`
	ObjectParts  *objectParts    `xml:"ObjectParts,omitempty"`
	StorageClass string          `xml:"StorageClass,omitempty"`
	ObjectSize   *int64          `xml:"ObjectSize,omitempty"`
}

type objectParts struct {
	TotalPartsCount int
}

var knownAttributes = map[string]bool{
	"ETag": true, "Checksum": true, "ObjectParts": true, "StorageClass": true, "ObjectSize": true,
}

// parseAttributes reads x-amz-object-attributes (comma-separated, possibly
// repeated); at least one known name is required.
func parseAttributes(req *request) (map[string]bool, error) {
	want := map[string]bool{}
	for _, v := range req.r.Header.Values("X-Amz-Object-Attributes") {
		for _, name := range strings.Split(v, ",") {
			name = strings.TrimSpace(name)
			if name == "" {
				continue
			}
			if !knownAttributes[name] {
				return nil, errInvalidArgument.withMessage("Invalid attribute name specified.")
			}
			want[name] = true
		}
	}
	if len(want) == 0 {
		return nil, errInvalidArgument.withMessage("Must specify at least one attribute in x-amz-object-attributes.")
	}
	return want, nil
}

// getObjectAttributes answers GET ?attributes. The ETag is unquoted in
// this document, as S3 sends it.
func (h *handler) getObjectAttributes(req *request) (*response, error) {
	want, err := parseAttributes(req)
	if err != nil {
		return nil, err
	}
	rd, err := h.svc.GetObject(req.ctx, object.GetInput{
		Bucket: req.bucket, Key: req.key, VersionID: req.query.Get("versionId"), HeadOnly: true,
	})
	if err != nil {
		return nil, err
	}
	info := rd.Info
	doc := &objectAttributes{NS: s3NS}
	if want["ETag"] {
		doc.ETag = strings.Trim(info.ETag, `"`)
	}
	if want["Checksum"] && !info.Checksum.IsZero() {
		f := checksumXML(info.Checksum)
		doc.Checksum = &f
	}
	if want["ObjectParts"] && info.PartsCount > 0 {
		doc.ObjectParts = &objectParts{TotalPartsCount: info.PartsCount}
	}
	if want["StorageClass"] {
		doc.StorageClass = storageClass(info.StorageClass)
	}
	if want["ObjectSize"] {
		size := info.Size
		doc.ObjectSize = &size
	}
	resp := xmlResponse(doc)
	resp.header.Set("Last-Modified", httpTime(info.LastModified))
	setVersionHeader(resp.header, info.VersionID)
	return resp, nil
}
