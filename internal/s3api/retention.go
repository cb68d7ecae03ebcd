package s3api

import (
	"encoding/xml"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hoard-s3/hoard/internal/object"
	"github.com/hoard-s3/hoard/internal/policy"
)

// Object lock, version side: ?retention and ?legal-hold. Both writes
// authorize in their controller, once the body is read, because the
// policy condition keys of object lock come from it.

var (
	opGetObjectRetention = operation{"GetObjectRetention", (*handler).getObjectRetention}
	opPutObjectRetention = operation{"PutObjectRetention", (*handler).putObjectRetention}
	opGetObjectLegalHold = operation{"GetObjectLegalHold", (*handler).getObjectLegalHold}
	opPutObjectLegalHold = operation{"PutObjectLegalHold", (*handler).putObjectLegalHold}
)

type retentionXML struct {
	XMLName         xml.Name      `xml:"Retention"`
	NS              string        `xml:"xmlns,attr,omitempty"`
	Mode            string        `xml:"Mode,omitempty"`
	RetainUntilDate string        `xml:"RetainUntilDate,omitempty"`
	Unknown         []xmlAnything `xml:",any"`
}

type legalHoldXML struct {
	XMLName xml.Name      `xml:"LegalHold"`
	NS      string        `xml:"xmlns,attr,omitempty"`
	Status  string        `xml:"Status"`
	Unknown []xmlAnything `xml:",any"`
}

// parseLockDate reads a retain-until date: ISO 8601 in UTC or with an
// offset, with or without fractional seconds, as the SDKs send it.
func parseLockDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999Z0700", "2006-01-02T15:04:05.999999999"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// versionArg is the versionId a version-scoped request names.
func versionArg(req *request) string { return req.query.Get("versionId") }

func (h *handler) putObjectRetention(req *request) (*response, error) {
	body, err := readVerifiedBody(req, maxSmallXML, true)
	if err != nil {
		return nil, err
	}
	var doc retentionXML
	if err := decodeXML(body, &doc); err != nil {
		return nil, err
	}
	in := object.RetentionInput{Bucket: req.bucket, Key: req.key, VersionID: versionArg(req)}
	var ok bool
	if in.Mode, ok = object.ParseLockMode(doc.Mode); len(doc.Unknown) > 0 || doc.Mode != "" && !ok {
		return nil, errMalformedXML
	}
	if doc.RetainUntilDate != "" {
		t, ok := parseLockDate(doc.RetainUntilDate)
		if !ok {
			return nil, errMalformedXML
		}
		in.RetainUntil = t
	}
	if (in.Mode == object.LockNone) != in.RetainUntil.IsZero() {
		return nil, errMalformedXML
	}
	lockConditions(h.conditions(req), in.Mode.String(), in.RetainUntil, "")
	if err := h.allow(req, "s3:PutObjectRetention", onObject, req.bucket, req.key); err != nil {
		return nil, err
	}
	in.BypassGovernance = h.bypassGovernance(req)
	v, err := h.svc.PutObjectRetention(req.ctx, in)
	if err != nil {
		return nil, err
	}
	resp := newResponse(http.StatusOK)
	setVersionHeader(resp.header, v)
	return resp, nil
}

func (h *handler) getObjectRetention(req *request) (*response, error) {
	l, v, err := h.svc.GetObjectLock(req.ctx, req.bucket, req.key, versionArg(req))
	if err != nil {
		return nil, err
	}
	if !l.HasRetention() {
		return nil, object.ErrNoVersionRetention
	}
	resp := xmlResponse(&retentionXML{NS: s3NS, Mode: l.Mode.String(), RetainUntilDate: s3Time(l.RetainUntil)})
	setVersionHeader(resp.header, v)
	return resp, nil
}

func (h *handler) putObjectLegalHold(req *request) (*response, error) {
	body, err := readVerifiedBody(req, maxSmallXML, true)
	if err != nil {
		return nil, err
	}
	var doc legalHoldXML
	if err := decodeXML(body, &doc); err != nil {
		return nil, err
	}
	if len(doc.Unknown) > 0 || doc.Status != "ON" && doc.Status != "OFF" {
		return nil, errMalformedXML
	}
	lockConditions(h.conditions(req), "", time.Time{}, doc.Status)
	if err := h.allow(req, "s3:PutObjectLegalHold", onObject, req.bucket, req.key); err != nil {
		return nil, err
	}
	v, err := h.svc.PutObjectLegalHold(req.ctx, req.bucket, req.key, versionArg(req), doc.Status == "ON")
	if err != nil {
		return nil, err
	}
	resp := newResponse(http.StatusOK)
	setVersionHeader(resp.header, v)
	return resp, nil
}

func (h *handler) getObjectLegalHold(req *request) (*response, error) {
	l, v, err := h.svc.GetObjectLock(req.ctx, req.bucket, req.key, versionArg(req))
	if err != nil {
		return nil, err
	}
	if !l.LegalHoldSet {
		return nil, object.ErrNoVersionRetention
	}
	status := "OFF"
	if l.LegalHold {
		status = "ON"
	}
	resp := xmlResponse(&legalHoldXML{NS: s3NS, Status: status})
	setVersionHeader(resp.header, v)
	return resp, nil
}

// bypassGovernance reports whether the request asks to bypass GOVERNANCE
// retention and may: x-amz-bypass-governance-retention: true and the
// s3:BypassGovernanceRetention permission. Without the permission the
// request goes on without bypass, so that it still succeeds where no
// retention stands in its way, as on S3.
func (h *handler) bypassGovernance(req *request) bool {
	return wantsBypass(req) && h.mayBypass(req, req.bucket, req.key)
}

// wantsBypass reports x-amz-bypass-governance-retention: true.
func wantsBypass(req *request) bool {
	return strings.EqualFold(strings.TrimSpace(req.header("X-Amz-Bypass-Governance-Retention")), "true")
}

// mayBypass evaluates s3:BypassGovernanceRetention on one object.
func (h *handler) mayBypass(req *request, bucket, key string) bool {
	if _, err := h.resolveCaller(req); err != nil {
		return false
	}
	return h.allow(req, "s3:BypassGovernanceRetention", onObject, bucket, key) == nil
}

// lockConditions adds the object lock condition keys a request supplies.
// s3:object-lock-remaining-retention-days is the whole number of days
// from now to the requested date (rounded up, as a partial day still
// retains).
func lockConditions(c map[string][]string, mode string, until time.Time, hold string) {
	if mode != "" {
		c[policy.KeyS3LockMode] = []string{mode}
	}
	if !until.IsZero() {
		c[policy.KeyS3LockRetainUntil] = []string{until.UTC().Format(time.RFC3339)}
		days := int64(0)
		if d := time.Until(until); d > 0 {
			days = int64((d + 24*time.Hour - 1) / (24 * time.Hour))
		}
		c[policy.KeyS3LockRemainingDays] = []string{strconv.FormatInt(days, 10)}
	}
	if hold != "" {
		c[policy.KeyS3LockLegalHold] = []string{hold}
	}
}
