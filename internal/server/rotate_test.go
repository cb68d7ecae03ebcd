package server

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"github.com/hoard-s3/hoard/internal/object"
)

func TestRotateRootKey(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	open := func() *Server {
		s, err := Open(Config{DataDir: dir, Address: "127.0.0.1:0", Root: RootCredentials{AccessKey: "AKIDROTATE", SecretKey: "secretsecretsecret"}})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	s := open()
	data := bytes.Repeat([]byte("rotate me "), 10000)
	svc := s.Service()
	if err := svc.CreateBucket(ctx, "bkt", "us-east-1", "root"); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.PutObject(ctx, object.PutInput{Bucket: "bkt", Key: "k", Body: bytes.NewReader(data), Size: int64(len(data))}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := RotateRootKey(ctx, dir, ""); err == nil || !strings.Contains(err.Error(), "in use") {
		t.Fatalf("rotation while the server runs: %v", err)
	}
	if err := s.Shutdown(); err != nil {
		t.Fatal(err)
	}
	id, n, err := RotateRootKey(ctx, dir, "")
	if err != nil || n != 1 || id == "" {
		t.Fatalf("rotate: %s, %d, %v", id, n, err)
	}
	s = open()
	defer s.Shutdown()
	r, err := s.Service().GetObject(ctx, object.GetInput{Bucket: "bkt", Key: "k"})
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(r.Body)
	r.Body.Close()
	if err != nil || !bytes.Equal(got, data) || r.Info.SSE.Type != object.SSETypeS3 {
		t.Fatalf("read after rotation: %v", err)
	}
}
