package server

import (
	"context"
	"crypto/tls"
	"net"
	"net/http"
	"time"

	"github.com/hoard-s3/hoard/internal/tlsconf"
)

// TLSConfig says how the server's listeners speak TLS.
type TLSConfig struct {
	// Certificates are the files served (a pair, a directory by SNI or
	// both); empty serves plain HTTP.
	Certificates tlsconf.Source
	// Poll is how often the files are checked for a change; 0 means
	// tlsconf.DefaultPoll, negative never (ReloadCertificates alone).
	Poll time.Duration
	// TrustedProxies may say, in X-Forwarded-For and X-Forwarded-Proto,
	// who the client is and whether it used TLS.
	TrustedProxies *tlsconf.Proxies
	// AllowSSECOverHTTP accepts customer keys on requests without TLS,
	// which Amazon S3 refuses; for development and test suites only.
	AllowSSECOverHTTP bool
	// ACME, when set, obtains certificates for names the files do not
	// cover (acme.go).
	ACME *ACMEConfig
}

// On reports whether the listeners speak TLS.
func (c TLSConfig) On() bool { return !c.Certificates.Empty() || c.ACME != nil }

// openTLS loads the certificates; a server without them keeps a nil store.
func (s *Server) openTLS() error {
	c := s.cfg.TLS
	if !c.On() {
		return nil
	}
	store, err := tlsconf.Open(c.Certificates, s.cfg.Logger.With("component", "tls"))
	if err != nil {
		return err
	}
	if c.ACME != nil {
		if err := s.enableACME(store, c.ACME); err != nil {
			return err
		}
	}
	s.certs = store
	return nil
}

// listener wraps ln in TLS when it is on. A TLS listener's connections
// are not wrapped in s3Conn: net/http must see a *tls.Conn to serve
// HTTP/2 and fill in Request.TLS.
func (s *Server) listener(ln net.Listener) net.Listener {
	if s.certs == nil {
		return s3Listener{ln}
	}
	return tls.NewListener(ln, s.tlsServerConfig())
}

func (s *Server) tlsServerConfig() *tls.Config {
	c := tlsconf.Server(s.certs)
	if s.acmeALPN {
		c.NextProtos = append(c.NextProtos, "acme-tls/1")
	}
	return c
}

// front puts the trusted-proxy adoption and HSTS before h.
func (s *Server) front(h http.Handler) http.Handler {
	return s.cfg.TLS.TrustedProxies.Handler(tlsconf.HSTS(h))
}

// protocols enables HTTP/2 over TLS (and, with H2C, without it).
func (s *Server) protocols(srv *http.Server) {
	if s.certs == nil {
		enableH2C(srv, s.cfg.H2C)
		return
	}
	srv.Protocols = new(http.Protocols)
	srv.Protocols.SetHTTP1(true)
	srv.Protocols.SetHTTP2(true)
	srv.HTTP2 = &http.HTTP2Config{MaxReceiveBufferPerConnection: 64 << 20, MaxReceiveBufferPerStream: 16 << 20}
}

// watchCertificates reloads the certificates when their files change.
func (s *Server) watchCertificates(ctx context.Context) {
	if s.certs == nil || s.cfg.TLS.Poll < 0 {
		return
	}
	s.bg.Add(1)
	go func() {
		defer s.bg.Done()
		s.certs.Watch(ctx, s.cfg.TLS.Poll)
	}()
}

// ReloadCertificates loads the certificate files again (on SIGHUP); on
// error the previous certificates stay in use.
func (s *Server) ReloadCertificates() error {
	if s.certs == nil {
		return nil
	}
	return s.certs.Reload()
}

// TLS reports whether the server speaks TLS.
func (s *Server) TLS() bool { return s.certs != nil }

// Certificates is the server's certificate store (nil without TLS).
func (s *Server) Certificates() *tlsconf.Store { return s.certs }

// selfHTTPClient is how the console calls the S3 endpoint of its own
// process: over TLS it trusts exactly the certificates being served.
func (s *Server) selfHTTPClient() *http.Client {
	if s.certs == nil {
		return nil
	}
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.TLSClientConfig = tlsconf.SelfClient(s.certs)
	return &http.Client{Transport: t}
}
