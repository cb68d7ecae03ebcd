//go:build !linux

package e2e

import "os/exec"

// dieWithParent has no portable equivalent; servers are stopped by the
// test cleanups.
func dieWithParent(cmd *exec.Cmd) {}
