package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/hoard-s3/hoard/internal/iam"
	"github.com/hoard-s3/hoard/internal/kms"
	"github.com/hoard-s3/hoard/internal/object"
	"github.com/hoard-s3/hoard/internal/policy"
	"github.com/hoard-s3/hoard/internal/sse"
)

// TestRotateRootKeyRetiresOldKey: after a rotation nothing depends on the
// old root key. With it removed from the key file, SSE-S3 and SSE-KMS
// objects still read, KMS ciphertexts still decrypt and IAM access keys
// still resolve.
func TestRotateRootKeyRetiresOldKey(t *testing.T) {
	// In process, as the account root (the key service authorizes every
	// call, from the object service too).
	ctx := kms.WithCaller(context.Background(), &kms.Caller{Principal: policy.Principal{
		Type: policy.PrincipalRoot, ARN: "arn:aws:iam::" + iam.DefaultAccountID + ":root", Account: iam.DefaultAccountID,
	}, ViaService: "s3.us-east-1.amazonaws.com"})
	dir := t.TempDir()
	open := func() *Server {
		t.Helper()
		s, err := Open(Config{DataDir: dir, Address: "127.0.0.1:0", Root: RootCredentials{AccessKey: "AKIDRETIRE", SecretKey: "secretsecretsecret"}})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	s := open()
	svc := s.Service()
	if err := svc.CreateBucket(ctx, "bkt", "us-east-1", "root"); err != nil {
		t.Fatal(err)
	}
	key, err := s.KeyService().CreateKey(ctx, kms.CreateKeyInput{Description: "retire test"})
	if err != nil {
		t.Fatal(err)
	}
	data := bytes.Repeat([]byte("retire the old root key "), 8000)
	put := func(name string, req object.SSERequest) {
		t.Helper()
		in := object.PutInput{Bucket: "bkt", Key: name, Body: bytes.NewReader(data), Size: int64(len(data)), SSE: req}
		if _, err := svc.PutObject(ctx, in); err != nil {
			t.Fatalf("put %s: %v", name, err)
		}
	}
	put("s3", object.SSERequest{})
	put("kms", object.SSERequest{Mode: object.SSEKMS, KMSKeyID: key.KeyID})
	encCtx := map[string]string{"purpose": "retire"}
	blob, _, err := s.KeyService().Encrypt(ctx, key.KeyID, []byte("kms secret"), encCtx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Identities().CreateUser(ctx, "alice", ""); err != nil {
		t.Fatal(err)
	}
	ak, err := s.Identities().CreateAccessKey(ctx, "alice")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Shutdown(); err != nil {
		t.Fatal(err)
	}

	newID, _, err := RotateRootKey(ctx, dir, "")
	if err != nil {
		t.Fatal(err)
	}
	keepOnlyRootKey(t, filepath.Join(dir, sse.KeyFileName), newID)

	s = open()
	defer s.Shutdown()
	for _, tc := range []struct {
		name string
		typ  object.SSEType
	}{{"s3", object.SSETypeS3}, {"kms", object.SSETypeKMS}} {
		r, err := s.Service().GetObject(ctx, object.GetInput{Bucket: "bkt", Key: tc.name})
		if err != nil {
			t.Fatalf("get %s under the new root key only: %v", tc.name, err)
		}
		got, err := io.ReadAll(r.Body)
		r.Body.Close()
		if err != nil || !bytes.Equal(got, data) || r.Info.SSE.Type != tc.typ {
			t.Fatalf("read %s: %v, type %q", tc.name, err, r.Info.SSE.Type)
		}
	}
	plain, err := s.KeyService().Decrypt(ctx, key.ARN, blob, encCtx)
	if err != nil || string(plain) != "kms secret" {
		t.Fatalf("KMS Decrypt under the new root key only: %q, %v", plain, err)
	}
	cred, err := s.Identities().Lookup(ctx, ak.AccessKeyID)
	if err != nil || cred.Secret != ak.SecretAccessKey {
		t.Fatalf("IAM access key under the new root key only: %v", err)
	}
}

// keepOnlyRootKey rewrites the key file as an operator retiring old keys
// would: only the key named id is left.
func keepOnlyRootKey(t *testing.T, path, id string) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Keys []map[string]any `json:"keys"`
	}
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatal(err)
	}
	var kept []map[string]any
	for _, k := range f.Keys {
		if k["id"] == id {
			kept = append(kept, k)
		}
	}
	if len(f.Keys) < 2 || len(kept) != 1 {
		t.Fatalf("key file holds %d keys, %d named %s", len(f.Keys), len(kept), id)
	}
	f.Keys = kept
	if raw, err = json.Marshal(f); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
}
