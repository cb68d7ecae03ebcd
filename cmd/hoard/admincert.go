package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/hoard-s3/hoard/internal/tlsconf"
)

// runAdminCert writes a self-signed certificate for a first start on a
// laptop and says how to trust it.
func runAdminCert(a *app, args []string) int {
	fs := flag.NewFlagSet("admin cert", flag.ContinueOnError)
	fs.SetOutput(a.stderr)
	host, _ := os.Hostname()
	hosts := fs.String("hosts", "localhost,127.0.0.1,::1,"+host, "comma-separated DNS `names` (wildcards too: *.s3.example.com) and IP addresses the certificate covers")
	out := fs.String("out", ".", "`directory` to write hoard.crt and hoard.key in (never overwritten)")
	days := fs.Int("days", 365, "validity in `days`")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 || *days < 1 {
		fmt.Fprintf(a.stderr, "hoard admin cert: unexpected arguments %q (or --days below 1)\n", fs.Args())
		return 2
	}
	certPEM, keyPEM, err := tlsconf.SelfSigned(splitList(*hosts), time.Duration(*days)*24*time.Hour, time.Now())
	if err == nil {
		err = writeNew(*out, certPEM, keyPEM)
	}
	if err != nil {
		fmt.Fprintf(a.stderr, "hoard admin cert: %v\n", err)
		return 1
	}
	crt, key := filepath.Join(*out, "hoard.crt"), filepath.Join(*out, "hoard.key")
	fmt.Fprintf(a.stdout, `wrote a self-signed certificate for %s (valid %d days):
  %s
  %s (private key, mode 0600)
Serve with it:
  hoard server --tls-cert %s --tls-key %s
Trust it in clients (it is its own CA):
  aws --ca-bundle %s ...      (or AWS_CA_BUNDLE=%s)
  curl --cacert %s ...
  Debian/Ubuntu: sudo cp %s /usr/local/share/ca-certificates/hoard.crt && sudo update-ca-certificates
  macOS: sudo security add-trusted-cert -d -r trustRoot -k /Library/Keychains/System.keychain %s
`, *hosts, *days, crt, key, crt, key, crt, crt, crt, crt, crt)
	return 0
}

// writeNew writes the pair without replacing existing files: a key that
// clients already trust is never lost to a second run.
func writeNew(dir string, certPEM, keyPEM []byte) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	for _, f := range []struct {
		name string
		data []byte
		mode os.FileMode
	}{{"hoard.key", keyPEM, 0o600}, {"hoard.crt", certPEM, 0o644}} {
		p := filepath.Join(dir, f.name)
		fh, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, f.mode)
		if err != nil {
			return fmt.Errorf("write %s: %w", p, err)
		}
		_, err = fh.Write(f.data)
		if cerr := fh.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("write %s: %w", p, err)
		}
	}
	return nil
}
