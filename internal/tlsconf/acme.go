package tlsconf

import "crypto/tls"

// acmeALPN is the protocol of the TLS-ALPN-01 challenge (RFC 8737).
const acmeALPN = "acme-tls/1"

func isACMEChallenge(hello *tls.ClientHelloInfo) bool {
	for _, p := range hello.SupportedProtos {
		if p == acmeALPN {
			return true
		}
	}
	return false
}

// SetFallback makes get answer the handshakes for names no certificate
// file covers, and ACME challenges (an autocert.Manager's GetCertificate).
// Call it before serving.
func (s *Store) SetFallback(get func(*tls.ClientHelloInfo) (*tls.Certificate, error)) {
	s.acme = get
}
