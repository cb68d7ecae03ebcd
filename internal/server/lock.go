package server

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// lockDir takes an advisory lock on the data directory: exclusive for a
// server with the embedded engine (nothing else may open its store), shared
// for gateways that keep their metadata in a database and share the
// directory's data files. A shared holder keeps out an embedded-engine
// server and the offline tools (root key rotation), which need it alone.
// The kernel drops the lock when the process dies, so a crash never leaves
// a stale lock behind.
func lockDir(dataDir string, shared bool) (*os.File, error) {
	path := filepath.Join(dataDir, "hoard.lock")
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open lock file: %w", err)
	}
	how := syscall.LOCK_EX
	if shared {
		how = syscall.LOCK_SH
	}
	if err := syscall.Flock(int(f.Fd()), how|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			if shared {
				return nil, fmt.Errorf("data directory %s is in use by a hoard server with the embedded metadata engine (or a maintenance command)", dataDir)
			}
			return nil, fmt.Errorf("data directory %s is in use by another hoard server", dataDir)
		}
		return nil, fmt.Errorf("lock data directory: %w", err)
	}
	return f, nil
}

// withInitLock runs fn holding an exclusive lock on DATA/hoard.init.lock,
// waiting for it. Gateways that share a data directory and start at once
// would otherwise each generate, and one overwrite, the root keys or root
// credentials that the first start writes there.
func withInitLock(dataDir string, fn func() error) error {
	f, err := os.OpenFile(filepath.Join(dataDir, "hoard.init.lock"), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("open init lock file: %w", err)
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		return fmt.Errorf("lock data directory for start-up: %w", err)
	}
	return fn()
}
