package tlsconf

import (
	"bytes"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"strings"
)

// ClientOptions say how a link verifies the server it dials.
type ClientOptions struct {
	// CAFile is a PEM bundle of the CAs to trust instead of the system
	// roots.
	CAFile string
	// Pins are "sha256/BASE64" digests of SubjectPublicKeyInfo. With a
	// CA (or the system roots) a verified chain must also contain a
	// pinned key; with pins and no CAFile, the chain is not checked and
	// the server's own key must be pinned (a self-signed origin).
	Pins []string
	// ServerName overrides the name checked in the certificate.
	ServerName string
	// PinOnly drops chain verification when Pins are given and no CAFile
	// is: the pin alone vouches for the server.
	PinOnly bool
}

// Client returns the configuration of a link dialing a TLS server.
func Client(o ClientOptions) (*tls.Config, error) {
	c := &tls.Config{MinVersion: MinVersion, ServerName: o.ServerName}
	if o.CAFile != "" {
		pem, err := os.ReadFile(o.CAFile)
		if err != nil {
			return nil, fmt.Errorf("read CA bundle: %w", err)
		}
		c.RootCAs = x509.NewCertPool()
		if !c.RootCAs.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("CA bundle %s holds no PEM certificate", o.CAFile)
		}
	}
	if len(o.Pins) == 0 {
		return c, nil
	}
	pins := make([][]byte, 0, len(o.Pins))
	for _, p := range o.Pins {
		d, err := ParsePin(p)
		if err != nil {
			return nil, err
		}
		pins = append(pins, d)
	}
	if o.PinOnly && o.CAFile == "" {
		// Chain checks are replaced, not skipped: VerifyConnection runs
		// on every handshake, including resumed ones.
		c.InsecureSkipVerify = true
		c.VerifyConnection = func(cs tls.ConnectionState) error {
			if len(cs.PeerCertificates) == 0 || !pinned(cs.PeerCertificates[0], pins) {
				return errors.New("the server's key is not pinned")
			}
			return nil
		}
		return c, nil
	}
	c.VerifyConnection = func(cs tls.ConnectionState) error {
		for _, chain := range cs.VerifiedChains {
			for _, cert := range chain {
				if pinned(cert, pins) {
					return nil
				}
			}
		}
		return errors.New("no key of the server's certificate chain is pinned")
	}
	return c, nil
}

// Pin is the "sha256/BASE64" pin of a certificate's public key.
func Pin(c *x509.Certificate) string {
	d := sha256.Sum256(c.RawSubjectPublicKeyInfo)
	return "sha256/" + base64.StdEncoding.EncodeToString(d[:])
}

// ParsePin decodes a "sha256/BASE64" pin.
func ParsePin(p string) ([]byte, error) {
	b64, ok := strings.CutPrefix(p, "sha256/")
	d, err := base64.StdEncoding.DecodeString(b64)
	if !ok || err != nil || len(d) != sha256.Size {
		return nil, fmt.Errorf("pin %q: want sha256/ and the base64 of 32 bytes", p)
	}
	return d, nil
}

func pinned(c *x509.Certificate, pins [][]byte) bool {
	d := sha256.Sum256(c.RawSubjectPublicKeyInfo)
	for _, p := range pins {
		if bytes.Equal(d[:], p) {
			return true
		}
	}
	return false
}

// SelfClient returns the configuration with which a process calls its
// own TLS listener (the console calling the S3 endpoint over loopback):
// it accepts exactly the certificates the store serves, whatever names
// they carry.
func SelfClient(s *Store) *tls.Config {
	return &tls.Config{
		MinVersion:         MinVersion,
		InsecureSkipVerify: true,
		VerifyConnection: func(cs tls.ConnectionState) error {
			if len(cs.PeerCertificates) == 0 {
				return errors.New("no server certificate")
			}
			for _, l := range s.Leaves() {
				if l.Equal(cs.PeerCertificates[0]) {
					return nil
				}
			}
			return errors.New("the server's certificate is not one this process serves")
		},
	}
}
