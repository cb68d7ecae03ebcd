package sse

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"time"
)

// RootKey is a server root key: it wraps (encrypts) data keys, never data.
type RootKey struct {
	ID      string
	Key     []byte
	Created time.Time
}

// ErrExternalRootKey is a rotation asked of a keyring whose active key is
// configured outside the data directory (HOARD_ROOT_KEY): the operator
// rotates it there.
var ErrExternalRootKey = errors.New("sse: the active root key comes from HOARD_ROOT_KEY; rotate it there")

// Keyring holds the root keys: the newest wraps new data keys, all of them
// unwrap. Keeping the old ones lets rotation re-wrap data keys at leisure
// without rewriting any object data.
type Keyring struct {
	mu       sync.RWMutex
	keys     []RootKey // oldest first
	path     string    // key file; empty for in-memory keyrings
	external bool      // the active key came from the environment
}

// GenerateRootKey returns a fresh random root key.
func GenerateRootKey() (RootKey, error) {
	var raw [KeySize + 8]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return RootKey{}, fmt.Errorf("sse: generate root key: %w", err)
	}
	return RootKey{ID: "rk-" + hex.EncodeToString(raw[KeySize:]), Key: raw[:KeySize:KeySize], Created: time.Now().UTC()}, nil
}

// NewKeyring returns an in-memory keyring of the given keys (oldest first).
// With no keys it generates one, which is then lost with the process: such
// a keyring suits tests and tools, never a data directory.
func NewKeyring(keys ...RootKey) (*Keyring, error) {
	if len(keys) == 0 {
		k, err := GenerateRootKey()
		if err != nil {
			return nil, err
		}
		keys = []RootKey{k}
	}
	kr := &Keyring{}
	for _, k := range keys {
		if err := kr.add(k); err != nil {
			return nil, err
		}
	}
	return kr, nil
}

func (kr *Keyring) add(k RootKey) error {
	if len(k.Key) != KeySize {
		return fmt.Errorf("root key %q: %w", k.ID, ErrKeySize)
	}
	if k.ID == "" || len(k.ID) > 64 {
		return fmt.Errorf("sse: root key id %q: %w", k.ID, ErrBadEnvelope)
	}
	for _, x := range kr.keys {
		if x.ID == k.ID {
			return nil
		}
	}
	kr.keys = append(kr.keys, k)
	return nil
}

// envKeyID names a root key given in the environment by its fingerprint,
// so the same key gets the same id on every start.
func envKeyID(key []byte) string {
	h := sha256.Sum256(append([]byte("hoard root key id\x00"), key...))
	return "env-" + hex.EncodeToString(h[:8])
}

// ActiveID is the id of the key that wraps new data keys.
func (kr *Keyring) ActiveID() string {
	kr.mu.RLock()
	defer kr.mu.RUnlock()
	return kr.keys[len(kr.keys)-1].ID
}

// IDs lists the ids of all keys, oldest first.
func (kr *Keyring) IDs() []string {
	kr.mu.RLock()
	defer kr.mu.RUnlock()
	ids := make([]string, len(kr.keys))
	for i, k := range kr.keys {
		ids[i] = k.ID
	}
	return ids
}

func (kr *Keyring) active() RootKey {
	kr.mu.RLock()
	defer kr.mu.RUnlock()
	return kr.keys[len(kr.keys)-1]
}

func (kr *Keyring) lookup(id string) (RootKey, bool) {
	kr.mu.RLock()
	defer kr.mu.RUnlock()
	for _, k := range kr.keys {
		if k.ID == id {
			return k, true
		}
	}
	return RootKey{}, false
}

// Wrapped data keys are: version byte, uvarint length and root key id,
// 12-byte nonce, AES-256-GCM sealed key. The additional data binds the
// root key id and the caller's binding (the object it belongs to), so a
// wrapped key moved to another record does not open.
const wrapV1 = 1

