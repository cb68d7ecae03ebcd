package server

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// lockDir takes an exclusive advisory lock on the data directory so that a
// second server cannot open the same store. The kernel drops the lock when
// the process dies, so a crash never leaves a stale lock behind.
func lockDir(dataDir string) (*os.File, error) {
	path := filepath.Join(dataDir, "hoard.lock")
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open lock file: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("data directory %s is in use by another hoard server", dataDir)
		}
		return nil, fmt.Errorf("lock data directory: %w", err)
	}
	return f, nil
}
