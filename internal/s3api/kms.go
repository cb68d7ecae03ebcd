package s3api

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/hoard-s3/hoard/internal/kmsapi"
	"github.com/hoard-s3/hoard/internal/sigv4"
)

// The KMS API shares the S3 endpoint, as AWS SDKs and the aws CLI address
// it with --endpoint-url: any POST whose X-Amz-Target starts with
// "TrentService." is a KMS request. It is authenticated here like every
// request, then answered by the KMS handler in the KMS JSON protocol
// (errors included); the handler refuses a signature scoped to any service
// but "kms", and the S3 operations refuse one scoped to any but "s3".

// serveKMS serves r when it is a KMS request and reports whether it was.
func (h *handler) serveKMS(w http.ResponseWriter, r *http.Request) bool {
	if h.cfg.KMS == nil || !kmsapi.IsKMS(r) {
		return false
	}
	start := time.Now()
	req := newRequest(w, r)
	req.op = operation{name: kmsOpName(r.Header.Get("X-Amz-Target"))}
	req.w.Header().Set("X-Amzn-RequestId", req.id)
	defer h.accessLog(req, start)
	defer h.recoverPanic(req)
	var err error
	if h.cfg.Verifier == nil {
		err = sigv4.ErrMissingAuth
	} else {
		req.auth, err = h.cfg.Verifier.Verify(req.r)
	}
	h.cfg.KMS.ServeVerified(req.w, req.r, req.auth, err)
	req.errCode = req.w.Header().Get("X-Amzn-ErrorType")
	return true
}

// kmsOpName names a KMS operation for the access log, bounded in length
// because the header is the client's.
func kmsOpName(target string) string {
	name := "KMS." + strings.TrimPrefix(target, kmsapi.TargetPrefix)
	if len(name) > 64 {
		name = name[:64]
	}
	return name
}

// checkS3Scope refuses an S3 request signed for another service (a KMS,
// IAM or STS signature is not an S3 one).
func checkS3Scope(auth *sigv4.Auth) error {
	if auth != nil && auth.Service != "" && auth.Service != "s3" {
		return fmt.Errorf("%w: the credential scope names the service %q, not s3", sigv4.ErrAuthHeaderMalformed, auth.Service)
	}
	return nil
}
