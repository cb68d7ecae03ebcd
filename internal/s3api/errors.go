package s3api

import (
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/hoard-s3/hoard/internal/blob"
	"github.com/hoard-s3/hoard/internal/meta"
	"github.com/hoard-s3/hoard/internal/object"
	"github.com/hoard-s3/hoard/internal/sigv4"
	"github.com/hoard-s3/hoard/internal/sse"
)

// apiError is an S3 error as the client sees it. Header carries extra
// response headers (ETag on 304, Content-Range on 416).
type apiError struct {
	Code    string
	Status  int
	Message string
	Header  http.Header
	// storageClass and accessTier go into the body of an
	// InvalidObjectState for an archived object.
	storageClass, accessTier string
}

func (e *apiError) Error() string { return e.Code + ": " + e.Message }

// withMessage returns a copy of e with another message.
func (e *apiError) withMessage(format string, args ...any) *apiError {
	c := *e
	c.Message = fmt.Sprintf(format, args...)
	return &c
}

// withHeader returns a copy of e that also sends the header.
func (e *apiError) withHeader(name, value string) *apiError {
	c := *e
	c.Header = e.Header.Clone()
	if c.Header == nil {
		c.Header = http.Header{}
	}
	c.Header.Set(name, value)
	return &c
}

func newErr(code string, status int, msg string) *apiError {
	return &apiError{Code: code, Status: status, Message: msg}
}

// Errors raised by the wire layer itself.
var (
	errAccessDenied        = newErr("AccessDenied", 403, "Access Denied")
	errBadDigest           = newErr("BadDigest", 400, "The Content-MD5 you specified did not match what we received.")
	errChecksumMismatch    = newErr("BadDigest", 400, "The checksum you specified did not match the calculated checksum.")
	errEntityTooLarge      = newErr("EntityTooLarge", 400, "Your proposed upload exceeds the maximum allowed object size.")
	errIllegalLocation     = newErr("IllegalLocationConstraintException", 400, "The specified location-constraint is not valid for this endpoint.")
	errIncompleteBody      = newErr("IncompleteBody", 400, "You did not provide the number of bytes specified by the Content-Length HTTP header.")
	errStorageFull         = newErr("XHoardStorageFull", http.StatusInsufficientStorage, "The server's storage is full. Delete objects or add capacity, then retry.")
	errInternal            = newErr("InternalError", 500, "We encountered an internal error. Please try again.")
	errInvalidArgument     = newErr("InvalidArgument", 400, "Invalid Argument")
	errInvalidBucketName   = newErr("InvalidBucketName", 400, "The specified bucket is not valid.")
	errInvalidDigest       = newErr("InvalidDigest", 400, "The Content-MD5 you specified is not valid.")
	errInvalidRange        = newErr("InvalidRange", 416, "The requested range is not satisfiable")
	errInvalidRequest      = newErr("InvalidRequest", 400, "Invalid Request")
	errInvalidTag          = newErr("InvalidTag", 400, "The tag provided was not a valid tag.")
	errKeyTooLong          = newErr("KeyTooLongError", 400, "Your key is too long")
	errMalformedXML        = newErr("MalformedXML", 400, "The XML you provided was not well-formed or did not validate against our published schema")
	errMaxMessageLength    = newErr("MaxMessageLengthExceeded", 400, "Your request was too big.")
	errMetadataTooLarge    = newErr("MetadataTooLarge", 400, "Your metadata headers exceed the maximum allowed metadata size.")
	errMethodNotAllowed    = newErr("MethodNotAllowed", 405, "The specified method is not allowed against this resource.")
	errMissingBody         = newErr("MissingRequestBodyError", 400, "Request Body is empty")
	errMissingLength       = newErr("MissingContentLength", 411, "You must provide the Content-Length HTTP header.")
	errNoSuchBucket        = newErr("NoSuchBucket", 404, "The specified bucket does not exist")
	errNoSuchKey           = newErr("NoSuchKey", 404, "The specified key does not exist.")
	errNotImplemented      = newErr("NotImplemented", 501, "A header or query you provided implies functionality that is not implemented.")
	errChunkedTransfer     = errNotImplemented.withMessage("A header you provided implies functionality that is not implemented")
	errSlowDown            = newErr("SlowDown", 503, "Please reduce your request rate.")
	errNotModified         = newErr("NotModified", 304, "Not Modified")
	errPreconditionFailed  = newErr("PreconditionFailed", 412, "At least one of the pre-conditions you specified did not hold")
	errMalformedTrailer    = newErr("MalformedTrailerError", 400, "The request contained trailing data that was not well-formed or did not conform to our published schema.")
	errInvalidContinuation = errInvalidArgument.withMessage("The continuation token provided is incorrect")
)

