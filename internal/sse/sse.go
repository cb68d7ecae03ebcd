// Package sse is encryption at rest: the chunked authenticated format that
// object data is stored in, per-object data keys, the root keyring that
// wraps them, customer-provided keys (SSE-C) and the envelope that records
// how an object's data key is protected.
//
// Every object (and every part of a multipart object) is sealed under its
// own 256-bit data key in fixed 64 KiB packages of AES-256-GCM, so a range
// read decrypts only the packages it covers and any change to the stored
// bytes (a flipped bit, a truncated, reordered or appended package) fails
// authentication instead of yielding wrong data.
package sse

import "errors"

// Errors of the encryption layer. The object service wraps them; the wire
// layer maps the customer-key ones to S3 error codes.
var (
	// ErrAuth is ciphertext that fails authentication: a corrupt or
	// tampered data file, or the wrong key.
	ErrAuth = errors.New("sse: message authentication failed")
	// ErrCiphertextSize is ciphertext whose length no plaintext produces.
	ErrCiphertextSize = errors.New("sse: invalid ciphertext length")
	// ErrKeySize is a key that is not 256 bits.
	ErrKeySize = errors.New("sse: key must be 32 bytes")
	// ErrUnknownRootKey is a data key wrapped under a root key that the
	// keyring does not hold.
	ErrUnknownRootKey = errors.New("sse: unknown root key")
	// ErrCustomerKeyMismatch is an SSE-C key other than the one the object
	// was written with (S3's 403 AccessDenied).
	ErrCustomerKeyMismatch = errors.New("sse: customer key does not match the object's key")
	// ErrBadEnvelope is an undecodable key envelope.
	ErrBadEnvelope = errors.New("sse: corrupt key envelope")
)

// KeySize is the size of data keys, root keys and customer keys.
const KeySize = 32
