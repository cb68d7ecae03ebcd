package kms_test

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/hoard-s3/hoard/internal/kms"
	"github.com/hoard-s3/hoard/internal/meta"
	"github.com/hoard-s3/hoard/internal/meta/pebblemeta"
	"github.com/hoard-s3/hoard/internal/sse"
)

func TestDataKeyRoundTrip(t *testing.T) {
	f := newFixture(t)
	ctx := rootCtx()
	k := f.create(t, "")
	enc := map[string]string{"aws:s3:arn": "arn:aws:s3:::b/k", "a": "1", "": ""}
	plain, blob, arn, err := f.svc.GenerateDataKey(ctx, k.KeyID, enc)
	if err != nil || len(plain) != 32 || arn != k.ARN {
		t.Fatalf("GenerateDataKey = %d bytes, %q, %v", len(plain), arn, err)
	}
	// The same context in another map (order must not matter).
	same := map[string]string{"": "", "a": "1", "aws:s3:arn": "arn:aws:s3:::b/k"}
	got, err := f.svc.Decrypt(ctx, arn, blob, same)
	if err != nil || !bytes.Equal(got, plain) {
		t.Fatalf("Decrypt = %x, %v; want %x", got, err, plain)
	}
	for _, other := range []map[string]string{nil, {"a": "1"}, {"a": "1", "aws:s3:arn": "arn:aws:s3:::b/k", "": "x"},
		{"a1": "", "aws:s3:arn": "arn:aws:s3:::b/k", "": ""}} {
		_, err := f.svc.Decrypt(ctx, arn, blob, other)
		mustErr(t, err, sse.ErrInvalidCiphertext)
	}
	// Another key's ARN: the metadata and the blob disagree.
	other := f.create(t, "")
	_, err = f.svc.Decrypt(ctx, other.ARN, blob, enc)
	mustErr(t, err, sse.ErrInvalidCiphertext)
	_, _, err = f.svc.DecryptBlob(ctx, blob, enc, other.KeyID)
	mustErr(t, err, kms.ErrIncorrectKey)

	for _, n := range []int{0, 1025} {
		_, _, _, err := f.svc.DataKey(ctx, k.KeyID, n, nil)
		mustErr(t, err, kms.ErrValidation)
	}
	p, b, _, err := f.svc.DataKey(viaS3(), "alias/aws/s3", 1024, nil)
	if err != nil || len(p) != 1024 {
		t.Fatalf("DataKey 1024 = %d, %v", len(p), err)
	}
	if got, _, err := f.svc.DecryptBlob(viaS3(), b, nil, ""); err != nil || !bytes.Equal(got, p) {
		t.Fatalf("DecryptBlob = %v", err)
	}
}

func TestEncryptLimits(t *testing.T) {
	f := newFixture(t)
	ctx := rootCtx()
	k := f.create(t, "")
	for _, n := range []int{0, kms.MaxPlaintext + 1} {
		_, _, err := f.svc.Encrypt(ctx, k.KeyID, make([]byte, n), nil)
		mustErr(t, err, kms.ErrValidation)
	}
	blob, _, err := f.svc.Encrypt(ctx, k.KeyID, bytes.Repeat([]byte{7}, kms.MaxPlaintext), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, _, err := f.svc.DecryptBlob(ctx, blob, nil, k.ARN); err != nil || len(got) != kms.MaxPlaintext {
		t.Fatalf("DecryptBlob = %d, %v", len(got), err)
	}
}

func TestTamperedBlob(t *testing.T) {
	f := newFixture(t)
	ctx := rootCtx()
	k := f.create(t, "")
	blob, _, err := f.svc.Encrypt(ctx, k.KeyID, []byte("hello"), nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range blob {
		bad := bytes.Clone(blob)
		bad[i] ^= 0x01
		_, _, err := f.svc.DecryptBlob(ctx, bad, nil, "")
		mustErr(t, err, sse.ErrInvalidCiphertext)
	}
	for _, bad := range [][]byte{nil, {}, blob[:len(blob)-1], blob[:20], append(bytes.Clone(blob), 0)} {
		_, _, err := f.svc.DecryptBlob(ctx, bad, nil, "")
		mustErr(t, err, sse.ErrInvalidCiphertext)
	}
}

func TestMaterialBoundToKey(t *testing.T) {
	f := newFixture(t)
	ctx := rootCtx()
	a, b := f.create(t, ""), f.create(t, "")
	rawA, err := f.store.Get(ctx, []byte("kms/key/"+a.KeyID))
	if err != nil {
		t.Fatal(err)
	}
	// Copy a's record (and so its wrapped material) over b's.
	moved := bytes.Replace(rawA, []byte(a.KeyID), []byte(b.KeyID), 1)
	if err := f.store.Update(ctx, func(txn meta.Txn) error { return txn.Set([]byte("kms/key/"+b.KeyID), moved) }); err != nil {
		t.Fatal(err)
	}
	_, _, err = f.svc.Encrypt(ctx, b.KeyID, []byte("x"), nil)
	if err == nil {
		t.Fatal("material moved to another key was accepted")
	}
	// A different root key cannot read the keys.
	stranger := kms.New(f.store, newWrapper(t), kms.Config{Region: "eu-west-1", AccountID: "123456789012"})
	if _, _, err := stranger.Encrypt(ctx, a.KeyID, []byte("x"), nil); err == nil {
		t.Fatal("foreign root key unwrapped the material")
	}
}

func TestPersistence(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "meta")
	root := newWrapper(t)
	ctx := rootCtxOf("111122223333")
	cfg := kms.Config{Region: "us-west-2", AccountID: "111122223333"}
	store, err := pebblemeta.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	svc := kms.New(store, root, cfg)
	k, err := svc.CreateKey(ctx, kms.CreateKeyInput{Description: "durable"})
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.CreateAlias(ctx, "alias/durable", k.KeyID); err != nil {
		t.Fatal(err)
	}
	enc := map[string]string{"k": "v"}
	plain, blob, _, err := svc.GenerateDataKey(ctx, "alias/durable", enc)
	if err != nil {
		t.Fatal(err)
	}
	def, err := svc.DefaultKey(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := store.Close(); err != nil {
		t.Fatal(err)
	}

	store, err = pebblemeta.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	svc = kms.New(store, root, cfg)
	got, err := svc.Decrypt(ctx, k.ARN, blob, enc)
	if err != nil || !bytes.Equal(got, plain) {
		t.Fatalf("Decrypt after reopen = %v", err)
	}
	if d, err := svc.DescribeKey(ctx, "alias/durable"); err != nil || d.Description != "durable" || d.KeyID != k.KeyID {
		t.Fatalf("DescribeKey after reopen = %+v, %v", d, err)
	}
	if again, err := svc.DefaultKey(ctx); err != nil || again != def {
		t.Fatalf("DefaultKey after reopen = %q, %v; want %q", again, err, def)
	}
}
