package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/hoard-s3/hoard/internal/object"
	"github.com/hoard-s3/hoard/internal/server"
)

const (
	testAccess = "benchroot"
	testSecret = "benchroot-secret-key-0123456789"
)

func testOptions(t *testing.T, keys int) options {
	return options{mode: "test", data: t.TempDir(), bucket: "listbench", keys: keys,
		concurrency: 8, region: "us-east-1", accessKey: testAccess, secretKey: testSecret}
}

func TestSized(t *testing.T) {
	tests := map[int]string{1000: "x-at-1k", 1_000_000: "x-at-1M", 2_500_000: "x-at-2500k", 120_000: "x-at-120k", 1500: "x-at-1500", 7: "x-at-7"}
	for keys, want := range tests {
		if got := sized("x", "-at-", keys); got != want {
			t.Errorf("sized(%d) = %q, want %q", keys, got, want)
		}
	}
}

// The server opened on the loaded directory afterwards sees every key,
// and none past the last.
func TestLoadHoard(t *testing.T) {
	o := testOptions(t, 300)
	st, err := loadHoard(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if st.keys != o.keys {
		t.Fatalf("loaded %d keys, want %d", st.keys, o.keys)
	}
	srv, err := server.Open(server.Config{DataDir: o.data, Address: "127.0.0.1:0",
		Root: server.RootCredentials{AccessKey: testAccess, SecretKey: testSecret}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Shutdown()
	go srv.Serve()
	ctx := context.Background()
	// The bench credentials own the bucket: they can list it over the API.
	api := o
	api.endpoint = "http://" + srv.Addr()
	out, err := newClient(api).ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(o.bucket)})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Contents) != o.keys {
		t.Errorf("listing shows %d keys, want %d", len(out.Contents), o.keys)
	}
	for _, i := range []int{0, 150, o.keys - 1} {
		r, err := srv.Service().GetObject(ctx, object.GetInput{Bucket: o.bucket, Key: key(i), HeadOnly: true})
		if err != nil {
			t.Fatalf("head %s: %v", key(i), err)
		}
		if r.Info.Size != 0 {
			t.Errorf("%s has %d bytes, want 0", key(i), r.Info.Size)
		}
	}
	_, err = srv.Service().GetObject(ctx, object.GetInput{Bucket: o.bucket, Key: key(o.keys), HeadOnly: true})
	if !errors.Is(err, object.ErrNoSuchKey) {
		t.Errorf("head %s past the last key: %v, want no such key", key(o.keys), err)
	}
}

// fakeMinio lays out what a single-drive MinIO leaves after one PUT (the
// parts the copy reads) and a listing cache.
func fakeMinio(t *testing.T, o options, format string) []byte {
	t.Helper()
	tmpl := []byte("XL2 template")
	sys := filepath.Join(o.data, ".minio.sys")
	first := filepath.Join(o.data, o.bucket, filepath.FromSlash(key(0)))
	for _, d := range []string{first, filepath.Join(sys, "buckets", o.bucket, ".metacache", "x")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(sys, "format.json"), []byte(`{"version":"1","format":"`+format+`"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(first, "xl.meta"), tmpl, 0o644); err != nil {
		t.Fatal(err)
	}
	return tmpl
}

func TestCloneMinio(t *testing.T) {
	o := testOptions(t, 250)
	tmpl := fakeMinio(t, o, "xl-single")
	if _, err := cloneMinio(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	n := 0
	err := filepath.WalkDir(filepath.Join(o.data, o.bucket), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if d.Name() != "xl.meta" || !bytes.Equal(b, tmpl) {
			t.Errorf("%s: unexpected file or content", p)
		}
		n++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != o.keys {
		t.Errorf("%d xl.meta files, want %d", n, o.keys)
	}
	if _, err := os.Stat(filepath.Join(o.data, ".minio.sys", "buckets", o.bucket, ".metacache")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("listing cache left behind: %v", err)
	}
	if _, err := cloneMinio(context.Background(), o); err == nil {
		t.Error("a second copy over the same keys succeeded")
	}
}

func TestCloneMinioRefusesErasureSets(t *testing.T) {
	o := testOptions(t, 10)
	fakeMinio(t, o, "xl")
	if _, err := cloneMinio(context.Background(), o); err == nil {
		t.Fatal("copy into an erasure-coded deployment succeeded")
	}
}
