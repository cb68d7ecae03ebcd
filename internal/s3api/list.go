package s3api

import (
	"encoding/base64"
	"encoding/xml"
	"strconv"
	"strings"

	"github.com/hoard-s3/hoard/internal/object"
)

type listBucketResult struct {
	XMLName               xml.Name       `xml:"ListBucketResult"`
	NS                    string         `xml:"xmlns,attr"`
	Name                  string         `xml:"Name"`
	Prefix                string         `xml:"Prefix"`
	Marker                *string        `xml:"Marker"`
	NextMarker            string         `xml:"NextMarker,omitempty"`
	ContinuationToken     *string        `xml:"ContinuationToken"` // echoed even when empty
	NextContinuationToken string         `xml:"NextContinuationToken,omitempty"`
	StartAfter            string         `xml:"StartAfter,omitempty"`
	KeyCount              *int           `xml:"KeyCount"`
	MaxKeys               int            `xml:"MaxKeys"`
	Delimiter             string         `xml:"Delimiter,omitempty"`
	EncodingType          string         `xml:"EncodingType,omitempty"`
	IsTruncated           bool           `xml:"IsTruncated"`
	Contents              []listEntry    `xml:"Contents"`
	CommonPrefixes        []commonPrefix `xml:"CommonPrefixes"`
}

type listEntry struct {
	Key               string
	LastModified      s3Timestamp
	ETag              etagText
	ChecksumAlgorithm string `xml:",omitempty"`
	ChecksumType      string `xml:",omitempty"`
	Size              int64
	Owner             *owner `xml:",omitempty"`
	StorageClass      string
	RestoreStatus     *restoreStatusXML `xml:",omitempty"`
}

type commonPrefix struct {
	Prefix string
}

// listParams are the query parameters shared by both listing versions.
type listParams struct {
	in      object.ListInput
	encode  func(string) string
	encType string
	// restoreStatus: x-amz-optional-object-attributes asked for it.
	restoreStatus bool
}

func decodeListParams(req *request) (*listParams, error) {
	q := req.query
	p := &listParams{
		in: object.ListInput{Bucket: req.bucket, Prefix: q.Get("prefix"), Delimiter: q.Get("delimiter"), MaxKeys: object.MaxListKeys},
	}
	if v, ok := q["max-keys"]; ok {
		n, err := strconv.Atoi(v[0])
		if err != nil || n < 0 {
			return nil, errInvalidArgument.withMessage("Provided max-keys not an integer or within integer range")
		}
		p.in.MaxKeys = min(n, object.MaxListKeys)
	}
	var err error
	if p.encode, p.encType, err = encodingType(req); err != nil {
		return nil, err
	}
	if p.restoreStatus, err = optionalAttributes(req.r); err != nil {
		return nil, err
	}
	return p, nil
}

// list runs the listing; max-keys=0 answers an empty page without asking.
func (h *handler) list(req *request, in object.ListInput) (*object.ListResult, error) {
	if in.MaxKeys == 0 {
		if _, err := h.svc.HeadBucket(req.ctx, in.Bucket); err != nil {
			return nil, err
		}
		return &object.ListResult{}, nil
	}
	return h.svc.ListObjects(req.ctx, in)
}

func (h *handler) fillEntries(req *request, doc *listBucketResult, p *listParams, res *object.ListResult, withOwner bool) error {
	var ownerOf func(key, vid string) (owner, error)
	if withOwner {
		var err error
		if ownerOf, err = h.listOwners(req); err != nil {
			return err
		}
	}
	doc.Contents = make([]listEntry, 0, len(res.Objects))
	for _, o := range res.Objects {
		e := listEntry{
			Key: p.encode(o.Key), LastModified: s3Timestamp(o.LastModified), ETag: etagText(o.ETag),
			Size: o.Size, StorageClass: o.StorageClass,
			ChecksumAlgorithm: string(o.ChecksumAlgorithm), ChecksumType: string(o.ChecksumType),
		}
		if withOwner {
			who, err := ownerOf(o.Key, "")
			if err != nil {
				return err
			}
			e.Owner = &who
		}
		if p.restoreStatus {
			e.RestoreStatus = restoreStatusOf(o.Restore)
		}
		doc.Contents = append(doc.Contents, e)
	}
	for _, cp := range res.CommonPrefixes {
		doc.CommonPrefixes = append(doc.CommonPrefixes, commonPrefix{Prefix: p.encode(cp)})
	}
	return nil
}

