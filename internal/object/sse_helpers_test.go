package object

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/hoard-s3/hoard/internal/blob"
	"github.com/hoard-s3/hoard/internal/meta"
	"github.com/hoard-s3/hoard/internal/sse"
)

// fakeKMS is an in-memory sse.KeyService: master keys by id, data keys
// sealed with AES-GCM bound to the encryption context.
type fakeKMS struct {
	mu   sync.Mutex
	keys map[string][]byte
}

const fakeARN = "arn:aws:kms:us-east-1:000000000000:key/"

func newFakeKMS(ids ...string) *fakeKMS {
	k := &fakeKMS{keys: map[string][]byte{}}
	for _, id := range append(ids, "default") {
		m := make([]byte, 32)
		rand.Read(m)
		k.keys[id] = m
	}
	return k
}

func (k *fakeKMS) master(id string) (cipher.AEAD, string, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if len(id) > len(fakeARN) && id[:len(fakeARN)] == fakeARN {
		id = id[len(fakeARN):]
	}
	m, ok := k.keys[id]
	if !ok {
		return nil, "", fmt.Errorf("key %q: %w", id, sse.ErrKeyNotFound)
	}
	b, _ := aes.NewCipher(m)
	g, _ := cipher.NewGCM(b)
	return g, fakeARN + id, nil
}

func (k *fakeKMS) GenerateDataKey(_ context.Context, id string, ec map[string]string) ([]byte, []byte, string, error) {
	g, arn, err := k.master(id)
	if err != nil {
		return nil, nil, "", err
	}
	dk := make([]byte, 32)
	rand.Read(dk)
	aad, _ := json.Marshal(ec)
	nonce := make([]byte, 12)
	rand.Read(nonce)
	return dk, g.Seal(nonce, nonce, dk, aad), arn, nil
}

func (k *fakeKMS) Decrypt(_ context.Context, arn string, wrapped []byte, ec map[string]string) ([]byte, error) {
	g, _, err := k.master(arn)
	if err != nil {
		return nil, err
	}
	aad, _ := json.Marshal(ec)
	if len(wrapped) < 12 {
		return nil, sse.ErrInvalidCiphertext
	}
	dk, err := g.Open(nil, wrapped[:12], wrapped[12:], aad)
	if err != nil {
		return nil, sse.ErrInvalidCiphertext
	}
	return dk, nil
}

func (k *fakeKMS) DefaultKey(context.Context) (string, error) { return fakeARN + "default", nil }

// sseEnv is a service over real engines and a key file in one data
// directory, which can be closed and reopened.
type sseEnv struct {
	*Service
	dir  string
	kms  *fakeKMS
	meta meta.Store
	cfg  Config
}

func newSSEEnv(t *testing.T) *sseEnv {
	t.Helper()
	e := &sseEnv{dir: t.TempDir(), kms: newFakeKMS("k1", "k2")}
	e.open(t)
	t.Cleanup(func() { e.close() })
	if err := e.CreateBucket(ctx, "bkt", "us-east-1", "owner"); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *sseEnv) open(t *testing.T) {
	t.Helper()
	m := openTestMeta(t, e.dir)
	b, err := blob.OpenDir(filepath.Join(e.dir, "blobs"), blob.OS)
	if err != nil {
		t.Fatalf("open blobs: %v", err)
	}
	kr, err := sse.LoadKeyring(e.dir)
	if err != nil {
		t.Fatalf("keyring: %v", err)
	}
	cfg := e.cfg
	cfg.InlineThreshold, cfg.Keyring, cfg.KeyService = testThreshold, kr, nil
	if e.kms != nil {
		cfg.KeyService = e.kms
	}
	cfg.Now = func() time.Time { return time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC) }
	e.meta = m
	e.Service = New(m, b, cfg)
	e.minPartSize = testMinPart
}

func (e *sseEnv) close() {
	if e.meta != nil {
		e.meta.Close()
		e.meta = nil
	}
}

func (e *sseEnv) reopen(t *testing.T) {
	t.Helper()
	e.close()
	e.open(t)
}

func custKey(b byte) SSERequest {
	k := make([]byte, 32)
	for i := range k {
		k[i] = b
	}
	return SSERequest{Mode: SSEC, CustomerKey: k, CustomerKeyMD5: sse.CustomerKeyMD5(k)}
}