// errorTable maps sentinel errors of the layers below to S3 errors. The
// first match wins, so errors that travel through the object service inside
// others (body read errors of sigv4) come first.
var errorTable = []struct {
	err error
	api *apiError
}{
	{sigv4.ErrContentSHA256Mismatch, newErr("XAmzContentSHA256Mismatch", 400, "The provided 'x-amz-content-sha256' header does not match what was computed.")},
	{sigv4.ErrMalformedChunk, errIncompleteBody.withMessage("The request body is not valid aws-chunked encoding.")},
	{sigv4.ErrTrailerChecksumMissing, errMalformedTrailer},
	{sigv4.ErrSignatureDoesNotMatch, newErr("SignatureDoesNotMatch", 403, "The request signature we calculated does not match the signature you provided. Check your key and signing method.")},
	{sigv4.ErrMissingAuth, errAccessDenied},
	{sigv4.ErrInvalidAccessKeyID, newErr("InvalidAccessKeyId", 403, "The AWS Access Key Id you provided does not exist in our records.")},
	{sigv4.ErrRequestTimeTooSkewed, newErr("RequestTimeTooSkewed", 403, "The difference between the request time and the current time is too large.")},
	{sigv4.ErrExpired, errAccessDenied.withMessage("Request has expired")},
	{sigv4.ErrAuthHeaderMalformed, newErr("AuthorizationHeaderMalformed", 400, "The authorization header is malformed.")},
	{sigv4.ErrPresignExpiry, newErr("AuthorizationQueryParametersError", 403, "X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than 604800 seconds")},
	{sigv4.ErrQueryParamsMalformed, newErr("AuthorizationQueryParametersError", 400, "The authorization query parameters are malformed.")},
	{sigv4.ErrMissingDate, errAccessDenied.withMessage("AWS authentication requires a valid Date or x-amz-date header")},
	{sigv4.ErrInvalidRegion, newErr("AuthorizationHeaderMalformed", 400, "The authorization header is malformed; the region in the credential scope is wrong.")},
	{sigv4.ErrInvalidContentSHA256, errInvalidArgument.withMessage("x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-*, or a valid sha256 value.")},
	{sigv4.ErrMissingDecodedLength, errMissingLength.withMessage("You must provide the x-amz-decoded-content-length header.")},
	{sigv4.ErrInvalidSecurityToken, newErr("InvalidToken", 400, "The provided token is malformed or otherwise invalid.")},
	{sigv4.ErrExpiredToken, newErr("ExpiredToken", 400, "The provided token has expired.")},
	{sigv4.ErrUnsupportedAlgorithm, errNotImplemented.withMessage("The authorization mechanism you have provided is not supported.")},

	// Encryption errors wrap generic ones below, so they come first.
	{object.ErrUploadKeyMismatch, errInvalidArgument.withMessage("The provided encryption parameters did not match the ones used originally.")},
	{object.ErrSSECustomerKeyMismatch, errAccessDenied},
	{object.ErrSSECustomerKeyRequired, errInvalidRequest.withMessage("The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object.")},
	{object.ErrSSENotApplicable, errInvalidRequest.withMessage("The encryption parameters are not applicable to this object.")},
	{object.ErrInvalidEncryption, errInvalidArgument.withMessage("The encryption parameters are not valid.")},
	{object.ErrKMSUnavailable, errNotImplemented.withMessage("Server-side encryption with KMS keys is not available: no key service is configured.")},
	{sse.ErrKeyAccessDenied, errAccessDenied},
	{sse.ErrKeyNotFound, newErr("KMS.NotFoundException", 400, "Invalid keyId")},
	{sse.ErrKeyDisabled, newErr("KMS.DisabledException", 400, "The KMS key is disabled.")},
	{sse.ErrInvalidCiphertext, newErr("KMS.InvalidCiphertextException", 400, "The data key could not be decrypted with the given encryption context.")},

	{object.ErrInvalidStorageClass, errInvalidStorageClass},
	{object.ErrInvalidObjectState, errInvalidObjectState},
	{object.ErrRestoreInProgress, errRestoreInProgress},
	{object.ErrTierUnavailable, errTierUnavailable},
	{object.ErrInvalidBucketName, errInvalidBucketName},
	{object.ErrLogTargetRetention, errInvalidTargetBucket.withMessage("The target bucket for logging must not have a default Object Lock retention period")},
	{object.ErrInvalidTargetBucket, errInvalidTargetBucket},
	{object.ErrCrossLocationLogging, errCrossLocationLogging},
	{object.ErrNoSuchBucket, errNoSuchBucket},
	{object.ErrBucketAlreadyOwned, newErr("BucketAlreadyOwnedByYou", 409, "Your previous request to create the named bucket succeeded and you already own it.")},
	{object.ErrBucketNotEmpty, newErr("BucketNotEmpty", 409, "The bucket you tried to delete is not empty")},
	{object.ErrNoSuchKey, errNoSuchKey},
	{object.ErrInvalidKey, errInvalidArgument.withMessage("Object key is not valid: it must be 1 to 1024 bytes of UTF-8 without NUL.")},
	{object.ErrKeyTooLong, errKeyTooLong},
	{object.ErrPreconditionFailed, errPreconditionFailed},
	{object.ErrNotModified, errNotModified},
	{object.ErrInvalidRange, errInvalidRange},
	{object.ErrBadDigest, errBadDigest},
	{object.ErrChecksumMismatch, errChecksumMismatch},
	{object.ErrInvalidChecksum, errInvalidRequest.withMessage("Value for the x-amz-checksum header is invalid.")},
	{object.ErrIncompleteBody, errIncompleteBody},
	{object.ErrEntityTooLarge, errEntityTooLarge},
	{object.ErrMetadataTooLarge, errMetadataTooLarge},
	{object.ErrInvalidTag, errInvalidTag},
	{object.ErrCopyToSelf, errInvalidRequest.withMessage("This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.")},
	{object.ErrNoSuchVersion, newErr("NoSuchVersion", 404, "The specified version does not exist.")},
	// S3 answers a partNumber past the object's parts (or above 1 on an
	// object uploaded in one piece) as it answers a missing part in
	// CompleteMultipartUpload.
	{object.ErrInvalidPartNumber, newErr("InvalidPart", 400, "The requested partnumber is not satisfiable")},
	{object.ErrInvalidVersionID, errInvalidArgument.withMessage("Invalid version id specified")},
	{object.ErrInvalidArgument, errInvalidArgument},
	{object.ErrMethodNotAllowed, errMethodNotAllowed},
	{object.ErrInvalidBucketState, newErr("InvalidBucketState", 409, "The request is not valid with the current state of the bucket.")},
	{object.ErrAccessDenied, errAccessDenied},
	{object.ErrNoSuchUpload, newErr("NoSuchUpload", 404, "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.")},
	{object.ErrInvalidPart, newErr("InvalidPart", 400, "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.")},
	{object.ErrInvalidPartOrder, newErr("InvalidPartOrder", 400, "The list of parts was not in ascending order. Parts must be ordered by part number.")},
	{object.ErrEntityTooSmall, newErr("EntityTooSmall", 400, "Your proposed upload is smaller than the minimum allowed object size.")},
	{object.ErrMalformedPartList, errMalformedXML},
	{object.ErrInvalidRequest, errInvalidRequest},
	{object.ErrTooManyKeys, errMalformedXML},
	{object.ErrConditionalConflict, newErr("ConditionalRequestConflict", 409, "A conflicting conditional operation is currently in progress against this resource. Please try again.")},
	{object.ErrNotImplemented, errNotImplemented},

	// The metadata database was unreachable in time, or a transaction
	// kept losing conflicts past the engine's retries: S3's 503 SlowDown,
	// which every SDK retries with backoff. Nothing was changed (or, when
	// a commit's outcome is unknown, the retry finds the change made).
	{meta.ErrUnavailable, errSlowDown},
	{meta.ErrConflict, errSlowDown},

	// A full disk. S3 itself never answers this; like MinIO we use 507
	// Insufficient Storage, which SDKs do not retry automatically (a 503
	// would make every client hammer a server that cannot take writes),
	// with a code of our own that names the cause.
	{blob.ErrNoSpace, errStorageFull},
	{blob.ErrTierUnavailable, errTierUnavailable},

	// A client that hangs up mid-body.
	{io.ErrUnexpectedEOF, errIncompleteBody},
}

