// Package checksum knows the additional checksums of the S3 API: their
// names, their wire encoding (base64 of the big-endian digest) and how to
// compute them.
package checksum

import (
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"hash"
	"hash/crc32"
	"strings"

	"github.com/minio/crc64nvme"
)

// Algorithm is an S3 checksum algorithm name as it appears in
// x-amz-checksum-algorithm / x-amz-sdk-checksum-algorithm.
type Algorithm string

// The algorithms S3 supports. None means no additional checksum.
const (
	None      Algorithm = ""
	CRC32     Algorithm = "CRC32"
	CRC32C    Algorithm = "CRC32C"
	CRC64NVME Algorithm = "CRC64NVME"
	SHA1      Algorithm = "SHA1"
	SHA256    Algorithm = "SHA256"
)

// All lists the supported algorithms in a stable order.
var All = []Algorithm{CRC32, CRC32C, CRC64NVME, SHA1, SHA256}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Parse accepts an algorithm name in any case.
func Parse(name string) (Algorithm, bool) {
	up := Algorithm(strings.ToUpper(strings.TrimSpace(name)))
	for _, a := range All {
		if a == up {
			return a, true
		}
	}
	return None, false
}

// New returns a fresh hash for the algorithm; nil for None.
func (a Algorithm) New() hash.Hash {
	switch a {
	case CRC32:
		return crc32.NewIEEE()
	case CRC32C:
		return crc32.New(castagnoli)
	case CRC64NVME:
		return crc64nvme.New()
	case SHA1:
		return sha1.New()
	case SHA256:
		return sha256.New()
	}
	return nil
}

// Header is the request/response header that carries the value, e.g.
// "X-Amz-Checksum-Crc32".
func (a Algorithm) Header() string {
	switch a {
	case CRC32:
		return "X-Amz-Checksum-Crc32"
	case CRC32C:
		return "X-Amz-Checksum-Crc32c"
	case CRC64NVME:
		return "X-Amz-Checksum-Crc64nvme"
	case SHA1:
		return "X-Amz-Checksum-Sha1"
	case SHA256:
		return "X-Amz-Checksum-Sha256"
	}
	return ""
}

// DigestSize is the length of the raw digest in bytes.
func (a Algorithm) DigestSize() int {
	switch a {
	case CRC32, CRC32C:
		return 4
	case CRC64NVME:
		return 8
	case SHA1:
		return 20
	case SHA256:
		return 32
	}
	return 0
}

// FromHeader maps a header name such as "x-amz-checksum-crc32c" (any case)
// to its algorithm.
func FromHeader(name string) (Algorithm, bool) {
	lower := strings.ToLower(name)
	const prefix = "x-amz-checksum-"
	if !strings.HasPrefix(lower, prefix) {
		return None, false
	}
	a, ok := Parse(lower[len(prefix):])
	return a, ok
}

// Encode renders a digest as S3 sends it: standard base64.
func Encode(sum []byte) string { return base64.StdEncoding.EncodeToString(sum) }

// Valid reports whether s is a well-formed encoded value for the algorithm.
func (a Algorithm) Valid(s string) bool {
	b, err := base64.StdEncoding.DecodeString(s)
	return err == nil && len(b) == a.DigestSize()
}

// Value is one checksum of an object: its algorithm and base64 value.
type Value struct {
	Algorithm Algorithm `json:"a,omitempty"`
	Encoded   string    `json:"v,omitempty"`
}

// IsZero reports whether no checksum is present.
func (v Value) IsZero() bool { return v.Algorithm == None }
