package s3api

import (
	"encoding/hex"
	"net/http"

	"github.com/hoard-s3/hoard/internal/object"
	"github.com/hoard-s3/hoard/internal/sigv4"
)

// Object lock headers of writes (PUT, POST form fields, CopyObject,
// CreateMultipartUpload) and of reads (GET, HEAD).

const (
	hdrLockMode      = "X-Amz-Object-Lock-Mode"
	hdrLockUntil     = "X-Amz-Object-Lock-Retain-Until-Date"
	hdrLockLegalHold = "X-Amz-Object-Lock-Legal-Hold"
)

// lockFromHeaders reads the lock a write asks for; nil when it names
// none, so that the bucket's default retention applies.
func lockFromHeaders(hd http.Header) (*object.ObjectLock, error) {
	mode, until, hold := hd.Get(hdrLockMode), hd.Get(hdrLockUntil), hd.Get(hdrLockLegalHold)
	if mode == "" && until == "" && hold == "" {
		return nil, nil
	}
	l := &object.ObjectLock{}
	if (mode == "") != (until == "") {
		return nil, errInvalidArgument.withMessage("x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied")
	}
	var ok bool
	if l.Mode, ok = object.ParseLockMode(mode); mode != "" && !ok {
		return nil, errInvalidArgument.withMessage("Unknown wormMode directive.")
	}
	if until != "" {
		t, ok := parseLockDate(until)
		if !ok {
			return nil, errInvalidArgument.withMessage("The retain until date must be provided in ISO 8601 format")
		}
		l.RetainUntil = t
	}
	l.LegalHoldSet = hold != ""
	switch hold {
	case "", "OFF":
	case "ON":
		l.LegalHold = true
	default:
		return nil, errInvalidArgument.withMessage("Legal Hold must be either of 'ON' or 'OFF'")
	}
	return l, nil
}

// authorizeLockHeaders asks what S3 asks of a write that sets a lock:
// s3:PutObjectRetention for a retention, s3:PutObjectLegalHold for a
// legal hold, with the lock condition keys from the headers.
func (h *handler) authorizeLockHeaders(req *request, hd http.Header) error {
	if hd.Get(hdrLockMode) != "" || hd.Get(hdrLockUntil) != "" {
		if err := h.allow(req, "s3:PutObjectRetention", onObject, req.bucket, req.key); err != nil {
			return err
		}
	}
	if hd.Get(hdrLockLegalHold) != "" {
		return h.allow(req, "s3:PutObjectLegalHold", onObject, req.bucket, req.key)
	}
	return nil
}

// addLockConditions sets the lock condition keys of a write's headers.
func addLockConditions(c map[string][]string, hd http.Header) {
	mode, raw, hold := hd.Get(hdrLockMode), hd.Get(hdrLockUntil), hd.Get(hdrLockLegalHold)
	if mode == "" && raw == "" && hold == "" {
		return // the common case: nothing to parse
	}
	until, _ := parseLockDate(raw) // zero when absent or malformed
	lockConditions(c, mode, until, hold)
}

// setLockHeaders sends a version's lock on GET and HEAD, each part only
// to a caller allowed to read it (as S3 does).
func (h *handler) setLockHeaders(req *request, hd http.Header, l object.ObjectLock) {
	if l.IsZero() {
		return
	}
	if l.HasRetention() && h.allow(req, "s3:GetObjectRetention", onObject, req.bucket, req.key) == nil {
		hd.Set(hdrLockMode, l.Mode.String())
		hd.Set(hdrLockUntil, s3Time(l.RetainUntil))
	}
	if l.LegalHoldSet && h.allow(req, "s3:GetObjectLegalHold", onObject, req.bucket, req.key) == nil {
		status := "OFF"
		if l.LegalHold {
			status = "ON"
		}
		hd.Set(hdrLockLegalHold, status)
	}
}

// payloadSigned reports a SigV4 body that is verified whole before the
// object becomes visible: a hex x-amz-content-sha256 (checked at EOF) or
// signed aws-chunked chunks. S3 asks for Content-MD5 or a checksum before
// it gives a PutObject a retention; this is as strong an integrity check,
// and the SDKs send no checksum over plain HTTP, so it counts as one here.
func payloadSigned(req *request) bool {
	if req.auth == nil || (req.auth.Method != sigv4.V4Header && req.auth.Method != sigv4.V4Presigned) {
		return false
	}
	h := req.header("X-Amz-Content-Sha256")
	if h == "STREAMING-AWS4-HMAC-SHA256-PAYLOAD" || h == "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER" {
		return true
	}
	if len(h) != 64 {
		return false
	}
	_, err := hex.DecodeString(h)
	return err == nil
}
