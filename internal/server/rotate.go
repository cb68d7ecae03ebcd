package server

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/hoard-s3/hoard/internal/blob"
	"github.com/hoard-s3/hoard/internal/iam"
	"github.com/hoard-s3/hoard/internal/kms"
	"github.com/hoard-s3/hoard/internal/object"
	"github.com/hoard-s3/hoard/internal/sites"
	"github.com/hoard-s3/hoard/internal/sse"
)

// RotateRootKey adds a new root key to a data directory's keyring and
// re-wraps under it every SSE-S3 data key, the key service's master keys
// and every IAM secret; object data is not rewritten. Afterwards nothing
// depends on the old root keys, so they can be retired from the key file.
// The server must not be running: the data directory lock is taken, and
// refused while a server holds it (gateways on a database hold it shared,
// so every one of them must be stopped). metaURL is the database of such
// gateways; empty means the embedded engine. The old keys stay in the key file, so an
// interrupted rotation loses nothing and can simply be run again.
func RotateRootKey(ctx context.Context, dataDir, metaURL string) (newID string, rewrapped int, err error) {
	probe := filepath.Join(dataDir, "meta")
	if metaURL != "" {
		probe = filepath.Join(dataDir, "blobs")
	}
	if _, err := os.Stat(probe); err != nil {
		return "", 0, fmt.Errorf("%s is not a hoard data directory: %w", dataDir, err)
	}
	lock, err := lockDir(dataDir, false)
	if err != nil {
		return "", 0, err
	}
	defer lock.Close()
	kr, err := sse.LoadKeyring(dataDir)
	if err != nil {
		return "", 0, fmt.Errorf("load root keys: %w", err)
	}
	m, err := openMeta(Config{DataDir: dataDir, Meta: metaURL})
	if err != nil {
		return "", 0, fmt.Errorf("open metadata: %w", err)
	}
	defer func() { err = errors.Join(err, m.Close()) }()
	blobs, err := blob.OpenDir(filepath.Join(dataDir, "blobs"), blob.OS)
	if err != nil {
		return "", 0, fmt.Errorf("open data files: %w", err)
	}
	if newID, err = kr.Rotate(); err != nil {
		return "", 0, err
	}
	svc := object.New(m, blobs, object.Config{Keyring: kr})
	rewrapped, err = svc.RewrapKeys(ctx)
	if err != nil {
		return newID, rewrapped, fmt.Errorf("re-wrap data keys under %s: %w", newID, err)
	}
	// The key service's master keys are wrapped under the root keyring;
	// SSE-KMS objects' data keys hang off them, so these objects and KMS
	// ciphertexts need nothing more.
	keys, err := kms.New(m, kr, kms.Config{}).RewrapMaterial(ctx)
	rewrapped += keys
	if err != nil {
		return newID, rewrapped, fmt.Errorf("re-wrap key service keys under %s: %w", newID, err)
	}
	// IAM secret access keys and session secrets are wrapped under the
	// root keyring too.
	secrets, err := iam.New(m, kr, iam.Config{}).RewrapSecrets(ctx)
	rewrapped += secrets
	if err != nil {
		return newID, rewrapped, fmt.Errorf("re-wrap IAM secrets under %s: %w", newID, err)
	}
	// So are the secrets this site signs with at the other sites.
	siteSecrets, err := sites.New(m, kr).RewrapSecrets(ctx)
	rewrapped += siteSecrets
	if err != nil {
		return newID, rewrapped, fmt.Errorf("re-wrap site secrets under %s: %w", newID, err)
	}
	return newID, rewrapped, nil
}
