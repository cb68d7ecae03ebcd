package s3api

import (
	"bytes"
	"crypto/md5"
	"encoding/xml"
	"net/http"
	"time"

	"github.com/hoard-s3/hoard/internal/checksum"
	"github.com/hoard-s3/hoard/internal/object"
)

func (h *handler) deleteObject(req *request) (*response, error) {
	if len(req.key) > object.MaxKeyLength {
		return nil, errKeyTooLong
	}
	cond, err := deleteConditions(req)
	if err != nil {
		return nil, err
	}
	res, err := h.svc.DeleteObject(req.ctx, object.DeleteInput{
		Bucket: req.bucket, Key: req.key, VersionID: req.query.Get("versionId"), Cond: cond,
		BypassGovernance: h.bypassGovernance(req),
	})
	if err != nil {
		return nil, err
	}
	resp := newResponse(http.StatusNoContent)
	if res.DeleteMarker {
		resp.header.Set("X-Amz-Delete-Marker", "true")
	}
	// The version removed or the marker written; "null" included, as S3
	// sends it for buckets with versioning.
	if res.VersionID != "" {
		resp.header.Set("X-Amz-Version-Id", res.VersionID)
	}
	return resp, nil
}

type deleteRequest struct {
	XMLName xml.Name       `xml:"Delete"`
	Quiet   bool           `xml:"Quiet"`
	Objects []deleteObject `xml:"Object"`
}

type deleteObject struct {
	Key              string    `xml:"Key"`
	VersionID        string    `xml:"VersionId"`
	ETag             string    `xml:"ETag"`
	LastModifiedTime *flexTime `xml:"LastModifiedTime"`
	Size             *int64    `xml:"Size"`
}

// conditions are the entry's conditional-delete elements.
func (o *deleteObject) conditions() object.DeleteConditions {
	c := object.DeleteConditions{IfMatch: o.ETag, IfMatchSize: o.Size}
	if o.LastModifiedTime != nil {
		c.IfMatchLastModified = time.Time(*o.LastModifiedTime)
	}
	return c
}

// flexTime is a timestamp in an XML body. S3's model sends
// DeleteObjects' LastModifiedTime as an HTTP date (rfc822); ISO 8601 is
// accepted too.
type flexTime time.Time

func (t *flexTime) UnmarshalText(b []byte) error {
	v, err := http.ParseTime(string(b))
	if err != nil {
		v, err = time.Parse(time.RFC3339Nano, string(b))
	}
	if err != nil {
		return err
	}
	*t = flexTime(v)
	return nil
}

type deleteResult struct {
	XMLName xml.Name        `xml:"DeleteResult"`
	NS      string          `xml:"xmlns,attr"`
	Deleted []deletedEntry  `xml:"Deleted"`
	Errors  []deleteErrorEl `xml:"Error"`
}

type deletedEntry struct {
	Key                   string
	VersionId             string `xml:",omitempty"`
	DeleteMarker          bool   `xml:",omitempty"`
	DeleteMarkerVersionId string `xml:",omitempty"`
}

type deleteErrorEl struct {
	Key       string
	VersionId string `xml:",omitempty"`
	Code      string
	Message   string
}

func (h *handler) deleteObjects(req *request) (*response, error) {
	doc, err := h.decodeDelete(req)
	if err != nil {
		return nil, err
	}
	ins := make([]object.DeleteInput, len(doc.Objects))
	for i, o := range doc.Objects {
		ins[i] = object.DeleteInput{Bucket: req.bucket, Key: o.Key, VersionID: o.VersionID, Cond: o.conditions()}
	}
	ins, denied, err := h.authorizeKeys(req, ins)
	if err != nil {
		return nil, err
	}
	if wantsBypass(req) {
		for i := range ins {
			ins[i].BypassGovernance = h.mayBypass(req, req.bucket, ins[i].Key)
		}
	}
	var results []object.DeleteResult
	if len(ins) > 0 {
		if results, err = h.svc.DeleteObjects(req.ctx, req.bucket, ins); err != nil {
			return nil, err
		}
	}
	results = append(results, denied...)
	out := &deleteResult{NS: s3NS}
	for _, r := range results {
		h.addDeleteResult(req, out, r, doc.Quiet)
		if r.Err == nil {
			req.batchDeleted = append(req.batchDeleted, [2]string{r.Key, r.VersionID})
		}
	}
	return xmlResponse(out), nil
}

func (h *handler) addDeleteResult(req *request, out *deleteResult, r object.DeleteResult, quiet bool) {
	if r.Err != nil {
		api, known := toAPIError(r.Err)
		if !known {
			h.log.Error("batch delete failed for a key", "request_id", req.id, "bucket", req.bucket, "key", r.Key, "err", r.Err)
		}
		out.Errors = append(out.Errors, deleteErrorEl{Key: r.Key, VersionId: r.VersionID, Code: api.Code, Message: api.Message})
		return
	}
	if quiet {
		return
	}
	// A new delete marker is named by DeleteMarkerVersionId; a version
	// removed by id by VersionId, and when that version was itself a
	// delete marker by both, as in S3.
	e := deletedEntry{Key: r.Key, VersionId: r.VersionID, DeleteMarker: r.DeleteMarker}
	if r.DeleteMarker {
		e.DeleteMarkerVersionId = r.VersionID
		if !r.ByVersion {
			e.VersionId = ""
		}
	}
	out.Deleted = append(out.Deleted, e)
}

// decodeDelete reads and checks the Delete document: at most 2 MiB and
// 1,000 keys, with an integrity check S3 requires for this call.
func (h *handler) decodeDelete(req *request) (*deleteRequest, error) {
	body, err := readVerifiedBody(req, maxDeleteXML, true)
	if err != nil {
		return nil, err
	}
	var doc deleteRequest
	if err := decodeXML(body, &doc); err != nil {
		return nil, err
	}
	if len(doc.Objects) == 0 || len(doc.Objects) > object.MaxDeleteObjects {
		return nil, errMalformedXML
	}
	return &doc, nil
}

// verifyDigests checks a small in-memory body against Content-MD5 and an
// additional checksum (header or trailer).
func verifyDigests(body, md5sum []byte, want object.ExpectedChecksum) error {
	if md5sum != nil {
		got := md5.Sum(body)
		if !bytes.Equal(got[:], md5sum) {
			return errBadDigest
		}
	}
	if want.Algorithm == checksum.None {
		return nil
	}
	value := want.Value
	if want.Late != nil {
		v, err := want.Late()
		if err != nil {
			return err
		}
		value = v
	}
	if value == "" {
		return nil
	}
	hsh := want.Algorithm.New()
	hsh.Write(body)
	if checksum.Encode(hsh.Sum(nil)) != value {
		return errChecksumMismatch.withMessage("The %s you specified did not match the calculated checksum.", want.Algorithm)
	}
	return nil
}
