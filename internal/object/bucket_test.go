package object

import (
	"reflect"
	"testing"
)

func TestCreateBucket(t *testing.T) {
	e := newEnv(t)
	wantErr(t, e.CreateBucket(ctx, "Bad_Name", "", ""), ErrInvalidBucketName)
	e.bucket(t, "alpha")
	wantErr(t, e.CreateBucket(ctx, "alpha", "us-east-1", "owner"), ErrBucketAlreadyOwned)
	b, err := e.HeadBucket(ctx, "alpha")
	if err != nil || b.Name != "alpha" || b.Region != "us-east-1" || b.Owner != "owner" || !b.Created.Equal(e.clock.Now()) {
		t.Fatalf("HeadBucket = %+v, %v", b, err)
	}
	for _, name := range []string{"missing", "", "a/b", "alpha/"} {
		_, err := e.HeadBucket(ctx, name)
		wantErr(t, err, ErrNoSuchBucket)
	}
}

func TestListBuckets(t *testing.T) {
	e := newEnv(t)
	for _, n := range []string{"cc1", "aa1", "bb2", "bb1", "bb3"} {
		e.bucket(t, n)
	}
	names := func(r *ListBucketsResult) []string {
		var out []string
		for _, b := range r.Buckets {
			out = append(out, b.Name)
		}
		return out
	}
	tests := []struct {
		in   ListBucketsInput
		want []string
		next string
	}{
		{ListBucketsInput{}, []string{"aa1", "bb1", "bb2", "bb3", "cc1"}, ""},
		{ListBucketsInput{Prefix: "bb"}, []string{"bb1", "bb2", "bb3"}, ""},
		{ListBucketsInput{Max: 2}, []string{"aa1", "bb1"}, "bb1"},
		{ListBucketsInput{After: "bb1", Max: 2}, []string{"bb2", "bb3"}, "bb3"},
		{ListBucketsInput{After: "bb3", Max: 2}, []string{"cc1"}, ""},
		{ListBucketsInput{Prefix: "bb", After: "bb2"}, []string{"bb3"}, ""},
		{ListBucketsInput{Prefix: "bb", After: "a"}, []string{"bb1", "bb2", "bb3"}, ""},
		{ListBucketsInput{Prefix: "zz"}, nil, ""},
		{ListBucketsInput{Max: 5}, []string{"aa1", "bb1", "bb2", "bb3", "cc1"}, ""},
	}
	for _, tt := range tests {
		r, err := e.ListBuckets(ctx, tt.in)
		if err != nil {
			t.Fatalf("%+v: %v", tt.in, err)
		}
		if got := names(r); !reflect.DeepEqual(got, tt.want) || r.Next != tt.next {
			t.Errorf("%+v = %v next %q, want %v next %q", tt.in, got, r.Next, tt.want, tt.next)
		}
	}
}

func TestDeleteBucket(t *testing.T) {
	e := newEnv(t)
	wantErr(t, e.DeleteBucket(ctx, "missing"), ErrNoSuchBucket)
	e.bucket(t, "abc")
	e.bucket(t, "abc-d")
	e.put(t, "abc-d", "k", []byte("x")) // a neighbour's objects do not count
	e.put(t, "abc", "k", []byte("x"))
	wantErr(t, e.DeleteBucket(ctx, "abc"), ErrBucketNotEmpty)
	if _, err := e.DeleteObject(ctx, DeleteInput{Bucket: "abc", Key: "k"}); err != nil {
		t.Fatal(err)
	}
	wantErr(t, e.DeleteBucket(ctx, "abc"), nil)
	_, err := e.HeadBucket(ctx, "abc")
	wantErr(t, err, ErrNoSuchBucket)
	_, err = e.PutObject(ctx, PutInput{Bucket: "abc", Key: "k", Body: nil})
	wantErr(t, err, ErrNoSuchBucket)
	if got := e.read(t, "abc-d", "k"); string(got) != "x" {
		t.Fatalf("neighbour object %q", got)
	}
}
