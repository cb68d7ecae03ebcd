package kmsapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/hoard-s3/hoard/internal/kms"
	"github.com/hoard-s3/hoard/internal/sse"
)

// APIError is a KMS error as it goes on the wire.
type APIError struct {
	Type    string `json:"__type"`
	Message string `json:"message"`
	Status  int    `json:"-"`
}

func (e *APIError) Error() string { return e.Type + ": " + e.Message }

func newError(typ string, status int, format string, args ...any) *APIError {
	return &APIError{Type: typ, Status: status, Message: fmt.Sprintf(format, args...)}
}

func validation(format string, args ...any) *APIError {
	return newError("ValidationException", http.StatusBadRequest, format, args...)
}

func serialization(format string, args ...any) *APIError {
	return newError("SerializationException", http.StatusBadRequest, format, args...)
}

func unsupported(format string, args ...any) *APIError {
	return newError("UnsupportedOperationException", http.StatusBadRequest, format, args...)
}

// mapping turns key-service errors into KMS exceptions. Order matters: a
// key pending deletion is both ErrInvalidState and sse.ErrKeyDisabled.
var mapping = []struct {
	err    error
	typ    string
	status int
}{
	{sse.ErrKeyAccessDenied, "AccessDeniedException", http.StatusBadRequest},
	{kms.ErrMalformedPolicy, "MalformedPolicyDocumentException", http.StatusBadRequest},
	{kms.ErrValidation, "ValidationException", http.StatusBadRequest},
	{kms.ErrInvalidAlias, "InvalidAliasNameException", http.StatusBadRequest},
	{kms.ErrAlreadyExists, "AlreadyExistsException", http.StatusBadRequest},
	{kms.ErrInvalidMarker, "InvalidMarkerException", http.StatusBadRequest},
	{kms.ErrIncorrectKey, "IncorrectKeyException", http.StatusBadRequest},
	{kms.ErrManagedKey, "UnsupportedOperationException", http.StatusBadRequest},
	{kms.ErrInvalidState, "KMSInvalidStateException", http.StatusConflict},
	{sse.ErrKeyDisabled, "DisabledException", http.StatusConflict},
	{sse.ErrKeyNotFound, "NotFoundException", http.StatusBadRequest},
	{sse.ErrInvalidCiphertext, "InvalidCiphertextException", http.StatusBadRequest},
}

func toAPIError(err error) *APIError {
	var e *APIError
	if errors.As(err, &e) {
		return e
	}
	if e, ok := authError(err); ok {
		return e
	}
	for _, m := range mapping {
		if errors.Is(err, m.err) {
			return &APIError{Type: m.typ, Status: m.status, Message: message(err)}
		}
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return newError("DependencyTimeoutException", http.StatusInternalServerError, "the request was cancelled or timed out")
	}
	// Internal detail stays in the log.
	return newError("KMSInternalException", http.StatusInternalServerError, "%v", errInternal)
}

// message is the text of a key-service error: the AWS wording of a
// refusal or a rejected policy without the context wrapped around it.
func message(err error) string {
	var denied *kms.AccessDeniedError
	if errors.As(err, &denied) {
		return denied.Msg
	}
	var pe *kms.PolicyError
	if errors.As(err, &pe) {
		return pe.Reason
	}
	return err.Error()
}
