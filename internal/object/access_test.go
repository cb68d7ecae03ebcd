package object

import (
	"testing"
	"time"
)

func TestBucketConfigsAndAccountConfig(t *testing.T) {
	e := newEnv(t)
	e.bucket(t, "alpha")
	if err := e.PutBucketConfig(ctx, "alpha", "policy", []byte("p")); err != nil {
		t.Fatal(err)
	}
	docs, err := e.BucketConfigs(ctx, "alpha", "policy", "acl")
	if err != nil || string(docs[0]) != "p" || docs[1] != nil {
		t.Fatalf("configs %q %v", docs, err)
	}
	if docs, err := e.BucketConfigs(ctx, "missing", "policy"); err != nil || docs[0] != nil {
		t.Fatalf("configs of a missing bucket %q %v", docs, err)
	}
	if _, err := e.BucketConfigs(ctx, "alpha", "../x"); err == nil {
		t.Fatal("bad name accepted")
	}
	_, err = e.GetAccountConfig(ctx, "public-access-block")
	wantErr(t, err, ErrNoSuchBucketConfig)
	if err := e.PutAccountConfig(ctx, "public-access-block", []byte("on")); err != nil {
		t.Fatal(err)
	}
	if doc, err := e.GetAccountConfig(ctx, "public-access-block"); err != nil || string(doc) != "on" {
		t.Fatalf("account config %q %v", doc, err)
	}
	if err := e.PutAccountConfig(ctx, "public-access-block", nil); err != nil {
		t.Fatal(err)
	}
	_, err = e.GetAccountConfig(ctx, "public-access-block")
	wantErr(t, err, ErrNoSuchBucketConfig)
}

func TestObjectACLFollowsTheObject(t *testing.T) {
	e := newEnv(t)
	e.bucket(t, "alpha")
	wantErr(t, e.PutObjectACL(ctx, "alpha", "k", "", []byte("acl")), ErrNoSuchKey)
	e.put(t, "alpha", "k", []byte("v1"))
	if doc, err := e.ObjectACL(ctx, "alpha", "k", ""); err != nil || doc != nil {
		t.Fatalf("ACL of a new object %q %v", doc, err)
	}
	if err := e.PutObjectACL(ctx, "alpha", "k", "", []byte("acl")); err != nil {
		t.Fatal(err)
	}
	if doc, err := e.ObjectACL(ctx, "alpha", "k", ""); err != nil || string(doc) != "acl" {
		t.Fatalf("ACL %q %v", doc, err)
	}
	// A rewrite, even of the same bytes, is a new object without the ACL.
	e.clock.Advance(time.Millisecond)
	e.put(t, "alpha", "k", []byte("v1"))
	if doc, err := e.ObjectACL(ctx, "alpha", "k", ""); err != nil || doc != nil {
		t.Fatalf("ACL after a rewrite %q %v", doc, err)
	}
	if err := e.PutObjectACL(ctx, "alpha", "k", "", []byte("acl2")); err != nil {
		t.Fatal(err)
	}
	if _, err := e.DeleteObject(ctx, DeleteInput{Bucket: "alpha", Key: "k"}); err != nil {
		t.Fatal(err)
	}
	if doc, err := e.ObjectACL(ctx, "alpha", "k", ""); err != nil || doc != nil {
		t.Fatalf("ACL after delete %q %v", doc, err)
	}
	// DeleteBucket removes the stale ACL with the configurations.
	if err := e.DeleteBucket(ctx, "alpha"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.meta.Get(ctx, objACLKey("alpha", "k")); err == nil {
		t.Fatal("stale object ACL survived DeleteBucket")
	}
}