func wrapAAD(id string, binding []byte) []byte {
	aad := make([]byte, 0, 24+len(id)+len(binding))
	aad = append(aad, "hoard root wrap v1\x00"...)
	aad = append(aad, id...)
	aad = append(aad, 0)
	return append(aad, binding...)
}

// Wrap seals a data key (or any small secret, such as a key service's
// master key) under the active root key.
func (kr *Keyring) Wrap(dataKey, binding []byte) ([]byte, error) {
	k := kr.active()
	a, err := newAEAD(k.Key)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, 2+len(k.ID)+nonceSize+len(dataKey)+TagSize)
	out = append(out, wrapV1)
	out = binary.AppendUvarint(out, uint64(len(k.ID)))
	out = append(out, k.ID...)
	nonce := out[len(out) : len(out)+nonceSize]
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("sse: wrap nonce: %w", err)
	}
	out = out[:len(out)+nonceSize]
	return a.Seal(out, nonce, dataKey, wrapAAD(k.ID, binding)), nil
}

// WrappedKeyID returns the id of the root key a wrapped data key is sealed
// under.
func WrappedKeyID(wrapped []byte) (string, error) {
	id, _, err := splitWrapped(wrapped)
	return id, err
}

func splitWrapped(w []byte) (id string, rest []byte, err error) {
	if len(w) == 0 || w[0] != wrapV1 {
		return "", nil, fmt.Errorf("wrapped key version: %w", ErrBadEnvelope)
	}
	n, m := binary.Uvarint(w[1:])
	if m <= 0 || n > uint64(len(w)-1-m) {
		return "", nil, fmt.Errorf("wrapped key id: %w", ErrBadEnvelope)
	}
	w = w[1+m:]
	if len(w[n:]) < nonceSize+TagSize {
		return "", nil, fmt.Errorf("wrapped key length: %w", ErrBadEnvelope)
	}
	return string(w[:n]), w[n:], nil
}

// Unwrap opens a data key sealed by Wrap under any key of the ring.
func (kr *Keyring) Unwrap(wrapped, binding []byte) ([]byte, error) {
	id, rest, err := splitWrapped(wrapped)
	if err != nil {
		return nil, err
	}
	k, ok := kr.lookup(id)
	if !ok {
		return nil, fmt.Errorf("root key %q: %w", id, ErrUnknownRootKey)
	}
	a, err := newAEAD(k.Key)
	if err != nil {
		return nil, err
	}
	key, err := a.Open(nil, rest[:nonceSize], rest[nonceSize:], wrapAAD(id, binding))
	if err != nil {
		return nil, fmt.Errorf("unwrap data key under %s: %w", id, ErrAuth)
	}
	return key, nil
}

// Rotate adds a new active root key and, for a keyring kept in a data
// directory, saves it durably before returning. Old keys stay to unwrap.
func (kr *Keyring) Rotate() (string, error) {
	kr.mu.Lock()
	defer kr.mu.Unlock()
	if kr.external {
		return "", ErrExternalRootKey
	}
	k, err := GenerateRootKey()
	if err != nil {
		return "", err
	}
	keys := append(append([]RootKey(nil), kr.keys...), k)
	if kr.path != "" {
		if err := saveKeys(kr.path, keys); err != nil {
			return "", err
		}
	}
	kr.keys = keys
	return k.ID, nil
}

// NewDataKey returns a fresh random data key.
func NewDataKey() ([]byte, error) {
	k := make([]byte, KeySize)
	if _, err := rand.Read(k); err != nil {
		return nil, fmt.Errorf("sse: new data key: %w", err)
	}
	return k, nil
}

// decodeKey parses a base64 root key (standard or URL alphabet).
func decodeKey(s string) ([]byte, error) {
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if k, err := enc.DecodeString(s); err == nil {
			if len(k) != KeySize {
				return nil, ErrKeySize
			}
			return k, nil
		}
	}
	return nil, fmt.Errorf("sse: root key is not base64")
}
