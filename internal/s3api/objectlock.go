package s3api

import (
	"encoding/xml"
	"net/http"
	"strings"

	"github.com/hoard-s3/hoard/internal/object"
)

// Object lock, bucket side: ?object-lock and CreateBucket's
// x-amz-bucket-object-lock-enabled. The object service validates and
// stores the configuration; this file only speaks XML.

var (
	opGetObjectLockConfiguration = operation{"GetObjectLockConfiguration", (*handler).getObjectLockConfiguration}
	opPutObjectLockConfiguration = operation{"PutObjectLockConfiguration", (*handler).putObjectLockConfiguration}
)

// objectLockConfiguration is the ObjectLockConfiguration document.
// Days and Years are pointers: a zero that is present is a period the
// service refuses (InvalidRetentionPeriod); neither or both present is
// MalformedXML.
type objectLockConfiguration struct {
	XMLName           xml.Name      `xml:"ObjectLockConfiguration"`
	NS                string        `xml:"xmlns,attr,omitempty"`
	ObjectLockEnabled string        `xml:"ObjectLockEnabled,omitempty"`
	Rule              *lockRuleXML  `xml:"Rule,omitempty"`
	Unknown           []xmlAnything `xml:",any"`
}

type lockRuleXML struct {
	DefaultRetention *defaultRetentionXML `xml:"DefaultRetention"`
	Unknown          []xmlAnything        `xml:",any"`
}

type defaultRetentionXML struct {
	Mode    string        `xml:"Mode"`
	Days    *int          `xml:"Days,omitempty"`
	Years   *int          `xml:"Years,omitempty"`
	Unknown []xmlAnything `xml:",any"`
}

// xmlAnything catches elements the schema does not have, which S3 refuses.
type xmlAnything struct {
	XMLName xml.Name
}

// lockConfigFromXML turns the document into the service's configuration.
// What the schema forbids is MalformedXML here; the period's bounds are
// the service's to check.
func lockConfigFromXML(doc *objectLockConfiguration) (object.ObjectLockConfig, error) {
	var c object.ObjectLockConfig
	if doc.ObjectLockEnabled != "Enabled" || len(doc.Unknown) > 0 {
		return c, errMalformedXML
	}
	if doc.Rule == nil {
		return c, nil
	}
	d := doc.Rule.DefaultRetention
	if d == nil || len(doc.Rule.Unknown) > 0 || len(d.Unknown) > 0 {
		return c, errMalformedXML
	}
	if (d.Days == nil) == (d.Years == nil) {
		return c, errMalformedXML.withMessage("The XML you provided was not well-formed or did not validate against our published schema: DefaultRetention needs exactly one of Days and Years")
	}
	mode, ok := object.ParseLockMode(d.Mode)
	if !ok {
		return c, errMalformedXML
	}
	c.Default = &object.DefaultRetention{Mode: mode}
	if d.Days != nil {
		c.Default.Days = *d.Days
	} else {
		c.Default.Years = *d.Years
	}
	return c, nil
}

func lockConfigToXML(c *object.ObjectLockConfig) *objectLockConfiguration {
	doc := &objectLockConfiguration{NS: s3NS, ObjectLockEnabled: "Enabled"}
	if d := c.Default; d != nil {
		r := &defaultRetentionXML{Mode: d.Mode.String()}
		if d.Years > 0 {
			r.Years = &d.Years
		} else {
			r.Days = &d.Days
		}
		doc.Rule = &lockRuleXML{DefaultRetention: r}
	}
	return doc
}

// putObjectLockConfiguration requires Content-MD5 or a checksum, as S3
// does for this call.
func (h *handler) putObjectLockConfiguration(req *request) (*response, error) {
	body, err := readVerifiedBody(req, maxSmallXML, true)
	if err != nil {
		return nil, err
	}
	var doc objectLockConfiguration
	if err := decodeXML(body, &doc); err != nil {
		return nil, err
	}
	cfg, err := lockConfigFromXML(&doc)
	if err != nil {
		return nil, err
	}
	if err := h.svc.PutObjectLockConfig(req.ctx, req.bucket, cfg); err != nil {
		return nil, err
	}
	return newResponse(http.StatusOK), nil
}

func (h *handler) getObjectLockConfiguration(req *request) (*response, error) {
	cfg, err := h.svc.GetObjectLockConfig(req.ctx, req.bucket)
	if err != nil {
		return nil, err
	}
	return xmlResponse(lockConfigToXML(cfg)), nil
}

// wantsObjectLock reports whether CreateBucket asks for object lock.
// Anything but "true" or "false" is refused, as S3 does.
func wantsObjectLock(r *http.Request) (bool, error) {
	v := r.Header.Get("X-Amz-Bucket-Object-Lock-Enabled")
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "":
		return false, nil
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, errInvalidArgument.withMessage("x-amz-bucket-object-lock-enabled must be true or false")
}

// enableLockOnCreate turns on versioning and object lock on a bucket just
// created. Should that fail, the bucket is removed again rather than left
// without the protection the client asked for.
func (h *handler) enableLockOnCreate(req *request) error {
	err := h.svc.EnableObjectLock(req.ctx, req.bucket)
	if err == nil {
		return nil
	}
	if derr := h.svc.DeleteBucket(req.ctx, req.bucket); derr != nil {
		h.log.Error("object lock failed on a new bucket, and removing it failed too", "request_id", req.id, "bucket", req.bucket, "err", derr)
	}
	return err
}

// Object lock's sentinel errors. None wraps another sentinel, so their
// place at the end of errorTable does not matter.
func init() {
	for _, e := range []struct {
		err error
		api *apiError
	}{
		{object.ErrObjectLockNotEnabled, errInvalidRequest.withMessage("Bucket is missing Object Lock Configuration")},
		{object.ErrNoObjectLockConfig, newErr("ObjectLockConfigurationNotFoundError", 404, "Object Lock configuration does not exist for this bucket")},
		{object.ErrNoVersionRetention, newErr("NoSuchObjectLockConfiguration", 404, "The specified object does not have a ObjectLock configuration")},
		{object.ErrInvalidRetentionPeriod, newErr("InvalidRetentionPeriod", 400, "Default retention period must be a positive integer value for 'Days' or 'Years', at most 36500 days or 100 years.")},
		{object.ErrMalformedLockConfig, errMalformedXML},
		{object.ErrRetainUntilPast, errInvalidArgument.withMessage("The retain until date must be in the future!")},
		{object.ErrLockDigestRequired, errInvalidRequest.withMessage("Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object requests with Object Lock parameters")},
	} {
		errorTable = append(errorTable, struct {
			err error
			api *apiError
		}{e.err, e.api})
	}
}
