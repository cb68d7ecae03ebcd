package sse

import (
	"bytes"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestKeyringFileCreatedAndReloaded(t *testing.T) {
	dir := t.TempDir()
	kr, err := loadKeyring(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(filepath.Join(dir, KeyFileName))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v, mode %v", err, st.Mode())
	}
	dk := testKey(7)
	w, err := kr.Wrap(dk, []byte("b/k"))
	if err != nil {
		t.Fatal(err)
	}
	kr2, err := loadKeyring(dir, "")
	if err != nil || kr2.ActiveID() != kr.ActiveID() {
		t.Fatalf("reload: %v", err)
	}
	got, err := kr2.Unwrap(w, []byte("b/k"))
	if err != nil || !bytes.Equal(got, dk) {
		t.Fatalf("unwrap after reload: %v", err)
	}
	if _, err := kr2.Unwrap(w, []byte("b/other")); !errors.Is(err, ErrAuth) {
		t.Fatalf("unwrap with another binding: %v", err)
	}
}

func TestRotateKeepsOldKeys(t *testing.T) {
	dir := t.TempDir()
	kr, _ := loadKeyring(dir, "")
	old := kr.ActiveID()
	w, _ := kr.Wrap(testKey(1), nil)
	id, err := kr.Rotate()
	if err != nil || id == old || kr.ActiveID() != id {
		t.Fatalf("rotate: %v", err)
	}
	kr2, _ := loadKeyring(dir, "")
	if kr2.ActiveID() != id || len(kr2.IDs()) != 2 {
		t.Fatalf("reloaded ids %v", kr2.IDs())
	}
	if _, err := kr2.Unwrap(w, nil); err != nil {
		t.Fatalf("old wrapped key: %v", err)
	}
	w2, _ := kr2.Wrap(testKey(1), nil)
	if got, _ := WrappedKeyID(w2); got != id {
		t.Fatalf("new wrap under %s, want %s", got, id)
	}
}

func TestEnvironmentKey(t *testing.T) {
	dir := t.TempDir()
	env := base64.StdEncoding.EncodeToString(testKey(3))
	kr, err := loadKeyring(dir, env)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, KeyFileName)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("key file written although the key came from the environment: %v", err)
	}
	if _, err := kr.Rotate(); !errors.Is(err, ErrExternalRootKey) {
		t.Fatalf("rotate: %v", err)
	}
	kr2, _ := loadKeyring(dir, env)
	if kr2.ActiveID() != kr.ActiveID() {
		t.Fatal("environment key id not stable")
	}
	for _, bad := range []string{"not base64!", base64.StdEncoding.EncodeToString([]byte("short"))} {
		if _, err := loadKeyring(dir, bad); err == nil {
			t.Errorf("accepted root key %q", bad)
		}
	}
}

func TestCustomerKeys(t *testing.T) {
	dk, ck := testKey(1), testKey(2)
	w, fp, err := SealForCustomer(dk, ck, []byte("b/k"))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(fp, ck) || bytes.Contains(w, ck) {
		t.Fatal("customer key stored")
	}
	got, err := OpenForCustomer(w, fp, ck, []byte("b/k"))
	if err != nil || !bytes.Equal(got, dk) {
		t.Fatalf("open: %v", err)
	}
	if _, err := OpenForCustomer(w, fp, testKey(3), []byte("b/k")); !errors.Is(err, ErrCustomerKeyMismatch) {
		t.Fatalf("wrong key: %v", err)
	}
}

func TestPartKeysDiffer(t *testing.T) {
	dk := testKey(1)
	a, _ := PartKey(dk, 1, "x")
	b, _ := PartKey(dk, 2, "x")
	c, _ := PartKey(dk, 1, "y")
	if bytes.Equal(a, b) || bytes.Equal(a, c) || bytes.Equal(a, dk) {
		t.Fatal("derived keys collide")
	}
}

func TestEnvelopeRoundTrip(t *testing.T) {
	e := &Envelope{Type: C, Defaulted: true, BucketKey: true, Wrapped: []byte("w"), KMSKeyARN: "arn", KMSContext: "{}",
		Fingerprint: make([]byte, fingerprintSize)}
	got, err := DecodeEnvelope(e.Append(nil))
	if err != nil || got.Type != C || !got.Defaulted || !got.BucketKey || got.KMSKeyARN != "arn" || string(got.Wrapped) != "w" || got.HasLegacyKeyMD5() {
		t.Fatalf("round trip: %+v, %v", got, err)
	}
	enc := e.Append(nil)
	for i := range enc {
		if _, err := DecodeEnvelope(enc[:i]); err == nil {
			t.Fatalf("truncated envelope of %d bytes accepted", i)
		}
	}
}

// legacyEnvelope is an SSE-C envelope as written before the customer key's
// MD5 was dropped: the fourth field holds that MD5.
func legacyEnvelope(keyMD5, fp []byte) []byte {
	b := []byte{envelopeV1, byte(C), 0}
	for _, f := range [][]byte{[]byte("w"), nil, nil, keyMD5, fp} {
		b = append(b, byte(len(f)))
		b = append(b, f...)
	}
	return b
}

func TestEnvelopeLegacyKeyMD5Dropped(t *testing.T) {
	sum := CustomerKeyMD5(testKey(7))
	fp := make([]byte, fingerprintSize)
	e, err := DecodeEnvelope(legacyEnvelope(sum, fp))
	if err != nil || !e.HasLegacyKeyMD5() || string(e.Wrapped) != "w" {
		t.Fatalf("legacy envelope: %+v, %v", e, err)
	}
	again := e.Append(nil)
	if bytes.Contains(again, sum) {
		t.Fatal("re-encoded envelope still holds the key MD5")
	}
	if e2, err := DecodeEnvelope(again); err != nil || e2.HasLegacyKeyMD5() {
		t.Fatalf("re-encoded envelope: %+v, %v", e2, err)
	}
	for _, n := range []int{1, 15, 17} {
		if _, err := DecodeEnvelope(legacyEnvelope(make([]byte, n), fp)); err == nil {
			t.Errorf("key digest of %d bytes accepted", n)
		}
	}
}
