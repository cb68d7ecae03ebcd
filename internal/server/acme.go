package server

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"

	"golang.org/x/crypto/acme"
	"golang.org/x/crypto/acme/autocert"

	"github.com/hoard-s3/hoard/internal/tlsconf"
)

// ACMEConfig obtains and renews certificates from an ACME server (Let's
// Encrypt or any RFC 8555 CA) with the TLS-ALPN-01 challenge, answered on
// the S3 port itself, which must then be reachable on port 443 from the
// CA.
type ACMEConfig struct {
	Domains      []string // names certificates are asked for; no others
	DirectoryURL string   // empty: Let's Encrypt
	Email        string   // contact address given to the CA; may be empty
	// CAFile is the bundle to trust for the ACME server's own HTTPS (a
	// private CA); empty: the system roots.
	CAFile string
	// CacheDir keeps account key and certificates; empty: DATA/acme.
	CacheDir string
}

func (s *Server) enableACME(store *tlsconf.Store, c *ACMEConfig) error {
	if len(c.Domains) == 0 {
		return errors.New("ACME: at least one domain (--acme-domains)")
	}
	dir := c.CacheDir
	if dir == "" {
		dir = filepath.Join(s.cfg.DataDir, "acme")
	}
	client := &acme.Client{DirectoryURL: c.DirectoryURL}
	if c.CAFile != "" {
		tc, err := tlsconf.Client(tlsconf.ClientOptions{CAFile: c.CAFile})
		if err != nil {
			return fmt.Errorf("ACME: %w", err)
		}
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.TLSClientConfig = tc
		client.HTTPClient = &http.Client{Transport: t}
	}
	m := &autocert.Manager{
		Prompt:     autocert.AcceptTOS,
		Cache:      autocert.DirCache(dir),
		HostPolicy: autocert.HostWhitelist(c.Domains...),
		Email:      c.Email,
		Client:     client,
	}
	store.SetFallback(func(h *tls.ClientHelloInfo) (*tls.Certificate, error) {
		return m.GetCertificate(h)
	})
	s.acmeALPN = true
	return nil
}
