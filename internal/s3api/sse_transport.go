package s3api

import (
	"net/http"
	"strings"

	"github.com/hoard-s3/hoard/internal/tlsconf"
)

// errSSECInsecure is S3's answer to a customer key sent without TLS: the
// key is a secret in a header, and a server that accepted it would teach
// clients to send it in the clear.
var errSSECInsecure = errInvalidRequest.withMessage("Requests specifying Server Side Encryption with Customer provided keys must be made over a secure connection.")

// checkSSECTransport refuses a request carrying SSE-C headers (its own or
// a copy source's) that did not travel over TLS, before the key is used
// for anything, unless the operator allowed it.
func (h *handler) checkSSECTransport(req *request) error {
	if h.cfg.AllowSSECOverHTTP || tlsconf.Secure(req.r) || !carriesCustomerKey(req.r) {
		return nil
	}
	return errSSECInsecure
}

func carriesCustomerKey(r *http.Request) bool {
	for k := range r.Header {
		lk := strings.ToLower(k)
		if strings.HasPrefix(lk, "x-amz-server-side-encryption-customer-") ||
			strings.HasPrefix(lk, "x-amz-copy-source-server-side-encryption-customer-") {
			return true
		}
	}
	// A presigned URL may carry the headers in its query.
	q := strings.ToLower(r.URL.RawQuery)
	return strings.Contains(q, "server-side-encryption-customer-")
}
