package object

import (
	"testing"
)

func TestBucketConfig(t *testing.T) {
	e := newEnv(t)
	e.bucket(t, "alpha")
	e.bucket(t, "alpha2")
	_, err := e.GetBucketConfig(ctx, "alpha", "cors")
	wantErr(t, err, ErrNoSuchBucketConfig)
	wantErr(t, e.PutBucketConfig(ctx, "missing", "cors", []byte("x")), ErrNoSuchBucket)
	wantErr(t, e.PutBucketConfig(ctx, "alpha", "../x", []byte("x")), ErrInvalidArgument)
	if err := e.PutBucketConfig(ctx, "alpha", "cors", []byte("doc1")); err != nil {
		t.Fatal(err)
	}
	if err := e.PutBucketConfig(ctx, "alpha2", "cors", []byte("other")); err != nil {
		t.Fatal(err)
	}
	if err := e.PutBucketConfig(ctx, "alpha", "cors", []byte("doc2")); err != nil {
		t.Fatal(err)
	}
	if doc, err := e.GetBucketConfig(ctx, "alpha", "cors"); err != nil || string(doc) != "doc2" {
		t.Fatalf("get = %q, %v", doc, err)
	}
	if err := e.DeleteBucketConfig(ctx, "alpha", "cors"); err != nil {
		t.Fatal(err)
	}
	if err := e.DeleteBucketConfig(ctx, "alpha", "cors"); err != nil {
		t.Fatalf("second delete: %v", err)
	}
	_, err = e.GetBucketConfig(ctx, "alpha", "cors")
	wantErr(t, err, ErrNoSuchBucketConfig)

	// Deleting a bucket removes its configurations and only its own.
	if err := e.PutBucketConfig(ctx, "alpha", "cors", []byte("doc3")); err != nil {
		t.Fatal(err)
	}
	if err := e.DeleteBucket(ctx, "alpha"); err != nil {
		t.Fatal(err)
	}
	e.bucket(t, "alpha")
	_, err = e.GetBucketConfig(ctx, "alpha", "cors")
	wantErr(t, err, ErrNoSuchBucketConfig)
	if doc, err := e.GetBucketConfig(ctx, "alpha2", "cors"); err != nil || string(doc) != "other" {
		t.Fatalf("neighbour = %q, %v", doc, err)
	}
}
