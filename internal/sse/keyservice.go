package sse

import (
	"context"
	"errors"
)

// Errors of a key service; the wire layer maps them to S3/KMS error codes.
var (
	ErrKeyNotFound       = errors.New("kms key not found")      // KMS.NotFoundException / S3 KMS.NotFoundException 400
	ErrKeyDisabled       = errors.New("kms key is disabled")    // KMS.DisabledException
	ErrInvalidCiphertext = errors.New("invalid kms ciphertext") // KMS.InvalidCiphertextException
	// ErrKeyAccessDenied: the caller may not use the key (S3 AccessDenied
	// 403, KMS AccessDeniedException).
	ErrKeyAccessDenied = errors.New("kms key access denied")
)

// KeyService wraps and unwraps data keys under named master keys. The
// built-in service (internal/kms) keeps its master keys encrypted under the
// server's root key; an external service (for example Vault's transit
// engine) can implement the same interface.
//
// Every call is made on behalf of a caller, whom the context names (the
// built-in service reads it with kms.CallerFrom): a key service decides
// whether that caller may use the key, and refuses with
// ErrKeyAccessDenied.
type KeyService interface {
	// GenerateDataKey returns a new 256-bit data key, in plaintext and
	// wrapped under the master key keyID (a key id, ARN or alias), bound to
	// the encryption context. keyARN is the resolved key's ARN.
	GenerateDataKey(ctx context.Context, keyID string, encCtx map[string]string) (plain, wrapped []byte, keyARN string, err error)
	// Decrypt unwraps a data key produced by GenerateDataKey with the same
	// encryption context.
	Decrypt(ctx context.Context, keyARN string, wrapped []byte, encCtx map[string]string) (plain []byte, err error)
	// DefaultKey is the ARN of the key used when a request asks for aws:kms
	// without naming one (S3's aws/s3 managed key); created on first use.
	DefaultKey(ctx context.Context) (keyARN string, err error)
}
