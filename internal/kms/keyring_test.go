package kms_test

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/hoard-s3/hoard/internal/kms"
	"github.com/hoard-s3/hoard/internal/meta/pebblemeta"
	"github.com/hoard-s3/hoard/internal/sse"
)

// The server's root keyring is what wraps key material in production.
var _ kms.Wrapper = (*sse.Keyring)(nil)

// TestRootKeyRotation: after a rotation and RewrapMaterial, the keys work
// under a keyring holding only the new root key.
func TestRootKeyRotation(t *testing.T) {
	ctx := rootCtxOf("000000000000")
	store, err := pebblemeta.Open(filepath.Join(t.TempDir(), "meta"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	old, err := sse.GenerateRootKey()
	if err != nil {
		t.Fatal(err)
	}
	ring, err := sse.NewKeyring(old)
	if err != nil {
		t.Fatal(err)
	}
	svc := kms.New(store, ring, kms.Config{})
	k, err := svc.CreateKey(ctx, kms.CreateKeyInput{Description: ""})
	if err != nil {
		t.Fatal(err)
	}
	plain, blob, _, err := svc.GenerateDataKey(ctx, k.KeyID, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Rotation: a keyring with a new active key that still holds the old one.
	fresh, err := sse.GenerateRootKey()
	if err != nil {
		t.Fatal(err)
	}
	rotated, err := sse.NewKeyring(old, fresh)
	if err != nil {
		t.Fatal(err)
	}
	only, err := sse.NewKeyring(fresh)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := kms.New(store, only, kms.Config{}).Decrypt(ctx, k.ARN, blob, nil); err == nil {
		t.Fatal("material opened without its root key")
	}
	if n, err := kms.New(store, rotated, kms.Config{}).RewrapMaterial(ctx); n != 1 || err != nil {
		t.Fatalf("RewrapMaterial = %d, %v", n, err)
	}
	got, err := kms.New(store, only, kms.Config{}).Decrypt(ctx, k.ARN, blob, nil)
	if err != nil || !bytes.Equal(got, plain) {
		t.Fatalf("Decrypt under the new root key only = %v", err)
	}
}