// toAPIError maps any error to the S3 error the client gets. known is
// false for errors outside the table, which become InternalError.
func toAPIError(err error) (api *apiError, known bool) {
	if errors.As(err, &api) {
		return api, true
	}
	var ne *object.NotificationError
	if errors.As(err, &ne) {
		return errInvalidArgument.withMessage("%s", ne.Message), true
	}
	var ae *object.ArchivedError
	if errors.As(err, &ae) {
		c := *errInvalidObjectState
		c.storageClass, c.accessTier = ae.StorageClass, ae.AccessTier
		return &c, true
	}
	for _, e := range errorTable {
		if errors.Is(err, e.err) {
			return withDeleteMarker(e.api, err), true
		}
	}
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return errMaxMessageLength, true
	}
	return errInternal, false
}

// withDeleteMarker adds what S3 sends when a read met a delete marker:
// x-amz-delete-marker, the marker's version id and, on the 405 for a
// marker named by id, its Last-Modified.
func withDeleteMarker(api *apiError, err error) *apiError {
	var dm *object.DeleteMarkerError
	if !errors.As(err, &dm) {
		return api
	}
	api = api.withHeader("X-Amz-Delete-Marker", "true")
	if dm.VersionID != "" {
		api = api.withHeader("X-Amz-Version-Id", dm.VersionID)
	}
	if errors.Is(err, object.ErrMethodNotAllowed) {
		api = api.withHeader("Last-Modified", dm.LastModified.Format(http.TimeFormat))
	}
	return api
}
