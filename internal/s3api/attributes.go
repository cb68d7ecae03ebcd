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

// objectParts is GetObjectAttributes' ObjectParts: one page of the parts
// of a multipart object.
type objectParts struct {
	TotalPartsCount      int `xml:"PartsCount"`
	PartNumberMarker     int
	NextPartNumberMarker int
	MaxParts             int
	IsTruncated          bool
	Parts                []objectPart `xml:"Part"`
}

type objectPart struct {
	PartNumber int
	Size       int64
	checksumFields
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
	in, err := decodeObjectParts(req)
	if err != nil {
		return nil, err
	}
	res, err := h.svc.GetObjectParts(req.ctx, in)
	if err != nil {
		return nil, err
	}
	info := res.Info
	doc := &objectAttributes{NS: s3NS}
	if want["ETag"] {
		doc.ETag = strings.Trim(info.ETag, `"`)
	}
	if want["Checksum"] && !info.Checksum.IsZero() {
		f := typedChecksumXML(info.Checksum, objectChecksumType(&info))
		doc.Checksum = &f
	}
	if want["ObjectParts"] && res.PartsCount > 0 {
		doc.ObjectParts = objectPartsXML(res)
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

// decodeObjectParts reads the paging headers of the ObjectParts attribute.
func decodeObjectParts(req *request) (object.GetObjectPartsInput, error) {
	in := object.GetObjectPartsInput{Bucket: req.bucket, Key: req.key, VersionID: req.query.Get("versionId")}
	var err error
	if in.SSE, err = readSSE(req.r.Header, ssePrefix); err != nil {
		return in, err
	}
	if in.MaxParts, err = intParam(req.header("X-Amz-Max-Parts"), "x-amz-max-parts"); err != nil {
		return in, err
	}
	in.PartNumberMarker, err = intParam(req.header("X-Amz-Part-Number-Marker"), "x-amz-part-number-marker")
	return in, err
}

func objectPartsXML(res *object.ObjectPartsResult) *objectParts {
	p := &objectParts{
		TotalPartsCount: res.PartsCount, PartNumberMarker: res.PartNumberMarker,
		NextPartNumberMarker: res.NextPartNumberMarker, MaxParts: res.MaxParts, IsTruncated: res.IsTruncated,
	}
	for _, part := range res.Parts {
		p.Parts = append(p.Parts, objectPart{PartNumber: part.PartNumber, Size: part.Size,
			checksumFields: typedChecksumXML(part.Checksum, "")})
	}
	return p
}
