package sse

import (
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/md5"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"strconv"
)

// Customer keys (SSE-C) wrap the object's data key just as the root key
// does for SSE-S3, so range reads and multipart uploads work the same for
// every mode. The customer key itself is never stored: only a salted HMAC
// of it, to tell a wrong key (403) from corrupt data.
const (
	saltSize        = 16
	fingerprintSize = saltSize + sha256.Size
)

// CustomerKeyMD5 is the MD5 of a customer key, which S3 clients send along
// with it and S3 echoes back.
func CustomerKeyMD5(key []byte) []byte {
	s := md5.Sum(key)
	return s[:]
}

func fingerprint(key, salt []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("hoard sse-c fingerprint v1\x00"))
	m.Write(salt)
	return append(append(make([]byte, 0, fingerprintSize), salt...), m.Sum(nil)...)
}

func customerAAD(binding []byte) []byte {
	return append([]byte("hoard sse-c wrap v1\x00"), binding...)
}

// SealForCustomer wraps a data key under a customer key and returns the
// wrapped key with the salted fingerprint that recognises the customer key.
func SealForCustomer(dataKey, customerKey, binding []byte) (wrapped, fp []byte, err error) {
	a, err := newAEAD(customerKey)
	if err != nil {
		return nil, nil, err
	}
	salt := make([]byte, saltSize)
	nonce := make([]byte, nonceSize)
	if _, err := rand.Read(salt); err != nil {
		return nil, nil, fmt.Errorf("sse: salt: %w", err)
	}
	if _, err := rand.Read(nonce); err != nil {
		return nil, nil, fmt.Errorf("sse: nonce: %w", err)
	}
	return a.Seal(nonce, nonce, dataKey, customerAAD(binding)), fingerprint(customerKey, salt), nil
}

// OpenForCustomer unwraps a data key sealed by SealForCustomer. A key other
// than the one it was sealed with gives ErrCustomerKeyMismatch.
func OpenForCustomer(wrapped, fp, customerKey, binding []byte) ([]byte, error) {
	if len(customerKey) != KeySize {
		return nil, ErrKeySize
	}
	if len(fp) != fingerprintSize || len(wrapped) != nonceSize+KeySize+TagSize {
		return nil, fmt.Errorf("customer-key envelope: %w", ErrBadEnvelope)
	}
	if !hmac.Equal(fingerprint(customerKey, fp[:saltSize]), fp) {
		return nil, ErrCustomerKeyMismatch
	}
	a, err := newAEAD(customerKey)
	if err != nil {
		return nil, err
	}
	key, err := a.Open(nil, wrapped[:nonceSize], wrapped[nonceSize:], customerAAD(binding))
	if err != nil {
		return nil, fmt.Errorf("unwrap data key with customer key: %w", ErrAuth)
	}
	return key, nil
}

// PartKey derives the key of one stored part from the upload's data key,
// the part number and the part's data file id. The file id is fresh on
// every upload of a part, so re-uploading a part number never reuses a key
// (and with it the package nonces).
func PartKey(dataKey []byte, part int, fileID string) ([]byte, error) {
	if len(dataKey) != KeySize {
		return nil, ErrKeySize
	}
	k, err := hkdf.Key(sha256.New, dataKey, nil, "hoard part key v1\x00"+strconv.Itoa(part)+"\x00"+fileID, KeySize)
	if err != nil {
		return nil, fmt.Errorf("sse: derive part key: %w", err)
	}
	return k, nil
}
