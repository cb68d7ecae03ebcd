package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hoard-s3/hoard/internal/adminapi"
	"github.com/hoard-s3/hoard/internal/testserver"
)

func runAppEnv(env map[string]string, args ...string) (code int, stdout, stderr string) {
	var out, errw bytes.Buffer
	a := &app{stdout: &out, stderr: &errw, getenv: func(k string) string { return env[k] }, exit: func(int) {}}
	code = a.run(args)
	return code, out.String(), errw.String()
}

func TestAdminAccountCommands(t *testing.T) {
	srv := testserver.Start(t)
	env := map[string]string{"HOARD_ENDPOINT": srv.URL, "HOARD_ROOT_ACCESS_KEY": testserver.AccessKey, "HOARD_ROOT_SECRET_KEY": testserver.SecretKey}

	code, out, errs := runAppEnv(env, "admin", "account", "create", "--name", "blue", "--id", "222233334444", "--json")
	var created adminapi.AccountJSON
	if code != 0 || json.Unmarshal([]byte(out), &created) != nil || created.ID != "222233334444" || created.RootSecretKey == "" {
		t.Fatalf("create: %d %q %q", code, out, errs)
	}
	code, out, errs = runAppEnv(env, "admin", "account", "create", "--name", "cyan")
	if code != 0 || !strings.Contains(out, "root secret key ") || !strings.Contains(out, "(cyan)") {
		t.Fatalf("create (text): %d %q %q", code, out, errs)
	}
	code, out, errs = runAppEnv(env, "admin", "account", "list")
	if code != 0 || !strings.Contains(out, "222233334444  blue") || !strings.Contains(out, "(operator)") || strings.Contains(out, created.RootSecretKey) {
		t.Fatalf("list: %d %q %q", code, out, errs)
	}
	if code, _, errs = runAppEnv(env, "admin", "account", "create", "--name", "blue"); code != 1 || !strings.Contains(errs, "AccountAlreadyExists") {
		t.Fatalf("duplicate: %d %q", code, errs)
	}
	if code, out, errs = runAppEnv(env, "admin", "account", "delete", "222233334444"); code != 0 || !strings.Contains(out, "deleted account 222233334444") {
		t.Fatalf("delete: %d %q %q", code, out, errs)
	}
	if code, _, errs = runAppEnv(env, "admin", "account", "delete"); code != 2 {
		t.Fatalf("delete without an id: %d %q", code, errs)
	}

	// Credentials from the data directory, and refusals.
	dir := t.TempDir()
	creds, _ := json.Marshal(map[string]string{"accessKey": testserver.AccessKey, "secretKey": testserver.SecretKey})
	if err := os.WriteFile(filepath.Join(dir, "root-credentials.json"), creds, 0o600); err != nil {
		t.Fatal(err)
	}
	noKeys := map[string]string{"HOARD_ENDPOINT": srv.URL}
	if code, out, errs = runAppEnv(noKeys, "admin", "account", "list", "--data", dir); code != 0 || !strings.Contains(out, "cyan") {
		t.Fatalf("list with --data: %d %q %q", code, out, errs)
	}
	if code, _, errs = runAppEnv(noKeys, "admin", "account", "list"); code != 1 || !strings.Contains(errs, "HOARD_ROOT_ACCESS_KEY") {
		t.Fatalf("no credentials: %d %q", code, errs)
	}
	if code, _, errs = runAppEnv(noKeys, "admin", "account", "list", "--data", t.TempDir()); code != 1 || !strings.Contains(errs, "no root credentials") {
		t.Fatalf("empty data directory: %d %q", code, errs)
	}
	wrong := map[string]string{"HOARD_ENDPOINT": srv.URL, "HOARD_ROOT_ACCESS_KEY": testserver.AccessKey, "HOARD_ROOT_SECRET_KEY": "not-the-secret"}
	if code, _, errs = runAppEnv(wrong, "admin", "account", "list"); code != 1 || !strings.Contains(errs, "AccessDenied") {
		t.Fatalf("wrong secret: %d %q", code, errs)
	}
	if code, _, errs = runAppEnv(env, "admin", "account", "rename"); code != 2 {
		t.Fatalf("unknown subcommand: %d %q", code, errs)
	}
}
