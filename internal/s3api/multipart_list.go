package s3api

import (
	"encoding/xml"
	"strings"

	"github.com/hoard-s3/hoard/internal/checksum"
	"github.com/hoard-s3/hoard/internal/object"
)

type listPartsResult struct {
	XMLName              xml.Name `xml:"ListPartsResult"`
	NS                   string   `xml:"xmlns,attr"`
	Bucket               string
	Key                  string
	UploadID             string `xml:"UploadId"`
	PartNumberMarker     int
	NextPartNumberMarker int
	MaxParts             int
	IsTruncated          bool
	Parts                []partEntry `xml:"Part"`
	Initiator            owner
	Owner                owner
	StorageClass         string
	ChecksumAlgorithm    string `xml:",omitempty"`
	ChecksumType         string `xml:",omitempty"`
	AbortDate            string `xml:",omitempty"`
	AbortRuleID          string `xml:"AbortRuleId,omitempty"`
}

type partEntry struct {
	PartNumber   int
	LastModified string
	ETag         string
	Size         int64
	checksumFields
}

func (h *handler) listParts(req *request) (*response, error) {
	in := object.ListPartsInput{Bucket: req.bucket, Key: req.key, UploadID: req.query.Get("uploadId")}
	if len(req.key) > object.MaxKeyLength {
		return nil, errKeyTooLong
	}
	var err error
	if in.MaxParts, err = intParam(req.query.Get("max-parts"), "max-parts"); err != nil {
		return nil, err
	}
	if in.PartNumberMarker, err = intParam(req.query.Get("part-number-marker"), "part-number-marker"); err != nil {
		return nil, err
	}
	res, err := h.svc.ListParts(req.ctx, in)
	if err != nil {
		return nil, err
	}
	up := res.Upload
	initiator, own := h.uploadOwners(req, up)
	doc := &listPartsResult{
		NS: s3NS, Bucket: req.bucket, Key: req.key, UploadID: in.UploadID,
		PartNumberMarker: res.PartNumberMarker, NextPartNumberMarker: res.NextPartNumberMarker,
		MaxParts: res.MaxParts, IsTruncated: res.IsTruncated, Initiator: initiator, Owner: own,
		StorageClass: storageClass(up.StorageClass),
	}
	doc.ChecksumAlgorithm, doc.ChecksumType = uploadChecksum(up)
	for _, p := range res.Parts {
		doc.Parts = append(doc.Parts, partEntry{
			PartNumber: p.PartNumber, LastModified: s3Time(p.LastModified), ETag: quoteETag(p.ETag),
			Size: p.Size, checksumFields: typedChecksumXML(p.Checksum, ""),
		})
	}
	resp := xmlResponse(doc)
	if exp, ok := h.setAbortHeaders(req, resp.header, req.key, up.Initiated); ok {
		doc.AbortDate, doc.AbortRuleID = s3Time(exp.At), exp.RuleID
	}
	return resp, nil
}

func uploadChecksum(up object.MultipartUpload) (alg, typ string) {
	if up.ChecksumAlgorithm == checksum.None {
		return "", ""
	}
	return string(up.ChecksumAlgorithm), string(up.ChecksumType)
}

type listMultipartUploadsResult struct {
	XMLName            xml.Name `xml:"ListMultipartUploadsResult"`
	NS                 string   `xml:"xmlns,attr"`
	Bucket             string
	KeyMarker          string
	UploadIDMarker     string `xml:"UploadIdMarker"`
	NextKeyMarker      string
	NextUploadIDMarker string `xml:"NextUploadIdMarker"`
	Delimiter          string `xml:",omitempty"`
	Prefix             string
	EncodingType       string `xml:",omitempty"`
	MaxUploads         int
	IsTruncated        bool
	Uploads            []uploadEntry  `xml:"Upload"`
	CommonPrefixes     []commonPrefix `xml:"CommonPrefixes"`
}

type uploadEntry struct {
	Key               string
	UploadID          string `xml:"UploadId"`
	Initiator         owner
	Owner             owner
	StorageClass      string
	Initiated         string
	ChecksumAlgorithm string `xml:",omitempty"`
	ChecksumType      string `xml:",omitempty"`
}

func (h *handler) listMultipartUploads(req *request) (*response, error) {
	q := req.query
	in := object.ListUploadsInput{
		Bucket: req.bucket, Prefix: q.Get("prefix"), Delimiter: q.Get("delimiter"),
		KeyMarker: q.Get("key-marker"), UploadIDMarker: q.Get("upload-id-marker"),
	}
	var err error
	if in.MaxUploads, err = intParam(q.Get("max-uploads"), "max-uploads"); err != nil {
		return nil, err
	}
	if _, ok := q["max-uploads"]; !ok || in.MaxUploads > object.MaxListUploads {
		in.MaxUploads = object.MaxListUploads
	}
	encode, encType, err := encodingType(req)
	if err != nil {
		return nil, err
	}
	res := &object.ListUploadsResult{}
	if in.MaxUploads > 0 {
		if res, err = h.svc.ListMultipartUploads(req.ctx, in); err != nil {
			return nil, err
		}
	} else if _, err := h.svc.HeadBucket(req.ctx, in.Bucket); err != nil {
		return nil, err
	}
	doc := &listMultipartUploadsResult{
		NS: s3NS, Bucket: req.bucket, KeyMarker: encode(in.KeyMarker), UploadIDMarker: in.UploadIDMarker,
		NextKeyMarker: encode(res.NextKeyMarker), NextUploadIDMarker: res.NextUploadIDMarker,
		Delimiter: encode(in.Delimiter), Prefix: encode(in.Prefix), EncodingType: encType,
		MaxUploads: in.MaxUploads, IsTruncated: res.IsTruncated,
	}
	for _, u := range res.Uploads {
		initiator, own := h.uploadOwners(req, u)
		e := uploadEntry{
			Key: encode(u.Key), UploadID: u.UploadID, Initiator: initiator, Owner: own,
			StorageClass: storageClass(u.StorageClass), Initiated: s3Time(u.Initiated),
		}
		e.ChecksumAlgorithm, e.ChecksumType = uploadChecksum(u)
		doc.Uploads = append(doc.Uploads, e)
	}
	for _, cp := range res.CommonPrefixes {
		doc.CommonPrefixes = append(doc.CommonPrefixes, commonPrefix{Prefix: encode(cp)})
	}
	return xmlResponse(doc), nil
}

// encodingType reads encoding-type; only "url" is defined.
func encodingType(req *request) (func(string) string, string, error) {
	v, ok := req.query["encoding-type"]
	if !ok {
		return func(s string) string { return s }, "", nil
	}
	if !strings.EqualFold(v[0], "url") {
		return nil, "", errInvalidArgument.withMessage("Invalid Encoding Method specified in Request")
	}
	return s3URLEncode, "url", nil
}
