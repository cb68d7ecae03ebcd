package postpolicy

import (
	"errors"
	"fmt"
)

// Sentinel errors, one per S3 error code a browser upload can end in.
// Every error Read, the File reader and ParsePolicy return wraps exactly one
// of them (or the lookup function's or the body's own error); the detail
// types below carry what S3 puts in the error document.
var (
	// 412 PreconditionFailed, Condition "Bucket POST must be of the
	// enclosure-type multipart/form-data".
	ErrNotMultipart = errors.New("postpolicy: not multipart/form-data")
	// 400 MalformedPOSTRequest "The body of your POST request is not
	// well-formed multipart/form-data."
	ErrMalformed = errors.New("postpolicy: malformed multipart/form-data")
	// 400 MaxPostPreDataLengthExceeded, MaxPostPreDataLengthBytes 20480.
	ErrPreDataTooLarge = errors.New("postpolicy: fields before the file too large")
	// 400 InvalidArgument, with an *ArgumentError for the message,
	// ArgumentName and ArgumentValue.
	ErrInvalidArgument = errors.New("postpolicy: invalid argument")
	// 400 InvalidPolicyDocument, message from the *Error.
	ErrInvalidPolicy = errors.New("postpolicy: invalid policy document")
	// 403 AccessDenied "Invalid according to Policy: Policy expired."
	ErrPolicyExpired = errors.New("postpolicy: policy expired")
	// 403 AccessDenied "Invalid according to Policy: ..." (a failed
	// condition, or a field no condition covers), message from the *Error.
	ErrConditionFailed = errors.New("postpolicy: policy condition failed")
	// 403 SignatureDoesNotMatch, with a *SignatureError.
	ErrSignatureMismatch = errors.New("postpolicy: signature does not match")
	// 400 EntityTooLarge / EntityTooSmall, with a *SizeError.
	ErrEntityTooLarge = errors.New("postpolicy: upload larger than content-length-range")
	ErrEntityTooSmall = errors.New("postpolicy: upload smaller than content-length-range")
)

// MaxPreDataBytes is S3's limit on the form before the file: "The form data
// and boundaries (excluding the contents of the file) cannot exceed 20KB."
const MaxPreDataBytes = 20480

// Error is a failure with the message S3 sends.
type Error struct {
	Kind    error
	Message string
}

func (e *Error) Error() string { return e.Message }
func (e *Error) Unwrap() error { return e.Kind }

func policyErr(format string, args ...any) error {
	return &Error{Kind: ErrInvalidPolicy, Message: "Invalid Policy: " + fmt.Sprintf(format, args...)}
}

func conditionErr(format string, args ...any) error {
	return &Error{Kind: ErrConditionFailed, Message: "Invalid according to Policy: " + fmt.Sprintf(format, args...)}
}

// ArgumentError is an InvalidArgument with its ArgumentName and
// ArgumentValue elements. Region is set when the credential names another
// region (S3 adds a Region element then).
type ArgumentError struct {
	Name, Value, Message string
	Region               string
}

func (e *ArgumentError) Error() string { return e.Message }
func (e *ArgumentError) Unwrap() error { return ErrInvalidArgument }

// missingField is S3's answer for an absent required field; the name is
// spelled as S3 spells it, e.g. 'X-Amz-Signature'.
func missingField(name string) error {
	return &ArgumentError{Name: name, Message: "Bucket POST must contain a field named '" + name +
		"'.  If it is specified, please check the order of the fields."}
}

// SignatureError carries the elements of S3's SignatureDoesNotMatch for a
// POST: the string to sign is the policy field as sent.
type SignatureError struct {
	AccessKey         string
	StringToSign      string
	SignatureProvided string
}

func (e *SignatureError) Error() string {
	return "The request signature we calculated does not match the signature you provided. Check your key and signing method."
}
func (e *SignatureError) Unwrap() error { return ErrSignatureMismatch }

// SizeError reports a file outside content-length-range. Proposed is the
// number of bytes seen when the limit was crossed: for a file that is too
// large, reading stops at Max+1, so the full size is not known.
type SizeError struct {
	Kind     error // ErrEntityTooLarge or ErrEntityTooSmall
	Proposed int64
	Min, Max int64
}

func (e *SizeError) Error() string {
	if e.Kind == ErrEntityTooSmall {
		return "Your proposed upload is smaller than the minimum allowed size"
	}
	return "Your proposed upload exceeds the maximum allowed size"
}
func (e *SizeError) Unwrap() error { return e.Kind }
