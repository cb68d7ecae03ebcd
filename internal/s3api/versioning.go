package s3api

import (
	"encoding/xml"
	"net/http"
	"strconv"

	"github.com/hoard-s3/hoard/internal/object"
)

type versioningConfiguration struct {
	XMLName   xml.Name `xml:"VersioningConfiguration"`
	NS        string   `xml:"xmlns,attr,omitempty"`
	Status    string   `xml:"Status,omitempty"`
	MfaDelete string   `xml:"MfaDelete,omitempty"`
}

// getBucketVersioning answers the bucket's state; a bucket that was never
// versioned has an empty VersioningConfiguration, as on S3.
func (h *handler) getBucketVersioning(req *request) (*response, error) {
	b, err := h.svc.HeadBucket(req.ctx, req.bucket)
	if err != nil {
		return nil, err
	}
	return xmlResponse(&versioningConfiguration{NS: s3NS, Status: b.Versioning.String()}), nil
}

// maxVersioningXML bounds the PutBucketVersioning body.
const maxVersioningXML = 4 << 10

// putBucketVersioning enables or suspends versioning. MFA Delete needs
// MFA devices Hoard does not have: asking to enable it is NotImplemented;
// "Disabled" is what every bucket already has.
func (h *handler) putBucketVersioning(req *request) (*response, error) {
	body, err := readVerifiedBody(req, maxVersioningXML, false)
	if err != nil {
		return nil, err
	}
	var doc versioningConfiguration
	if err := decodeXML(body, &doc); err != nil {
		return nil, err
	}
	switch doc.MfaDelete {
	case "", "Disabled":
	case "Enabled":
		return nil, errNotImplemented.withMessage("MFA Delete is not implemented.")
	default:
		return nil, errMalformedXML
	}
	if req.header("X-Amz-Mfa") != "" {
		return nil, errNotImplemented.withMessage("MFA Delete is not implemented.")
	}
	var state object.VersioningState
	switch doc.Status {
	case "Enabled":
		state = object.VersioningEnabled
	case "Suspended":
		state = object.VersioningSuspended
	default:
		return nil, errMalformedXML
	}
	if err := h.svc.PutBucketVersioning(req.ctx, req.bucket, state); err != nil {
		return nil, err
	}
	return newResponse(http.StatusOK), nil
}

type listVersionsResult struct {
	XMLName             xml.Name       `xml:"ListVersionsResult"`
	NS                  string         `xml:"xmlns,attr"`
	Name                string         `xml:"Name"`
	Prefix              string         `xml:"Prefix"`
	KeyMarker           string         `xml:"KeyMarker"`
	VersionIdMarker     string         `xml:"VersionIdMarker"`
	NextKeyMarker       string         `xml:"NextKeyMarker,omitempty"`
	NextVersionIdMarker string         `xml:"NextVersionIdMarker,omitempty"`
	MaxKeys             int            `xml:"MaxKeys"`
	Delimiter           string         `xml:"Delimiter,omitempty"`
	EncodingType        string         `xml:"EncodingType,omitempty"`
	IsTruncated         bool           `xml:"IsTruncated"`
	Entries             []versionEntry // Version and DeleteMarker elements, interleaved in order
	CommonPrefixes      []commonPrefix `xml:"CommonPrefixes"`
}

// versionEntry is a Version or (XMLName DeleteMarker) a DeleteMarker
// element; markers carry no ETag, size or storage class.
type versionEntry struct {
	XMLName           xml.Name
	Key               string
	VersionId         string
	IsLatest          bool
	LastModified      s3Timestamp
	ETag              *etagText `xml:",omitempty"`
	Size              *int64    `xml:",omitempty"`
	ChecksumAlgorithm string    `xml:",omitempty"`
	ChecksumType      string    `xml:",omitempty"`
	Owner             owner
	StorageClass      string            `xml:",omitempty"`
	RestoreStatus     *restoreStatusXML `xml:",omitempty"`
}

