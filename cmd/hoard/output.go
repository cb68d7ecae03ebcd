package main

import (
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"

	"github.com/hoard-s3/hoard/internal/lograte"
	"github.com/hoard-s3/hoard/internal/server"
)

// newLogger builds the stderr logger from the --log-format and
// --log-level flags. Lines that repeat are rate-limited (lograte).
func newLogger(w io.Writer, format, level string) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("invalid --log-level %q: want debug, info, warn or error", level)
	}
	opts := &slog.HandlerOptions{Level: lv}
	switch strings.ToLower(format) {
	case "text":
		return slog.New(lograte.New(slog.NewTextHandler(w, opts))), nil
	case "json":
		return slog.New(lograte.New(slog.NewJSONHandler(w, opts))), nil
	}
	return nil, fmt.Errorf("invalid --log-format %q: want text or json", format)
}

// dialURL turns a listening address into a URL a local client can use:
// a wildcard host (":9000", "[::]:9000") becomes 127.0.0.1.
func dialURL(addr string) string { return schemeURL("http", addr) }

// schemeURL is dialURL with the scheme given (https for a TLS listener).
func schemeURL(scheme, addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return scheme + "://" + addr
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return scheme + "://" + net.JoinHostPort(host, port)
}

// printCredentials shows a newly generated root key pair, the only time it
// is shown, with a command line that can be pasted as is.
func printCredentials(w io.Writer, c server.RootCredentials, path, url, region string) {
	fmt.Fprintf(w, `hoard: generated root credentials (kept in %s, shown only once):
  access key: %s
  secret key: %s
  try: AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=%s aws --endpoint-url %s --region %s s3 ls
`, path, c.AccessKey, c.SecretKey, c.AccessKey, c.SecretKey, url, region)
}
