package s3api

import (
	"net/http"
	"strings"
)

// Request headers asking for features that are not built yet. Storing the
// object without honouring them would silently break the client's
// expectation (redirects), so such requests answer 501.
var unsupportedWriteHeaders = []string{
	"X-Amz-Website-Redirect-Location",
}

var errACLNotSupported = newErr("AccessControlListNotSupported", 400, "The bucket does not allow ACLs")

// checkWriteHeaders refuses object writes that ask for what we cannot
// honour.
func checkWriteHeaders(r *http.Request) error {
	for _, h := range unsupportedWriteHeaders {
		if r.Header.Get(h) != "" {
			return errNotImplemented.withMessage("A header you provided implies functionality that is not implemented: %s", strings.ToLower(h))
		}
	}
	if _, err := storageClassHeader(r); err != nil {
		return err
	}
	// ACL headers were checked by authorization (acceptObjectACL) against
	// the bucket's Object Ownership and Block Public Access.
	return nil
}

// checkCreateBucketHeaders refuses malformed bucket settings. (Ownership
// and ACL headers are checked by newBucketConfigs.)
func checkCreateBucketHeaders(r *http.Request) error {
	_, err := wantsObjectLock(r)
	return err
}

// ownerOnlyACL reports whether a request sets no ACL beyond the owner's.
func ownerOnlyACL(r *http.Request) bool {
	switch r.Header.Get("X-Amz-Acl") {
	case "", "private", "bucket-owner-full-control":
	default:
		return false
	}
	for name := range r.Header {
		if strings.HasPrefix(name, "X-Amz-Grant-") {
			return false
		}
	}
	return true
}