// listObjectVersions serves GET Bucket ?versions, versioned or not.
func (h *handler) listObjectVersions(req *request) (*response, error) {
	p, err := decodeListParams(req)
	if err != nil {
		return nil, err
	}
	q := req.query
	in := object.ListVersionsInput{
		Bucket: req.bucket, Prefix: p.in.Prefix, Delimiter: p.in.Delimiter, MaxKeys: p.in.MaxKeys,
		KeyMarker: q.Get("key-marker"), VersionIDMarker: q.Get("version-id-marker"),
	}
	if in.VersionIDMarker != "" && in.KeyMarker == "" {
		return nil, errInvalidArgument.withMessage("A version-id marker cannot be specified without a key marker.")
	}
	var res *object.ListVersionsResult
	if in.MaxKeys == 0 {
		if _, err := h.svc.HeadBucket(req.ctx, in.Bucket); err != nil {
			return nil, err
		}
		res = &object.ListVersionsResult{}
	} else if res, err = h.svc.ListObjectVersions(req.ctx, in); err != nil {
		return nil, err
	}
	doc := &listVersionsResult{
		NS: s3NS, Name: req.bucket, Prefix: p.encode(in.Prefix), KeyMarker: p.encode(in.KeyMarker),
		VersionIdMarker: in.VersionIDMarker, MaxKeys: in.MaxKeys, Delimiter: p.encode(in.Delimiter),
		EncodingType: p.encType, IsTruncated: res.IsTruncated,
	}
	if res.IsTruncated {
		doc.NextKeyMarker, doc.NextVersionIdMarker = p.encode(res.NextKeyMarker), res.NextVersionIDMarker
	}
	ownerOf, err := h.listOwners(req)
	if err != nil {
		return nil, err
	}
	doc.Entries = make([]versionEntry, 0, len(res.Versions))
	for i := range res.Versions {
		v := &res.Versions[i]
		who, err := ownerOf(v.Key, v.VersionID)
		if err != nil {
			return nil, err
		}
		e := versionXML(v, p.encode, who)
		if p.restoreStatus {
			e.RestoreStatus = restoreStatusOf(res.Versions[i].Restore)
		}
		doc.Entries = append(doc.Entries, e)
	}
	for _, cp := range res.CommonPrefixes {
		doc.CommonPrefixes = append(doc.CommonPrefixes, commonPrefix{Prefix: p.encode(cp)})
	}
	return xmlResponse(doc), nil
}

func versionXML(v *object.ListedVersion, encode func(string) string, who owner) versionEntry {
	e := versionEntry{
		XMLName: xml.Name{Local: "Version"}, Key: encode(v.Key), VersionId: v.VersionID,
		IsLatest: v.IsLatest, LastModified: s3Timestamp(v.LastModified), Owner: who,
	}
	if v.DeleteMarker {
		e.XMLName.Local = "DeleteMarker"
		return e
	}
	etag, size := etagText(v.ETag), v.Size
	e.ETag, e.Size, e.StorageClass = &etag, &size, storageClass(v.StorageClass)
	if v.ChecksumAlgorithm != "" {
		e.ChecksumAlgorithm, e.ChecksumType = string(v.ChecksumAlgorithm), string(v.ChecksumType)
	}
	return e
}

// deleteConditions reads the conditional-delete headers of DeleteObject.
func deleteConditions(req *request) (object.DeleteConditions, error) {
	c := object.DeleteConditions{IfMatch: req.header("If-Match")}
	if v := req.header("X-Amz-If-Match-Last-Modified-Time"); v != "" {
		t, err := http.ParseTime(v)
		if err != nil {
			return c, errInvalidArgument.withMessage("Invalid x-amz-if-match-last-modified-time header")
		}
		c.IfMatchLastModified = t
	}
	if v := req.header("X-Amz-If-Match-Size"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return c, errInvalidArgument.withMessage("Invalid x-amz-if-match-size header")
		}
		c.IfMatchSize = &n
	}
	return c, nil
}
