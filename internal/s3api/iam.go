package s3api

import (
	"net/http"

	"github.com/hoard-s3/hoard/internal/iamapi"
)

// serveIAM serves r when it is an IAM or STS request (its SigV4 credential
// scope names the service "iam" or "sts") and reports whether it was.
func (h *handler) serveIAM(w http.ResponseWriter, r *http.Request) bool {
	if h.cfg.IAM == nil || !iamapi.IsIAM(r) {
		return false
	}
	h.serveVerified(w, r, "IAM."+iamapi.ScopeService(r), h.cfg.IAM)
	return true
}
