package s3api

import (
	"net/http"
	"strings"
)

// Request headers asking for features that are not built yet. Storing the
// object without honouring them would silently break the client's
// expectation (encryption, retention), so such requests answer 501.
var unsupportedWriteHeaders = []string{
	"X-Amz-Server-Side-Encryption",
	"X-Amz-Server-Side-Encryption-Customer-Algorithm",
	"X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id",
	"X-Amz-Copy-Source-Server-Side-Encryption-Customer-Algorithm",
	"X-Amz-Object-Lock-Mode",
	"X-Amz-Object-Lock-Retain-Until-Date",
	"X-Amz-Object-Lock-Legal-Hold",
	"X-Amz-Website-Redirect-Location",
}

var errACLNotSupported = newErr("AccessControlListNotSupported", 400, "The bucket does not allow ACLs")

// checkWriteHeaders refuses object writes that ask for what we cannot
// honour. Buckets enforce object ownership (ACLs disabled, the S3 default
// since 2023), so only the ACLs that mean "owner only" are accepted.
func checkWriteHeaders(r *http.Request) error {
	for _, h := range unsupportedWriteHeaders {
		if r.Header.Get(h) != "" {
			return errNotImplemented.withMessage("A header you provided implies functionality that is not implemented: %s", strings.ToLower(h))
		}
	}
	if sc := r.Header.Get("X-Amz-Storage-Class"); sc != "" && sc != "STANDARD" {
		return errNotImplemented.withMessage("Storage class %s is not implemented; only STANDARD is.", sc)
	}
	if !ownerOnlyACL(r) {
		return errACLNotSupported
	}
	return nil
}

// checkCreateBucketHeaders refuses bucket settings that are not built.
func checkCreateBucketHeaders(r *http.Request) error {
	if strings.EqualFold(r.Header.Get("X-Amz-Bucket-Object-Lock-Enabled"), "true") {
		return errNotImplemented.withMessage("Object Lock is not implemented.")
	}
	if o := r.Header.Get("X-Amz-Object-Ownership"); o != "" && o != "BucketOwnerEnforced" {
		return errNotImplemented.withMessage("Object ownership %s is not implemented; only BucketOwnerEnforced is.", o)
	}
	if !ownerOnlyACL(r) {
		return newErr("InvalidBucketAclWithObjectOwnership", 400, "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting")
	}
	return nil
}

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
