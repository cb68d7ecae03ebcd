package s3api

import (
	"net/http"
	"strings"
)

// Request headers asking for features that are not built yet. Storing the
// object without honouring them would silently break the client's
// expectation (retention, redirects), so such requests answer 501.
var unsupportedWriteHeaders = []string{
	"X-Amz-Object-Lock-Mode",
	"X-Amz-Object-Lock-Retain-Until-Date",
	"X-Amz-Object-Lock-Legal-Hold",
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
	if sc := r.Header.Get("X-Amz-Storage-Class"); sc != "" && sc != "STANDARD" {
		return errNotImplemented.withMessage("Storage class %s is not implemented; only STANDARD is.", sc)
	}
	// ACL headers were checked by authorization (acceptObjectACL) against
	// the bucket's Object Ownership and Block Public Access.
	return nil
}

// checkCreateBucketHeaders refuses bucket settings that are not built.
// (Ownership and ACL headers are checked by newBucketConfigs.)
func checkCreateBucketHeaders(r *http.Request) error {
	if strings.EqualFold(r.Header.Get("X-Amz-Bucket-Object-Lock-Enabled"), "true") {
		return errNotImplemented.withMessage("Object Lock is not implemented.")
	}
	return nil
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
