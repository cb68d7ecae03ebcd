// Package tlsconf is the TLS configuration every Hoard link uses: the S3
// endpoint and the console, the edge on both legs, and the links between
// Hoard processes. Servers take their certificates from a Store, which
// reloads them when their files change and picks one by SNI; clients
// verify against the system roots, a CA file, or pinned keys. One place
// decides versions and ciphers, so no link ends up weaker than another.
package tlsconf

import (
	"crypto/tls"
)

// MinVersion is TLS 1.2: older versions have no AEAD ciphers and are
// refused by S3 itself. TLS 1.3 is preferred whenever the peer has it.
const MinVersion = tls.VersionTLS12

// Server returns the configuration of a listener serving the store's
// certificates, offering HTTP/2 and HTTP/1.1 by ALPN. Go's default cipher
// suites are kept: ECDHE with AES-GCM or ChaCha20-Poly1305 only, in an
// order that follows the hardware's AES support.
func Server(s *Store) *tls.Config {
	return &tls.Config{
		MinVersion:     MinVersion,
		GetCertificate: s.GetCertificate,
		NextProtos:     []string{"h2", "http/1.1"},
	}
}

// HSTSValue is the Strict-Transport-Security header sent over TLS: a year,
// without includeSubDomains (other services may live under the domain).
const HSTSValue = "max-age=31536000"
