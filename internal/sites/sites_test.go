package sites

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/hoard-s3/hoard/internal/meta"
	"github.com/hoard-s3/hoard/internal/meta/pebblemeta"
	"github.com/hoard-s3/hoard/internal/sse"
)

func newRegistry(t *testing.T) (*Registry, meta.Store) {
	t.Helper()
	dir := t.TempDir()
	m, err := pebblemeta.Open(dir + "/meta")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	kr, err := sse.LoadKeyring(dir)
	if err != nil {
		t.Fatal(err)
	}
	return New(m, kr), m
}

func TestAddListRemove(t *testing.T) {
	ctx := context.Background()
	r, m := newRegistry(t)
	in := AddInput{Name: "west", Endpoint: "http://127.0.0.1:9100/", Region: "us-west-2", AccessKey: "AKWEST", SecretKey: "very-secret-value"}
	s, err := r.Add(ctx, in)
	if err != nil || s.Endpoint != "http://127.0.0.1:9100" {
		t.Fatalf("add: %+v %v", s, err)
	}
	if _, err := r.Add(ctx, in); !errors.Is(err, ErrExists) {
		t.Fatalf("duplicate: %v", err)
	}
	raw, err := m.Get(ctx, key("west"))
	if err != nil || bytes.Contains(raw, []byte(in.SecretKey)) {
		t.Fatalf("stored record holds the secret in clear: %q %v", raw, err)
	}
	list, err := r.List(ctx)
	if err != nil || len(list) != 1 || list[0].AccessKey != "AKWEST" || list[0].Region != "us-west-2" {
		t.Fatalf("list: %+v %v", list, err)
	}
	all, err := r.All(ctx)
	if err != nil || len(all) != 1 || all[0].SecretKey != in.SecretKey {
		t.Fatalf("credentials: %+v %v", all, err)
	}
	if n, err := r.RewrapSecrets(ctx); err != nil || n != 1 {
		t.Fatalf("rewrap: %d %v", n, err)
	}
	if all, err = r.All(ctx); err != nil || all[0].SecretKey != in.SecretKey {
		t.Fatalf("after rewrap: %+v %v", all, err)
	}
	if err := r.Remove(ctx, "west"); err != nil {
		t.Fatal(err)
	}
	if err := r.Remove(ctx, "west"); !errors.Is(err, ErrNoSuchSite) {
		t.Fatalf("remove twice: %v", err)
	}
	if list, _ := r.List(ctx); len(list) != 0 {
		t.Fatalf("left: %+v", list)
	}
}

func TestAddRefusesBadInput(t *testing.T) {
	r, _ := newRegistry(t)
	good := AddInput{Name: "east", Endpoint: "https://east.example:443", Region: "us-east-1", AccessKey: "AK", SecretKey: "SK"}
	for _, tc := range []struct {
		name string
		edit func(*AddInput)
		want string
	}{
		{"upper-case name", func(in *AddInput) { in.Name = "East" }, "name"},
		{"empty name", func(in *AddInput) { in.Name = "" }, "name"},
		{"ftp endpoint", func(in *AddInput) { in.Endpoint = "ftp://h" }, "endpoint"},
		{"endpoint with a path", func(in *AddInput) { in.Endpoint = "http://h/bucket" }, "endpoint"},
		{"no region", func(in *AddInput) { in.Region = "" }, "region"},
		{"no secret", func(in *AddInput) { in.SecretKey = "" }, "secret"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := good
			tc.edit(&in)
			_, err := r.Add(context.Background(), in)
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v", err)
			}
		})
	}
	if list, _ := r.List(context.Background()); len(list) != 0 {
		t.Fatalf("bad input stored: %+v", list)
	}
}
