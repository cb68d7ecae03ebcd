package s3api

import (
	"net/http"

	"github.com/hoard-s3/hoard/internal/adminapi"
	"github.com/hoard-s3/hoard/internal/iamapi"
)

// serveAdmin serves r when it is signed for the admin API (credential
// scope service "hoard") and reports whether it was.
func (h *handler) serveAdmin(w http.ResponseWriter, r *http.Request) bool {
	if h.cfg.Admin == nil || iamapi.ScopeService(r) != adminapi.Service {
		return false
	}
	h.serveVerified(w, r, "Admin", h.cfg.Admin)
	return true
}
