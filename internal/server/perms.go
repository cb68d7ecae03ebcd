package server

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
)

// Everything under the data directory is the server's alone: directories
// 0700, files 0600. The engines create theirs so; tightenModes takes away
// what an earlier version, a restore or an operator left to others.
const othersBits fs.FileMode = 0o077

// tightenModes narrows the entries of the data directory, and of meta/
// and blobs/, to private modes, and warns when the data directory itself
// is open to others (that one is the operator's to choose). Deeper
// entries are not walked (there may be millions of data files): a private
// directory keeps everything under it private.
func tightenModes(dataDir string, log *slog.Logger) error {
	st, err := os.Stat(dataDir)
	if err != nil {
		return fmt.Errorf("data directory: %w", err)
	}
	if st.Mode().Perm()&othersBits != 0 {
		log.Warn("the data directory is accessible to other users; its content is kept private, but consider chmod 700",
			"data", dataDir, "mode", fmt.Sprintf("%04o", st.Mode().Perm()))
	}
	for _, dir := range []string{dataDir, filepath.Join(dataDir, "meta"), filepath.Join(dataDir, "blobs")} {
		if err := tightenEntries(dir); err != nil {
			return err
		}
	}
	return nil
}

// tightenEntries takes the group's and others' permissions from the
// directories and regular files in dir (never adding any for the owner);
// symbolic links and other kinds are left alone.
func tightenEntries(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read %s: %w", dir, err)
	}
	for _, e := range entries {
		if !e.IsDir() && !e.Type().IsRegular() {
			continue
		}
		info, err := e.Info()
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("stat %s: %w", filepath.Join(dir, e.Name()), err)
		}
		perm := info.Mode().Perm()
		if perm&othersBits == 0 {
			continue
		}
		if err := os.Chmod(filepath.Join(dir, e.Name()), perm&^othersBits); err != nil {
			return fmt.Errorf("narrow the mode of %s: %w", filepath.Join(dir, e.Name()), err)
		}
	}
	return nil
}
