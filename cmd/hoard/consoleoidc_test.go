package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestConsoleOIDCFlags(t *testing.T) {
	env := map[string]string{"HOARD_CONSOLE_OIDC_CLIENT_ID": "from-env", "HOARD_CONSOLE_OIDC_ROLE": "arn:aws:iam::000000000000:role/r"}
	getenv := func(k string) string { return env[k] }
	if cfg, err := (&consoleOIDCFlags{}).config(getenv); cfg != nil || err != nil {
		t.Fatalf("no issuer: %+v %v", cfg, err)
	}
	secret := filepath.Join(t.TempDir(), "secret")
	os.WriteFile(secret, []byte("s3cret\n"), 0o600)
	cfg, err := (&consoleOIDCFlags{issuer: "https://idp.example", secretFile: secret}).config(getenv)
	if err != nil || cfg.ClientID != "from-env" || cfg.ClientSecret != "s3cret" || cfg.RoleARN != env["HOARD_CONSOLE_OIDC_ROLE"] {
		t.Fatalf("config = %+v, %v", cfg, err)
	}
	for _, f := range []consoleOIDCFlags{{issuer: "http://idp.example"}, {issuer: "https://idp.example", role: ""}} {
		env["HOARD_CONSOLE_OIDC_ROLE"] = ""
		if _, err := f.config(getenv); err == nil || !strings.Contains(err.Error(), "console-oidc") {
			t.Fatalf("%+v: err %v", f, err)
		}
	}
}
