package s3api

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/hoard-s3/hoard/internal/kmsapi"
	"github.com/hoard-s3/hoard/internal/sigv4"
)

// serveKMS serves r when it is a KMS request (a POST whose X-Amz-Target
// starts with "TrentService.") and reports whether it was.
func (h *handler) serveKMS(w http.ResponseWriter, r *http.Request) bool {
	if h.cfg.KMS == nil || !kmsapi.IsKMS(r) {
		return false
	}
	h.serveVerified(w, r, kmsOpName(r.Header.Get("X-Amz-Target")), h.cfg.KMS)
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
