package kms

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/google/uuid"

	"github.com/hoard-s3/hoard/internal/sse"
)

// A ciphertext blob (what Encrypt and GenerateDataKey return):
//
//	version  1 byte (1)
//	key id   16 bytes (the master key's UUID, so Decrypt can find it)
//	salt     16 bytes (random)
//	nonce    12 bytes (random)
//	sealed   AES-256-GCM(plaintext) with its 16-byte tag
//
// Each blob is sealed under its own key, HMAC-SHA256(material, label||salt),
// so the number of blobs per master key is not bounded by GCM's random-nonce
// limit. The additional data is the header (version and key id) followed by
// the canonical encryption context, so a blob opens only under the key and
// context it was made with.
const (
	blobVersion   = 1
	blobIDEnd     = 1 + 16
	blobSaltEnd   = blobIDEnd + 16
	blobNonceEnd  = blobSaltEnd + 12
	blobOverhead  = blobNonceEnd + 16
	maxPlaintext  = 4096
	maxDataKeyLen = 1024
	subkeyLabel   = "hoard kms blob v1"
)

// MaxPlaintext is the largest plaintext Encrypt accepts, as in KMS.
const MaxPlaintext = maxPlaintext

// canonicalContext encodes an encryption context independent of map order:
// pairs sorted by key, each string length-prefixed.
func canonicalContext(encCtx map[string]string) []byte {
	keys := make([]string, 0, len(encCtx))
	for k := range encCtx {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var out []byte
	for _, k := range keys {
		out = binary.AppendUvarint(out, uint64(len(k)))
		out = append(out, k...)
		out = binary.AppendUvarint(out, uint64(len(encCtx[k])))
		out = append(out, encCtx[k]...)
	}
	return out
}

func blobAEAD(material, salt []byte) (cipher.AEAD, error) {
	mac := hmac.New(sha256.New, material)
	mac.Write([]byte(subkeyLabel))
	mac.Write(salt)
	subkey := mac.Sum(nil)
	defer clear(subkey)
	block, err := aes.NewCipher(subkey)
	if err != nil {
		return nil, fmt.Errorf("blob cipher: %w", err)
	}
	return cipher.NewGCM(block)
}

// material unwraps a key's material; callers clear it after use.
func (s *Service) material(r *keyRecord) ([]byte, error) {
	m, err := s.root.Unwrap(r.Material, materialAAD(r.ID))
	if err != nil {
		return nil, fmt.Errorf("unwrap material of key %s: %w: %w", r.ID, errCorruptKeyRecord, err)
	}
	return m, nil
}

func (s *Service) seal(r *keyRecord, plain []byte, encCtx map[string]string) ([]byte, error) {
	material, err := s.material(r)
	if err != nil {
		return nil, err
	}
	defer clear(material)
	blob := make([]byte, blobNonceEnd, blobOverhead+len(plain))
	blob[0] = blobVersion
	u := uuid.MustParse(r.ID) // stored ids are canonical UUIDs
	copy(blob[1:blobIDEnd], u[:])
	if _, err := rand.Read(blob[blobIDEnd:blobNonceEnd]); err != nil {
		return nil, fmt.Errorf("blob salt: %w", err)
	}
	aead, err := blobAEAD(material, blob[blobIDEnd:blobSaltEnd])
	if err != nil {
		return nil, err
	}
	aad := append(blob[:blobIDEnd:blobIDEnd], canonicalContext(encCtx)...)
	return aead.Seal(blob, blob[blobSaltEnd:blobNonceEnd], plain, aad), nil
}

// blobKeyID returns the key id a blob names.
func blobKeyID(blob []byte) (string, error) {
	if len(blob) < blobOverhead || blob[0] != blobVersion {
		return "", fmt.Errorf("%w: not a ciphertext blob of this key service", sse.ErrInvalidCiphertext)
	}
	u, err := uuid.FromBytes(blob[1:blobIDEnd])
	if err != nil {
		return "", fmt.Errorf("%w: %w", sse.ErrInvalidCiphertext, err)
	}
	return u.String(), nil
}

func (s *Service) open(r *keyRecord, blob []byte, encCtx map[string]string) ([]byte, error) {
	material, err := s.material(r)
	if err != nil {
		return nil, err
	}
	defer clear(material)
	aead, err := blobAEAD(material, blob[blobIDEnd:blobSaltEnd])
	if err != nil {
		return nil, err
	}
	aad := append(slices.Clip(blob[:blobIDEnd]), canonicalContext(encCtx)...)
	plain, err := aead.Open(nil, blob[blobSaltEnd:blobNonceEnd], blob[blobNonceEnd:], aad)
	if err != nil {
		return nil, fmt.Errorf("%w: wrong encryption context or corrupted ciphertext", sse.ErrInvalidCiphertext)
	}
	return plain, nil
}

// usableKey resolves ref to a key the caller may use for a and that may
// be used for cryptography (a.rec is filled in).
func (s *Service) usableKey(ctx context.Context, ref string, a access) (*keyRecord, error) {
	rec, err := s.lookup(ctx, ref)
	if err != nil {
		return nil, err
	}
	a.rec = rec
	a.extra = s.withRequestAlias(a.extra, ref)
	if err := s.authorize(ctx, a); err != nil {
		return nil, err
	}
	if err := usable(rec); err != nil {
		return nil, err
	}
	return rec, nil
}

// Encrypt seals up to 4096 bytes under the key ref names, bound to encCtx.
func (s *Service) Encrypt(ctx context.Context, ref string, plain []byte, encCtx map[string]string) (blob []byte, keyARN string, err error) {
	if len(plain) == 0 || len(plain) > maxPlaintext {
		return nil, "", fmt.Errorf("%w: Plaintext must be 1 to %d bytes", ErrValidation, maxPlaintext)
	}
	rec, err := s.usableKey(ctx, ref, cryptoAccess("kms:Encrypt", nil, encCtx))
	if err != nil {
		return nil, "", err
	}
	blob, err = s.seal(rec, plain, encCtx)
	if err != nil {
		return nil, "", err
	}
	return blob, s.keyARN(rec.ID), nil
}

// DataKey returns n random bytes (1 to 1024) in plaintext and sealed under
// the key ref names, bound to encCtx.
func (s *Service) DataKey(ctx context.Context, ref string, n int, encCtx map[string]string) (plain, blob []byte, keyARN string, err error) {
	return s.dataKey(ctx, "kms:GenerateDataKey", ref, n, encCtx)
}

// DataKeyWithoutPlaintext is DataKey for a caller that gets only the
// sealed key (GenerateDataKeyWithoutPlaintext, its own permission).
func (s *Service) DataKeyWithoutPlaintext(ctx context.Context, ref string, n int, encCtx map[string]string) (blob []byte, keyARN string, err error) {
	plain, blob, keyARN, err := s.dataKey(ctx, "kms:GenerateDataKeyWithoutPlaintext", ref, n, encCtx)
	clear(plain)
	return blob, keyARN, err
}

func (s *Service) dataKey(ctx context.Context, action, ref string, n int, encCtx map[string]string) (plain, blob []byte, keyARN string, err error) {
	if n < 1 || n > maxDataKeyLen {
		return nil, nil, "", fmt.Errorf("%w: NumberOfBytes must be 1 to %d", ErrValidation, maxDataKeyLen)
	}
	rec, err := s.usableKey(ctx, ref, access{action: action, encCtx: encCtx})
	if err != nil {
		return nil, nil, "", err
	}
	plain = make([]byte, n)
	if _, err := rand.Read(plain); err != nil {
		return nil, nil, "", fmt.Errorf("generate data key: %w", err)
	}
	if blob, err = s.seal(rec, plain, encCtx); err != nil {
		return nil, nil, "", err
	}
	return plain, blob, s.keyARN(rec.ID), nil
}

// DecryptBlob opens a blob made by Encrypt or DataKey. When ref is not
// empty the blob must have been made under that key (ErrIncorrectKey
// otherwise).
func (s *Service) DecryptBlob(ctx context.Context, blob []byte, encCtx map[string]string, ref string) (plain []byte, keyARN string, err error) {
	return s.openBlob(ctx, "kms:Decrypt", blob, encCtx, ref)
}

// openBlob authorizes action (kms:Decrypt or kms:ReEncryptFrom) on the key
// a blob names and opens the blob.
func (s *Service) openBlob(ctx context.Context, action string, blob []byte, encCtx map[string]string, ref string) (plain []byte, keyARN string, err error) {
	id, err := blobKeyID(blob)
	if err != nil {
		return nil, "", err
	}
	rec, err := s.loadKey(ctx, s.store, id)
	if errors.Is(err, sse.ErrKeyNotFound) {
		return nil, "", fmt.Errorf("%w: its key does not exist", sse.ErrInvalidCiphertext)
	}
	if err != nil {
		return nil, "", err
	}
	if err := s.authorize(ctx, cryptoAccess(action, rec, encCtx)); err != nil {
		return nil, "", err
	}
	if ref != "" {
		want, err := s.lookup(ctx, ref)
		if err != nil {
			return nil, "", err
		}
		if want.ID != id {
			return nil, "", fmt.Errorf("blob of key %s, not %s: %w", id, want.ID, ErrIncorrectKey)
		}
	}
	if err := usable(rec); err != nil {
		return nil, "", err
	}
	plain, err = s.open(rec, blob, encCtx)
	if err != nil {
		return nil, "", fmt.Errorf("key %s: %w", id, err)
	}
	return plain, s.keyARN(id), nil
}

// ReEncryptInput is what ReEncrypt takes.
type ReEncryptInput struct {
	Blob        []byte
	SourceCtx   map[string]string
	SourceRef   string // optional: the key the blob must be under
	Destination string
	DestCtx     map[string]string
}

// ReEncrypt opens a blob and seals its plaintext under another key (or
// the same one) without the plaintext leaving the service. It needs
// kms:ReEncryptFrom on the source key and kms:ReEncryptTo on the
// destination.
func (s *Service) ReEncrypt(ctx context.Context, in ReEncryptInput) (blob []byte, srcARN, destARN string, err error) {
	plain, srcARN, err := s.openBlob(ctx, "kms:ReEncryptFrom", in.Blob, in.SourceCtx, in.SourceRef)
	if err != nil {
		return nil, "", "", err
	}
	defer clear(plain)
	a := cryptoAccess("kms:ReEncryptTo", nil, in.DestCtx)
	dest, err := s.lookup(ctx, in.Destination)
	if err != nil {
		return nil, "", "", err
	}
	a.extra["kms:ReEncryptOnSameKey"] = strconv.FormatBool(s.keyARN(dest.ID) == srcARN)
	rec, err := s.usableKey(ctx, in.Destination, a)
	if err != nil {
		return nil, "", "", err
	}
	if blob, err = s.seal(rec, plain, in.DestCtx); err != nil {
		return nil, "", "", err
	}
	return blob, srcARN, s.keyARN(rec.ID), nil
}

// GenerateRandom returns n random bytes (1 to 1024).
func (s *Service) GenerateRandom(ctx context.Context, n int) ([]byte, error) {
	if n < 1 || n > maxDataKeyLen {
		return nil, fmt.Errorf("%w: NumberOfBytes must be 1 to %d", ErrValidation, maxDataKeyLen)
	}
	if err := s.authorize(ctx, access{action: "kms:GenerateRandom", resource: "*"}); err != nil {
		return nil, err
	}
	out := make([]byte, n)
	if _, err := rand.Read(out); err != nil {
		return nil, fmt.Errorf("generate random bytes: %w", err)
	}
	return out, nil
}

// GenerateDataKey implements sse.KeyService: a 256-bit data key.
func (s *Service) GenerateDataKey(ctx context.Context, keyID string, encCtx map[string]string) (plain, wrapped []byte, keyARN string, err error) {
	return s.DataKey(ctx, keyID, 32, encCtx)
}

// Decrypt implements sse.KeyService. A blob that names a key other than
// keyARN is invalid ciphertext: object metadata and blob disagree.
func (s *Service) Decrypt(ctx context.Context, keyARN string, wrapped []byte, encCtx map[string]string) ([]byte, error) {
	plain, _, err := s.DecryptBlob(ctx, wrapped, encCtx, keyARN)
	if errors.Is(err, ErrIncorrectKey) {
		return nil, fmt.Errorf("%w: %w", sse.ErrInvalidCiphertext, err)
	}
	return plain, err
}
