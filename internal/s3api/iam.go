package s3api

import (
	"net/http"
	"time"

	"github.com/hoard-s3/hoard/internal/iamapi"
)

// serveIAM serves r when it is an IAM or STS request (its SigV4 credential
// scope names the service "iam" or "sts", or it is an unsigned STS form
// post) and reports whether it was.
func (h *handler) serveIAM(w http.ResponseWriter, r *http.Request) bool {
	if h.cfg.IAM == nil {
		return false
	}
	if iamapi.IsUnsignedSTS(r) {
		h.serveUnsignedSTS(w, r)
		return true
	}
	if !iamapi.IsIAM(r) {
		return false
	}
	h.serveVerified(w, r, "IAM."+iamapi.ScopeService(r), h.cfg.IAM)
	return true
}

// serveUnsignedSTS serves AssumeRoleWithWebIdentity, which carries the
// identity provider's token instead of a signature.
func (h *handler) serveUnsignedSTS(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	req := newRequest(w, r)
	req.op = operation{name: "IAM.sts"}
	req.w.Header().Set("X-Amzn-RequestId", req.id)
	defer h.accessLog(req, start)
	defer h.recoverPanic(req)
	h.cfg.IAM.ServeUnsigned(req.w, req.r)
	req.errCode = req.w.Header().Get("X-Amzn-ErrorType")
}