func storageClass(s string) string {
	if s == "" {
		return "STANDARD"
	}
	return s
}

// listObjectsV1 serves GET Bucket (ListObjects). NextMarker appears only
// with a delimiter, as on S3; without one clients use the last key.
func (h *handler) listObjectsV1(req *request) (*response, error) {
	p, err := decodeListParams(req)
	if err != nil {
		return nil, err
	}
	marker := req.query.Get("marker")
	p.in.After = marker
	res, err := h.list(req, p.in)
	if err != nil {
		return nil, err
	}
	encMarker := p.encode(marker)
	doc := &listBucketResult{
		NS: s3NS, Name: req.bucket, Prefix: p.encode(p.in.Prefix), Marker: &encMarker,
		MaxKeys: p.in.MaxKeys, Delimiter: p.encode(p.in.Delimiter), EncodingType: p.encType,
		IsTruncated: res.IsTruncated,
	}
	if res.IsTruncated && p.in.Delimiter != "" {
		doc.NextMarker = p.encode(res.NextMarker)
	}
	if err := h.fillEntries(req, doc, p, res, true); err != nil {
		return nil, err
	}
	return xmlResponse(doc), nil
}

// Continuation tokens are opaque to clients: a version byte and the key to
// resume after, base64url-encoded. Anything else is refused.
const tokenVersion = 1

func encodeToken(after string) string {
	return base64.RawURLEncoding.EncodeToString(append([]byte{tokenVersion}, after...))
}

func decodeToken(tok string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil || len(b) < 2 || b[0] != tokenVersion || len(b) > object.MaxKeyLength+1 {
		return "", errInvalidContinuation
	}
	return string(b[1:]), nil
}

func (h *handler) listObjectsV2(req *request) (*response, error) {
	p, err := decodeListParams(req)
	if err != nil {
		return nil, err
	}
	startAfter := req.query.Get("start-after")
	p.in.After = startAfter
	// An empty token is the first page, as a client that echoes an
	// absent NextContinuationToken expects.
	tok, hasTok := req.query["continuation-token"]
	if hasTok && tok[0] != "" {
		if p.in.After, err = decodeToken(tok[0]); err != nil {
			return nil, err
		}
	}
	res, err := h.list(req, p.in)
	if err != nil {
		return nil, err
	}
	count := len(res.Objects) + len(res.CommonPrefixes)
	doc := &listBucketResult{
		NS: s3NS, Name: req.bucket, Prefix: p.encode(p.in.Prefix), KeyCount: &count,
		MaxKeys: p.in.MaxKeys, Delimiter: p.encode(p.in.Delimiter), EncodingType: p.encType,
		IsTruncated: res.IsTruncated, StartAfter: p.encode(startAfter),
	}
	if hasTok {
		doc.ContinuationToken = &tok[0]
	}
	if res.IsTruncated {
		doc.NextContinuationToken = encodeToken(res.NextMarker)
	}
	if err := h.fillEntries(req, doc, p, res, req.query.Get("fetch-owner") == "true"); err != nil {
		return nil, err
	}
	return xmlResponse(doc), nil
}

// s3URLEncode is the encoding S3 applies with encoding-type=url: query
// escaping (space as '+') that leaves '/', '*', '-', '_' and '.' alone.
func s3URLEncode(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9',
			c == '-', c == '_', c == '.', c == '/', c == '*':
			b.WriteByte(c)
		case c == ' ':
			b.WriteByte('+')
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	return b.String()
}
