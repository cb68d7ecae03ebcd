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

func TestCreateBucketWithConfigs(t *testing.T) {
	e := newEnv(t)
	first := []BucketConfigDoc{{"ownership", []byte("")}, {"acl", []byte("grants")}}
	if err := e.CreateBucket(ctx, "born", "us-east-1", "owner", first...); err != nil {
		t.Fatal(err)
	}
	docs, err := e.BucketConfigs(ctx, "born", "ownership", "acl", "cors")
	if err != nil || docs[0] == nil || len(docs[0]) != 0 || string(docs[1]) != "grants" || docs[2] != nil {
		t.Fatalf("configs = %q, %v", docs, err)
	}
	// A second create changes nothing of the first one's settings.
	err = e.CreateBucket(ctx, "born", "us-east-1", "owner", BucketConfigDoc{"acl", []byte("other")})
	wantErr(t, err, ErrBucketAlreadyOwned)
	if doc, _ := e.GetBucketConfig(ctx, "born", "acl"); string(doc) != "grants" {
		t.Fatalf("acl after second create = %q", doc)
	}
	// Bad documents refuse the whole creation.
	for _, c := range []BucketConfigDoc{{"../x", nil}, {cfgBucketTags, []byte("[]")}, {"big", make([]byte, MaxBucketConfigBytes+1)}} {
		if err := e.CreateBucket(ctx, "never", "us-east-1", "owner", c); err == nil {
			t.Fatalf("created with config %q", c.Name)
		}
		_, err := e.HeadBucket(ctx, "never")
		wantErr(t, err, ErrNoSuchBucket)
	}
}
