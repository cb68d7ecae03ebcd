// Package e2e drives the built hoard binary as a subprocess with real S3
// clients: the Go SDK, the aws CLI, boto3, rclone and s3cmd. Clients that
// are not installed are skipped with a message; CI installs them all.
package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/hoard-s3/hoard/internal/pgtest"
)

// hoardBin is the binary under test, built once by TestMain.
var hoardBin string

func TestMain(m *testing.M) {
	os.Exit(buildAndRun(m))
}

func buildAndRun(m *testing.M) int {
	// HOARD_E2E_BINARY tests a binary built elsewhere (a release build).
	if bin := os.Getenv("HOARD_E2E_BINARY"); bin != "" {
		hoardBin = bin
		return m.Run()
	}
	dir, err := os.MkdirTemp("", "hoard-e2e-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	hoardBin = filepath.Join(dir, "hoard")
	// CGO_ENABLED=0 checks at every run that the binary builds static;
	// -buildvcs=false keeps the build working in checkouts git refuses to read.
	cmd := exec.Command("go", "build", "-buildvcs=false", "-o", hoardBin, "./cmd/hoard")
	cmd.Dir = filepath.Join("..", "..")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: building hoard: %v\n%s", err, out)
		return 1
	}
	// One PostgreSQL cluster serves the multi-gateway tests (a test that
	// restarts its database starts one of its own).
	defer pgtest.StartShared()()
	return m.Run()
}
