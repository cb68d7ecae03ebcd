package object

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func TestBucketTagging(t *testing.T) {
	e := newEnv(t)
	e.bucket(t, "tagged")
	_, err := e.GetBucketTagging(ctx, "tagged")
	wantErr(t, err, ErrNoSuchBucketConfig)
	_, err = e.GetBucketTagging(ctx, "missing")
	wantErr(t, err, ErrNoSuchBucket)
	wantErr(t, e.PutBucketTagging(ctx, "missing", []Tag{{"k", "v"}}), ErrNoSuchBucket)

	in := []Tag{{"team", "storage"}, {"cost-center", ""}, {"ünïcode", "välue"}}
	if err := e.PutBucketTagging(ctx, "tagged", in); err != nil {
		t.Fatal(err)
	}
	// Tags come back in key order.
	want := []Tag{{"cost-center", ""}, {"team", "storage"}, {"ünïcode", "välue"}}
	got, err := e.GetBucketTagging(ctx, "tagged")
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("get = %v, %v; want %v", got, err, want)
	}
	// The tag set is typed: the opaque calls cannot reach it.
	wantErr(t, e.PutBucketConfig(ctx, "tagged", cfgBucketTags, []byte("junk")), ErrInvalidArgument)
	wantErr(t, e.DeleteBucketConfig(ctx, "tagged", cfgBucketTags), ErrInvalidArgument)

	if err := e.DeleteBucketTagging(ctx, "tagged"); err != nil {
		t.Fatal(err)
	}
	_, err = e.GetBucketTagging(ctx, "tagged")
	wantErr(t, err, ErrNoSuchBucketConfig)

	// An empty set removes the tags.
	if err := e.PutBucketTagging(ctx, "tagged", want); err != nil {
		t.Fatal(err)
	}
	if err := e.PutBucketTagging(ctx, "tagged", nil); err != nil {
		t.Fatal(err)
	}
	_, err = e.GetBucketTagging(ctx, "tagged")
	wantErr(t, err, ErrNoSuchBucketConfig)
}

func TestBucketTaggingRefused(t *testing.T) {
	e := newEnv(t)
	e.bucket(t, "tagged")
	keep := []Tag{{"keep", "me"}}
	if err := e.PutBucketTagging(ctx, "tagged", keep); err != nil {
		t.Fatal(err)
	}
	many := make([]Tag, MaxBucketTags+1)
	for i := range many {
		many[i] = Tag{Key: fmt.Sprint("k", i)}
	}
	for name, tags := range map[string][]Tag{
		"too many":      many,
		"duplicate key": {{"a", "1"}, {"a", "2"}},
		"empty key":     {{"", "v"}},
		"long key":      {{strings.Repeat("k", MaxTagKeyLength+1), "v"}},
		"long value":    {{"k", strings.Repeat("v", MaxTagValueLength+1)}},
		"aws prefix":    {{"AWS:cloudformation", "v"}},
		"bad utf-8":     {{"k\xff", "v"}},
	} {
		t.Run(name, func(t *testing.T) {
			wantErr(t, e.PutBucketTagging(ctx, "tagged", tags), ErrInvalidTag)
			got, err := e.GetBucketTagging(ctx, "tagged")
			if err != nil || !reflect.DeepEqual(got, keep) {
				t.Fatalf("after refusal: %v, %v", got, err)
			}
		})
	}
	// Fifty tags, 128-character keys and 256-character values are fine.
	most := many[:MaxBucketTags]
	most[0] = Tag{strings.Repeat("ķ", MaxTagKeyLength), strings.Repeat("v", MaxTagValueLength)}
	if err := e.PutBucketTagging(ctx, "tagged", most); err != nil {
		t.Fatal(err)
	}
}
