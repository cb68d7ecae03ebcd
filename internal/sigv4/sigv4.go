// Package sigv4 authenticates S3 requests: Signature V4 in the Authorization
// header and in presigned query strings, every payload mode (signed hex
// SHA-256, UNSIGNED-PAYLOAD, aws-chunked streaming with chunk signatures and
// trailers), and Signature V2 for legacy clients. It knows HTTP requests and
// credentials, nothing of buckets or storage.
package sigv4

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"
)

// Sentinel errors; the wire layer maps them to S3 error codes.
var (
	ErrMissingAuth            = errors.New("request is not signed")            // anonymous request
	ErrInvalidAccessKeyID     = errors.New("access key id does not exist")     // InvalidAccessKeyId 403
	ErrSignatureDoesNotMatch  = errors.New("signature does not match")         // SignatureDoesNotMatch 403
	ErrRequestTimeTooSkewed   = errors.New("request time too skewed")          // RequestTimeTooSkewed 403
	ErrExpired                = errors.New("request has expired")              // AccessDenied 403 "Request has expired"
	ErrAuthHeaderMalformed    = errors.New("authorization header malformed")   // AuthorizationHeaderMalformed 400
	ErrQueryParamsMalformed   = errors.New("authorization query malformed")    // AuthorizationQueryParametersError 400
	ErrPresignExpiry          = errors.New("X-Amz-Expires out of range")       // AuthorizationQueryParametersError 403
	ErrMissingDate            = errors.New("missing date header")              // AccessDenied 403
	ErrInvalidRegion          = errors.New("credential scope region mismatch") // AuthorizationHeaderMalformed 400
	ErrContentSHA256Mismatch  = errors.New("x-amz-content-sha256 mismatch")    // XAmzContentSHA256Mismatch 400
	ErrInvalidContentSHA256   = errors.New("invalid x-amz-content-sha256")     // InvalidArgument 400
	ErrMalformedChunk         = errors.New("malformed aws-chunked encoding")   // IncompleteBody 400
	ErrMissingDecodedLength   = errors.New("missing x-amz-decoded-content-length")
	ErrInvalidSecurityToken   = errors.New("invalid security token")        // InvalidToken 400
	ErrExpiredToken           = errors.New("security token has expired")    // ExpiredToken 400
	ErrUnsupportedAlgorithm   = errors.New("unsupported signing algorithm") // e.g. AWS4-ECDSA-P256-SHA256 (SigV4a): NotImplemented
	ErrTrailerChecksumMissing = errors.New("declared trailer checksum missing")

	// ErrMissingContentSHA256 is a header-signed S3 request without
	// x-amz-content-sha256 (S3: InvalidRequest 400, "Missing required header
	// for this request: x-amz-content-sha256"). It wraps
	// ErrInvalidContentSHA256 so a caller that maps only that still answers 400.
	ErrMissingContentSHA256 = fmt.Errorf("missing x-amz-content-sha256: %w", ErrInvalidContentSHA256)
)

// Credential is one access key as the credential store knows it.
type Credential struct {
	AccessKey    string
	Secret       string
	SessionToken string // non-empty for temporary credentials; requests must present it
}

// Credentials looks up access keys. Lookup returns ErrInvalidAccessKeyID for
// an unknown key.
type Credentials interface {
	Lookup(ctx context.Context, accessKey string) (Credential, error)
}

// Method names how a request was authenticated.
type Method string

const (
	Anonymous   Method = "anonymous"
	V4Header    Method = "v4-header"
	V4Presigned Method = "v4-presigned"
	V2Header    Method = "v2-header"
	V2Presigned Method = "v2-presigned"
)

// Auth is the outcome of authenticating a request.
type Auth struct {
	Method    Method
	AccessKey string
	// Service is the credential-scope service the request was signed for:
	// "s3", or "iam", "sts", "kms" for those APIs served at the same
	// endpoint. Signature V2 requests are always "s3".
	Service  string
	SignedAt time.Time
	// Body yields the payload: for aws-chunked requests the decoded bytes
	// (framing removed, every chunk signature verified); for a signed hex
	// SHA-256 the bytes with the hash checked at EOF (the Read that reaches
	// EOF returns ErrContentSHA256Mismatch instead when it differs).
	Body io.Reader
	// Length is the payload length the client declared
	// (x-amz-decoded-content-length for aws-chunked, else Content-Length);
	// -1 when unknown.
	Length int64
	// Trailer returns a trailing header (e.g. "x-amz-checksum-crc32") once
	// Body has been read to EOF.
	Trailer func(name string) (string, bool)
	// DeclaredTrailers lists the lower-case names from x-amz-trailer.
	DeclaredTrailers []string
}
