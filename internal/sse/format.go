package sse

import (
	"crypto/aes"
	"crypto/cipher"
	"encoding/binary"
	"fmt"
)

// The stored format of object data has no header: its parameters (the data
// key and the plaintext size) live in the metadata record. The plaintext is
// cut into packages of PackageSize bytes, the last one shorter (or empty,
// for an empty object, so that even empty data is authenticated); each
// package is sealed with AES-256-GCM and stored as ciphertext followed by
// its 16-byte tag.
//
// The 96-bit nonce of package i is i as a big-endian uint64 followed by
// three zero bytes and a final-package flag. Every object and every part
// has its own key, so nonces never repeat under a key; and since a package
// only opens at its own position, and only the last one carries the final
// flag, reordering, truncating or appending packages fails authentication.
const (
	PackageSize = 64 << 10
	TagSize     = 16
	// SealedSize is the stored size of a full package.
	SealedSize = PackageSize + TagSize
	nonceSize  = 12
)

// CiphertextSize is the stored size of n bytes of plaintext.
func CiphertextSize(n int64) int64 {
	return n + TagSize*packages(n)
}

// packages is the number of packages that n bytes of plaintext fill.
func packages(n int64) int64 {
	if n <= 0 {
		return 1
	}
	return (n + PackageSize - 1) / PackageSize
}

// PlaintextSize inverts CiphertextSize, failing for lengths no plaintext
// produces.
func PlaintextSize(c int64) (int64, error) {
	if c < TagSize {
		return 0, fmt.Errorf("%d bytes: %w", c, ErrCiphertextSize)
	}
	full, rem := c/SealedSize, c%SealedSize
	var n int64
	switch {
	case rem == 0:
		n = full * PackageSize
	case rem > TagSize || full == 0 && rem == TagSize:
		n = full*PackageSize + rem - TagSize
	default:
		return 0, fmt.Errorf("%d bytes: %w", c, ErrCiphertextSize)
	}
	return n, nil
}

// newAEAD returns AES-256-GCM under key.
func newAEAD(key []byte) (cipher.AEAD, error) {
	if len(key) != KeySize {
		return nil, ErrKeySize
	}
	b, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("sse: %w", err)
	}
	g, err := cipher.NewGCM(b)
	if err != nil {
		return nil, fmt.Errorf("sse: %w", err)
	}
	return g, nil
}

func packageNonce(n *[nonceSize]byte, seq uint64, final bool) []byte {
	binary.BigEndian.PutUint64(n[:8], seq)
	n[8], n[9], n[10], n[11] = 0, 0, 0, 0
	if final {
		n[11] = 1
	}
	return n[:]
}
