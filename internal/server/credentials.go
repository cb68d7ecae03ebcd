package server

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

const credentialsFile = "root-credentials.json"

// RootCredentials is the account's root key pair.
type RootCredentials struct {
	AccessKey string `json:"accessKey"`
	SecretKey string `json:"secretKey"`
}

// LoadRootCredentials returns the root key pair: from the environment
// values when both are set, else from the data directory, else a new
// strong pair that it keeps there (mode 0600). generated reports the last
// case so the caller can print the pair once.
func LoadRootCredentials(dataDir, envAccess, envSecret string) (c RootCredentials, generated bool, err error) {
	if envAccess != "" || envSecret != "" {
		return loadRootCredentials(dataDir, envAccess, envSecret) // nothing on disk to race for
	}
	err = withInitLock(dataDir, func() error {
		var lerr error
		c, generated, lerr = loadRootCredentials(dataDir, envAccess, envSecret)
		return lerr
	})
	return c, generated, err
}

func loadRootCredentials(dataDir, envAccess, envSecret string) (c RootCredentials, generated bool, err error) {
	if envAccess != "" || envSecret != "" {
		if envAccess == "" || envSecret == "" {
			return c, false, errors.New("set both HOARD_ROOT_ACCESS_KEY and HOARD_ROOT_SECRET_KEY, or neither")
		}
		if len(envAccess) < 3 || len(envSecret) < 8 {
			return c, false, errors.New("HOARD_ROOT_ACCESS_KEY needs at least 3 characters and HOARD_ROOT_SECRET_KEY at least 8")
		}
		return RootCredentials{AccessKey: envAccess, SecretKey: envSecret}, false, nil
	}
	path := filepath.Join(dataDir, credentialsFile)
	data, err := os.ReadFile(path)
	if err == nil {
		if err := json.Unmarshal(data, &c); err != nil || c.AccessKey == "" || c.SecretKey == "" {
			return c, false, fmt.Errorf("read %s: malformed credentials file", path)
		}
		return c, false, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return c, false, fmt.Errorf("read root credentials: %w", err)
	}
	c = RootCredentials{AccessKey: randomString(20, upperAlnum), SecretKey: randomString(40, mixedAlnum)}
	data, _ = json.MarshalIndent(c, "", "  ")
	if err := writeFileSync(path, data, 0o600); err != nil {
		return c, false, fmt.Errorf("keep root credentials: %w", err)
	}
	return c, true, nil
}

const (
	upperAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	mixedAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
)

// randomString draws n characters uniformly from alphabet with crypto/rand.
func randomString(n int, alphabet string) string {
	out := make([]byte, n)
	buf := make([]byte, 1)
	limit := 256 - 256%len(alphabet) // reject to avoid modulo bias
	for i := 0; i < n; {
		if _, err := rand.Read(buf); err != nil {
			panic(fmt.Sprintf("crypto/rand failed: %v", err))
		}
		if int(buf[0]) < limit {
			out[i] = alphabet[int(buf[0])%len(alphabet)]
			i++
		}
	}
	return string(out)
}

// writeFileSync writes a small file durably: temp file, fsync, rename, fsync dir.
func writeFileSync(path string, data []byte, perm os.FileMode) error {
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, perm)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	d, err := os.Open(filepath.Dir(path))
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
