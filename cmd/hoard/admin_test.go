package main

import (
	"strings"
	"testing"

	"github.com/hoard-s3/hoard/internal/server"
)

func TestAdminRotateRootKey(t *testing.T) {
	if code, _, stderr := runApp("admin"); code != 2 || !strings.Contains(stderr, "rotate-root-key") {
		t.Fatalf("admin without a command: %d %q", code, stderr)
	}
	if code, _, stderr := runApp("admin", "frobnicate"); code != 2 || !strings.Contains(stderr, "unknown command") {
		t.Fatalf("unknown admin command: %d %q", code, stderr)
	}
	dir := t.TempDir()
	if code, _, stderr := runApp("admin", "rotate-root-key", "--data", dir); code != 1 || !strings.Contains(stderr, "not a hoard data directory") {
		t.Fatalf("empty directory: %d %q", code, stderr)
	}
	srv, err := server.Open(server.Config{DataDir: dir, Address: "127.0.0.1:0", Root: server.RootCredentials{AccessKey: "AKIDADMINTEST", SecretKey: "admin-test-secret"}})
	if err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runApp("admin", "rotate-root-key", "--data", dir); code != 1 || !strings.Contains(stderr, "in use") {
		t.Fatalf("while the server runs: %d %q", code, stderr)
	}
	if err := srv.Shutdown(); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runApp("admin", "rotate-root-key", "--data", dir)
	if code != 0 || !strings.Contains(stdout, "new root key rk-") {
		t.Fatalf("rotate: %d %q %q", code, stdout, stderr)
	}
}
