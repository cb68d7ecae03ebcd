package sse

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// RootKeyEnv names the environment variable that may hold the root key
// (32 bytes, base64). When set it is the active key; keys in the data
// directory's key file still unwrap what they wrapped.
const RootKeyEnv = "HOARD_ROOT_KEY"

// KeyFileName is the root key file inside the data directory.
const KeyFileName = "root-keys.json"

type keyFile struct {
	Keys []keyEntry `json:"keys"` // oldest first; the last one is active
}

type keyEntry struct {
	ID      string    `json:"id"`
	Key     string    `json:"key"` // base64
	Created time.Time `json:"created"`
}

// LoadKeyring returns the root keyring of a data directory: the key in
// HOARD_ROOT_KEY when set, and the keys of DATA/root-keys.json. When
// neither exists it generates a key and writes the file (0600, fsynced)
// before returning, so no object is ever sealed under a key not yet saved.
func LoadKeyring(dataDir string) (*Keyring, error) {
	return loadKeyring(dataDir, os.Getenv(RootKeyEnv))
}

func loadKeyring(dataDir, env string) (*Keyring, error) {
	path := filepath.Join(dataDir, KeyFileName)
	kr := &Keyring{path: path}
	keys, err := readKeys(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, err
	default:
		for _, k := range keys {
			if err := kr.add(k); err != nil {
				return nil, fmt.Errorf("%s: %w", path, err)
			}
		}
	}
	if env = strings.TrimSpace(env); env != "" {
		raw, err := decodeKey(env)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", RootKeyEnv, err)
		}
		id := envKeyID(raw)
		kr.keys = removeID(kr.keys, id)
		kr.keys = append(kr.keys, RootKey{ID: id, Key: raw})
		kr.external = true
		return kr, nil
	}
	if len(kr.keys) > 0 {
		return kr, nil
	}
	k, err := GenerateRootKey()
	if err != nil {
		return nil, err
	}
	if err := saveKeys(path, []RootKey{k}); err != nil {
		return nil, err
	}
	kr.keys = []RootKey{k}
	return kr, nil
}

func removeID(keys []RootKey, id string) []RootKey {
	out := keys[:0]
	for _, k := range keys {
		if k.ID != id {
			out = append(out, k)
		}
	}
	return out
}

func readKeys(path string) ([]RootKey, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read root keys: %w", err)
	}
	var f keyFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("parse %s: %w", path, err)
	}
	if len(f.Keys) == 0 {
		return nil, fmt.Errorf("%s holds no keys; restore it from a backup (objects sealed under its keys cannot be read without them)", path)
	}
	keys := make([]RootKey, 0, len(f.Keys))
	for _, e := range f.Keys {
		raw, err := base64.StdEncoding.DecodeString(e.Key)
		if err != nil || len(raw) != KeySize {
			return nil, fmt.Errorf("%s: key %q: %w", path, e.ID, ErrKeySize)
		}
		keys = append(keys, RootKey{ID: e.ID, Key: raw, Created: e.Created})
	}
	return keys, nil
}

// saveKeys replaces the key file atomically and durably: a temporary file
// written and fsynced at 0600, renamed over the old one, then the directory
// fsynced. A crash leaves the old file or the new one.
func saveKeys(path string, keys []RootKey) error {
	f := keyFile{Keys: make([]keyEntry, len(keys))}
	for i, k := range keys {
		f.Keys[i] = keyEntry{ID: k.ID, Key: base64.StdEncoding.EncodeToString(k.Key), Created: k.Created}
	}
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return fmt.Errorf("encode root keys: %w", err)
	}
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, ".root-keys-*")
	if err != nil {
		return fmt.Errorf("save root keys: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("save root keys: %w", err)
	}
	_, err = tmp.Write(append(data, '\n'))
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err == nil {
		err = syncDir(dir)
	}
	if err != nil {
		return fmt.Errorf("save root keys: %w", err)
	}
	return nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
