package main

import (
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/hoard-s3/hoard/internal/console"
)

// consoleOIDCFlags are the console's "Sign in with …" settings; each
// falls back to its environment variable.
type consoleOIDCFlags struct {
	issuer, clientID, secretFile, role, name, redirect string
}

func (f *consoleOIDCFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.issuer, "console-oidc-issuer", "", "OpenID Connect issuer `URL` the console offers sign-in with (default $HOARD_CONSOLE_OIDC_ISSUER; empty: keys only); register it with iam create-open-id-connect-provider")
	fs.StringVar(&f.clientID, "console-oidc-client-id", "", "the console's client id at the issuer (default $HOARD_CONSOLE_OIDC_CLIENT_ID)")
	fs.StringVar(&f.secretFile, "console-oidc-client-secret-file", "", "`file` holding the console's client secret (default $HOARD_CONSOLE_OIDC_CLIENT_SECRET)")
	fs.StringVar(&f.role, "console-oidc-role", "", "`ARN` of the role signed-in people assume with AssumeRoleWithWebIdentity (default $HOARD_CONSOLE_OIDC_ROLE)")
	fs.StringVar(&f.name, "console-oidc-name", "", "name on the sign-in button (default $HOARD_CONSOLE_OIDC_NAME, else the issuer's host)")
	fs.StringVar(&f.redirect, "console-oidc-redirect-url", "", "the console's /oidc/callback `URL` as registered at the issuer (default $HOARD_CONSOLE_OIDC_REDIRECT_URL, else derived from each request's host)")
}

// config resolves the settings; nil when no issuer is configured.
func (f *consoleOIDCFlags) config(getenv func(string) string) (*console.OIDCConfig, error) {
	pick := func(v, env string) string {
		if v != "" {
			return v
		}
		return strings.TrimSpace(getenv(env))
	}
	cfg := &console.OIDCConfig{
		Issuer:      pick(f.issuer, "HOARD_CONSOLE_OIDC_ISSUER"),
		ClientID:    pick(f.clientID, "HOARD_CONSOLE_OIDC_CLIENT_ID"),
		RoleARN:     pick(f.role, "HOARD_CONSOLE_OIDC_ROLE"),
		Name:        pick(f.name, "HOARD_CONSOLE_OIDC_NAME"),
		RedirectURL: pick(f.redirect, "HOARD_CONSOLE_OIDC_REDIRECT_URL"),
	}
	if cfg.Issuer == "" {
		return nil, nil
	}
	if f.secretFile != "" {
		b, err := os.ReadFile(f.secretFile)
		if err != nil {
			return nil, fmt.Errorf("read console OIDC client secret: %w", err)
		}
		cfg.ClientSecret = strings.TrimSpace(string(b))
	} else {
		cfg.ClientSecret = strings.TrimSpace(getenv("HOARD_CONSOLE_OIDC_CLIENT_SECRET"))
	}
	if !strings.HasPrefix(cfg.Issuer, "https://") {
		return nil, fmt.Errorf("--console-oidc-issuer %q: must be an https URL", cfg.Issuer)
	}
	if cfg.ClientID == "" || cfg.RoleARN == "" {
		return nil, fmt.Errorf("--console-oidc-issuer needs --console-oidc-client-id and --console-oidc-role")
	}
	return cfg, nil
}
