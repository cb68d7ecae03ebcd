package object

import "errors"

// Sentinel errors of the object service. The wire layer alone maps them to
// S3 error codes and HTTP statuses; wrap them with fmt.Errorf("...: %w")
// to add context.
var (
	ErrInvalidBucketName   = errors.New("invalid bucket name")
	ErrNoSuchBucket        = errors.New("no such bucket")
	ErrBucketAlreadyOwned  = errors.New("bucket already owned by you")
	ErrBucketNotEmpty      = errors.New("bucket not empty")
	ErrNoSuchKey           = errors.New("no such key")
	ErrInvalidKey          = errors.New("invalid object key")
	ErrKeyTooLong          = errors.New("object key too long")
	ErrPreconditionFailed  = errors.New("precondition failed")
	ErrNotModified         = errors.New("not modified")
	ErrInvalidRange        = errors.New("requested range not satisfiable")
	ErrBadDigest           = errors.New("content-md5 does not match")
	ErrChecksumMismatch    = errors.New("checksum does not match")
	ErrInvalidChecksum     = errors.New("malformed checksum value")
	ErrIncompleteBody      = errors.New("body shorter than declared length")
	ErrEntityTooLarge      = errors.New("entity too large")
	ErrMetadataTooLarge    = errors.New("user metadata too large")
	ErrInvalidTag          = errors.New("invalid tag")
	ErrCopyToSelf          = errors.New("copy to itself without changes")
	ErrNoSuchVersion       = errors.New("no such version")
	ErrInvalidArgument     = errors.New("invalid argument")
	ErrTooManyKeys         = errors.New("too many keys in batch")
	ErrConditionalConflict = errors.New("conditional request conflict")
	ErrNotImplemented      = errors.New("not implemented")
)
