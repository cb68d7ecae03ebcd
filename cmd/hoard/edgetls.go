package main

import (
	"context"
	"crypto/tls"
	"flag"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/hoard-s3/hoard/internal/tlsconf"
)

// edgeTLSOptions are the TLS flags of `hoard edge`: its own certificates
// for clients, and how it verifies the origin.
type edgeTLSOptions struct {
	cert, key, dir string
	poll           time.Duration
	originCA       string
	originPins     string
}

func (o *edgeTLSOptions) register(fs *flag.FlagSet) {
	fs.StringVar(&o.cert, "tls-cert", "", "PEM `file` of the certificate to serve clients HTTPS with (default $HOARD_TLS_CERT); reloaded when it changes and on SIGHUP")
	fs.StringVar(&o.key, "tls-key", "", "PEM `file` of its private key (default $HOARD_TLS_KEY)")
	fs.StringVar(&o.dir, "tls-cert-dir", "", "`directory` of NAME.crt/NAME.key pairs chosen by SNI (default $HOARD_TLS_CERT_DIR)")
	fs.DurationVar(&o.poll, "tls-poll", tlsconf.DefaultPoll, "how often the certificate files are checked for a change (0: only on SIGHUP)")
	fs.StringVar(&o.originCA, "origin-ca", "", "PEM `file` of the CA that signed an https origin's certificate (default $HOARD_EDGE_ORIGIN_CA, else the system roots)")
	fs.StringVar(&o.originPins, "origin-pin", "", "comma-separated sha256/BASE64 `pins` of the origin's public key; with no --origin-ca the pin alone is trusted (default $HOARD_EDGE_ORIGIN_PIN)")
}

func (o *edgeTLSOptions) fromEnv(getenv func(string) string) {
	for _, f := range []struct {
		v    *string
		name string
	}{{&o.cert, "HOARD_TLS_CERT"}, {&o.key, "HOARD_TLS_KEY"}, {&o.dir, "HOARD_TLS_CERT_DIR"},
		{&o.originCA, "HOARD_EDGE_ORIGIN_CA"}, {&o.originPins, "HOARD_EDGE_ORIGIN_PIN"}} {
		if *f.v == "" {
			*f.v = getenv(f.name)
		}
	}
}

// originTLS is the configuration of the edge's links to the origin.
func (o *edgeTLSOptions) originTLS() (*tls.Config, error) {
	pins := splitList(o.originPins)
	return tlsconf.Client(tlsconf.ClientOptions{CAFile: o.originCA, Pins: pins, PinOnly: len(pins) > 0 && o.originCA == ""})
}

// listen wraps ln in TLS when certificates are given, watching their
// files until ctx ends; it returns the store (nil for plain HTTP).
func (o *edgeTLSOptions) listen(ctx context.Context, ln net.Listener, srv *http.Server, logger *slog.Logger) (net.Listener, *tlsconf.Store, error) {
	src := tlsconf.Source{CertFile: o.cert, KeyFile: o.key, Dir: o.dir}
	if src.Empty() {
		return ln, nil, nil
	}
	store, err := tlsconf.Open(src, logger.With("component", "tls"))
	if err != nil {
		return nil, nil, err
	}
	if o.poll > 0 {
		go store.Watch(ctx, o.poll)
	}
	srv.Handler = tlsconf.HSTS(srv.Handler)
	srv.Protocols = new(http.Protocols)
	srv.Protocols.SetHTTP1(true)
	srv.Protocols.SetHTTP2(true)
	return tls.NewListener(ln, tlsconf.Server(store)), store, nil
}
