package main

import (
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/hoard-s3/hoard/internal/server"
	"github.com/hoard-s3/hoard/internal/tlsconf"
)

// tlsOptions are the TLS flags of `hoard server`.
type tlsOptions struct {
	cert, key, dir string
	trustedProxies string
	sseCOverHTTP   onOffFlag
	acmeDomains    string
	acmeDirectory  string
	acmeEmail      string
	acmeCAFile     string
	acmeCacheDir   string
	poll           time.Duration
}

func (o *tlsOptions) register(fs *flag.FlagSet) {
	fs.StringVar(&o.cert, "tls-cert", "", "PEM `file` of the certificate (and chain) to serve HTTPS with, on the S3 and console ports (default $HOARD_TLS_CERT); reloaded when it changes and on SIGHUP")
	fs.StringVar(&o.key, "tls-key", "", "PEM `file` of the certificate's private key (default $HOARD_TLS_KEY)")
	fs.StringVar(&o.dir, "tls-cert-dir", "", "`directory` of NAME.crt/NAME.key pairs chosen by SNI, wildcards included (default $HOARD_TLS_CERT_DIR)")
	fs.DurationVar(&o.poll, "tls-poll", tlsconf.DefaultPoll, "how often the certificate files are checked for a change (0: only on SIGHUP)")
	fs.StringVar(&o.trustedProxies, "trusted-proxies", "", "comma-separated `addresses/CIDRs` of reverse proxies whose X-Forwarded-For and X-Forwarded-Proto are believed (default $HOARD_TRUSTED_PROXIES)")
	fs.Var(&o.sseCOverHTTP, "allow-sse-c-over-http", "on or off (default $HOARD_ALLOW_SSE_C_OVER_HTTP, else off): accept SSE-C customer keys on plain HTTP, which S3 refuses; for development only")
	fs.StringVar(&o.acmeDomains, "acme-domains", "", "comma-separated `names` to obtain certificates for by ACME (TLS-ALPN-01 on the S3 port) (default $HOARD_ACME_DOMAINS)")
	fs.StringVar(&o.acmeDirectory, "acme-directory", "", "ACME directory `URL` (default $HOARD_ACME_DIRECTORY, else Let's Encrypt)")
	fs.StringVar(&o.acmeEmail, "acme-email", "", "contact `address` given to the ACME CA (default $HOARD_ACME_EMAIL)")
	fs.StringVar(&o.acmeCAFile, "acme-ca-file", "", "PEM `file` of the CA of a private ACME server's HTTPS (default $HOARD_ACME_CA_FILE, else the system roots)")
	fs.StringVar(&o.acmeCacheDir, "acme-cache", "", "`directory` keeping the ACME account and certificates (default $HOARD_ACME_CACHE, else DATA/acme)")
}

// config resolves the flags, each falling back to its environment
// variable, into the server's TLS configuration.
func (o *tlsOptions) config(getenv func(string) string) (server.TLSConfig, error) {
	env := func(v *string, name string) {
		if *v == "" {
			*v = getenv(name)
		}
	}
	env(&o.cert, "HOARD_TLS_CERT")
	env(&o.key, "HOARD_TLS_KEY")
	env(&o.dir, "HOARD_TLS_CERT_DIR")
	env(&o.trustedProxies, "HOARD_TRUSTED_PROXIES")
	env(&o.acmeDomains, "HOARD_ACME_DOMAINS")
	env(&o.acmeDirectory, "HOARD_ACME_DIRECTORY")
	env(&o.acmeEmail, "HOARD_ACME_EMAIL")
	env(&o.acmeCAFile, "HOARD_ACME_CA_FILE")
	env(&o.acmeCacheDir, "HOARD_ACME_CACHE")
	var c server.TLSConfig
	if err := o.sseCOverHTTP.fromEnv(getenv, "HOARD_ALLOW_SSE_C_OVER_HTTP"); err != nil {
		return c, err
	}
	c.AllowSSECOverHTTP = o.sseCOverHTTP.on
	c.Certificates = tlsconf.Source{CertFile: o.cert, KeyFile: o.key, Dir: o.dir}
	c.Poll = o.poll
	if c.Poll <= 0 {
		c.Poll = -1 // no polling: SIGHUP alone reloads
	}
	proxies, err := tlsconf.ParseProxies(o.trustedProxies)
	if err != nil {
		return c, fmt.Errorf("--trusted-proxies: %w", err)
	}
	c.TrustedProxies = proxies
	if o.acmeDomains != "" {
		c.ACME = &server.ACMEConfig{
			Domains: splitList(o.acmeDomains), DirectoryURL: o.acmeDirectory,
			Email: o.acmeEmail, CAFile: o.acmeCAFile, CacheDir: o.acmeCacheDir,
		}
	}
	return c, nil
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// reloadOnHangup reloads the certificates at each SIGHUP (what certbot's
// deploy hooks and systemd's ExecReload send). The returned function
// stops it.
func reloadOnHangup(srv *server.Server, logger *slog.Logger) func() {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-done:
				return
			case <-hup:
				logger.Info("SIGHUP: reloading TLS certificates")
				srv.ReloadCertificates() // logs its own outcome
			}
		}
	}()
	return func() { signal.Stop(hup); close(done) }
}
