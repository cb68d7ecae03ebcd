package s3api

import (
	"net/http"
	"time"

	"github.com/hoard-s3/hoard/internal/sigv4"
)

// verifiedAPI is another AWS API served at the S3 endpoint (KMS, IAM and
// STS), as the aws CLI and SDKs address them with --endpoint-url. The wire
// layer authenticates its requests like every request and hands over the
// outcome; the API answers in its own protocol, errors included, and
// refuses a signature scoped to a service not its own (as the S3
// operations refuse one not scoped to s3: checkS3Scope).
type verifiedAPI interface {
	ServeVerified(w http.ResponseWriter, r *http.Request, auth *sigv4.Auth, err error)
}

// serveVerified authenticates r, lets api answer it and logs it as op.
func (h *handler) serveVerified(w http.ResponseWriter, r *http.Request, op string, api verifiedAPI) {
	start := time.Now()
	req := newRequest(w, r)
	req.op = operation{name: op}
	if h.cfg.Audit != nil {
		req.in.keep, req.in.maxKept = true, maxAuditBody
		req.w.keep, req.w.maxKept = true, maxAuditBody
	}
	req.w.Header().Set("X-Amzn-RequestId", req.id)
	defer h.accessLog(req, start)
	defer h.recoverPanic(req)
	var err error
	if h.cfg.Verifier == nil {
		err = sigv4.ErrMissingAuth
	} else {
		req.auth, err = h.cfg.Verifier.Verify(req.r)
	}
	api.ServeVerified(req.w, req.r, req.auth, err)
	req.errCode = req.w.Header().Get("X-Amzn-ErrorType")
}
