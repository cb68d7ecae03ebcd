package object

import (
	"errors"
	"fmt"
)

// Sentinel errors of the object service. The wire layer alone maps them to
// S3 error codes and HTTP statuses; wrap them with fmt.Errorf("...: %w")
// to add context.
var (
	ErrInvalidBucketName  = errors.New("invalid bucket name")
	ErrNoSuchBucket       = errors.New("no such bucket")
	ErrBucketAlreadyOwned = errors.New("bucket already owned by you")
	ErrBucketNotEmpty     = errors.New("bucket not empty")
	ErrNoSuchKey          = errors.New("no such key")
	ErrInvalidKey         = errors.New("invalid object key")
	ErrKeyTooLong         = errors.New("object key too long")
	ErrPreconditionFailed = errors.New("precondition failed")
	ErrNotModified        = errors.New("not modified")
	ErrInvalidRange       = errors.New("requested range not satisfiable")
	ErrBadDigest          = errors.New("content-md5 does not match")
	ErrChecksumMismatch   = errors.New("checksum does not match")
	ErrInvalidChecksum    = errors.New("malformed checksum value")
	ErrIncompleteBody     = errors.New("body shorter than declared length")
	ErrEntityTooLarge     = errors.New("entity too large")
	ErrMetadataTooLarge   = errors.New("user metadata too large")
	ErrInvalidTag         = errors.New("invalid tag")
	ErrCopyToSelf         = errors.New("copy to itself without changes")
	ErrNoSuchVersion      = errors.New("no such version")
	// ErrInvalidVersionID is a malformed version id, or a version id other
	// than "null" in a bucket that was never versioned (S3's 400
	// InvalidArgument). It wraps ErrInvalidArgument.
	ErrInvalidVersionID = fmt.Errorf("invalid version id: %w", ErrInvalidArgument)
	// ErrMethodNotAllowed is a GET or HEAD of a delete marker by its
	// version id (S3's 405 MethodNotAllowed).
	ErrMethodNotAllowed = errors.New("method not allowed on a delete marker")
	// ErrInvalidBucketState is a versioning change the bucket does not
	// allow (S3's 409 InvalidBucketState).
	ErrInvalidBucketState  = errors.New("invalid bucket state")
	ErrInvalidArgument     = errors.New("invalid argument")
	ErrTooManyKeys         = errors.New("too many keys in batch")
	ErrConditionalConflict = errors.New("conditional request conflict")
	ErrNotImplemented      = errors.New("not implemented")
	// ErrAccessDenied is a refusal by the object service itself, such as
	// removing a version that object lock protects (S3's 403 AccessDenied).
	ErrAccessDenied = errors.New("access denied")

	// Multipart upload errors.
	ErrNoSuchUpload     = errors.New("no such upload")
	ErrInvalidPart      = errors.New("invalid part")
	ErrInvalidPartOrder = errors.New("part list not in ascending order")
	ErrEntityTooSmall   = errors.New("part smaller than the minimum allowed size")
	// ErrMalformedPartList is an empty or oversized part list in
	// CompleteMultipartUpload (S3's MalformedXML).
	ErrMalformedPartList = errors.New("malformed part list")
	// ErrInvalidRequest is S3's InvalidRequest: a request whose parts
	// contradict each other, such as a checksum type the upload does not use.
	ErrInvalidRequest = errors.New("invalid request")
	// ErrInvalidPartNumber is a GET/HEAD partNumber past the object's parts
	// (S3's 400 InvalidPart). It wraps ErrInvalidArgument so that a
	// caller that does not know it still answers 400 InvalidArgument.
	ErrInvalidPartNumber = fmt.Errorf("part number not satisfiable: %w", ErrInvalidArgument)
	// ErrUploadKeyMismatch is a part sent under another SSE-C key than its
	// upload's (S3's 400 InvalidArgument, not the 403 of a read).
	ErrUploadKeyMismatch = errors.New("the customer key differs from the upload's")

	// Storage classes and archives.
	ErrInvalidStorageClass = errors.New("invalid storage class")
	// ErrInvalidObjectState is a read of an archived object that is not
	// restored, or a restore of an object whose class has no archive
	// (S3's 403 InvalidObjectState).
	ErrInvalidObjectState = errors.New("object is archived")
	// ErrRestoreInProgress is a RestoreObject while one is running (409).
	ErrRestoreInProgress = errors.New("restore already in progress")
	// ErrTierUnavailable is a tier that cannot be reached now (S3's 503
	// ServiceUnavailable): nothing changed, and a retry may succeed.
	ErrTierUnavailable = errors.New("storage tier unavailable")
)

// isRequestError reports whether err is the outcome of one request's own
// input or state (a failed condition, a bad version id, a refusal of the
// object-lock check) rather than a failure of the engines. A batch
// (DeleteObjects) reports such errors per key and carries on.
func isRequestError(err error) bool {
	for _, e := range []error{ErrPreconditionFailed, ErrInvalidArgument, ErrNoSuchVersion, ErrMethodNotAllowed,
		ErrInvalidKey, ErrKeyTooLong, ErrNoSuchKey, ErrAccessDenied} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}
