package s3api

import (
	"net/http"
	"time"

	"github.com/hoard-s3/hoard/internal/iamapi"
	"github.com/hoard-s3/hoard/internal/sigv4"
)

// The IAM and STS query APIs share the S3 endpoint, as the aws CLI and SDKs
// address them with --endpoint-url: a request whose SigV4 credential scope
// names the service "iam" or "sts" is one of theirs. It is authenticated
// here like every request, then answered by the IAM handler in the query
// protocol's XML (errors included). An S3 operation never sees such a
// signature (checkS3Scope), nor the IAM handler an S3 one.

// serveIAM serves r when it is an IAM or STS request and reports whether
// it was.
func (h *handler) serveIAM(w http.ResponseWriter, r *http.Request) bool {
	if h.cfg.IAM == nil || !iamapi.IsIAM(r) {
		return false
	}
	start := time.Now()
	req := newRequest(w, r)
	req.op = operation{name: "IAM." + iamapi.ScopeService(r)}
	req.w.Header().Set("X-Amzn-RequestId", req.id)
	defer h.accessLog(req, start)
	defer h.recoverPanic(req)
	var err error
	if h.cfg.Verifier == nil {
		err = sigv4.ErrMissingAuth
	} else {
		req.auth, err = h.cfg.Verifier.Verify(req.r)
	}
	h.cfg.IAM.ServeVerified(req.w, req.r, req.auth, err)
	req.errCode = req.w.Header().Get("X-Amzn-ErrorType")
	return true
}
