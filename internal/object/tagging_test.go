package object

import (
	"reflect"
	"testing"
	"time"
)

func TestObjectTagging(t *testing.T) {
	e := newEnv(t)
	e.bucket(t, "bkt")
	for _, data := range [][]byte{[]byte("x"), randBytes(2 * testThreshold)} {
		info := e.put(t, "bkt", "k", data)
		tags, v, err := e.GetObjectTagging(ctx, "bkt", "k", "")
		if err != nil || len(tags) != 0 || tags == nil || v != NullVersion {
			t.Fatalf("initial tags %v %q %v", tags, v, err)
		}
		e.clock.Advance(time.Hour)
		want := []Tag{{"project", "hoard"}, {"stage", ""}}
		v, err = e.PutObjectTagging(ctx, "bkt", "k", "", want)
		if err != nil || v != NullVersion {
			t.Fatalf("put tags: %q %v", v, err)
		}
		tags, _, err = e.GetObjectTagging(ctx, "bkt", "k", NullVersion)
		if err != nil || !reflect.DeepEqual(tags, want) {
			t.Fatalf("tags %v %v", tags, err)
		}
		r, err := e.GetObject(ctx, GetInput{Bucket: "bkt", Key: "k", HeadOnly: true})
		if err != nil || r.Info.TagCount != 2 || r.Info.ETag != info.ETag || !r.Info.LastModified.Equal(info.LastModified) {
			t.Fatalf("after tagging: %+v %v", r.Info, err)
		}
		if got := e.read(t, "bkt", "k"); len(got) != len(data) {
			t.Fatal("tagging changed the data")
		}
		_, err = e.PutObjectTagging(ctx, "bkt", "k", "", []Tag{{"a", "1"}, {"a", "2"}})
		wantErr(t, err, ErrInvalidTag)
		v, err = e.DeleteObjectTagging(ctx, "bkt", "k", "")
		if err != nil || v != NullVersion {
			t.Fatalf("delete tags: %q %v", v, err)
		}
		tags, _, _ = e.GetObjectTagging(ctx, "bkt", "k", "")
		if len(tags) != 0 {
			t.Fatalf("tags after delete: %v", tags)
		}
	}
	_, _, err := e.GetObjectTagging(ctx, "bkt", "missing", "")
	wantErr(t, err, ErrNoSuchKey)
	_, err = e.PutObjectTagging(ctx, "nope", "k", "", nil)
	wantErr(t, err, ErrNoSuchBucket)
	_, err = e.DeleteObjectTagging(ctx, "bkt", "k", "v2")
	wantErr(t, err, ErrInvalidArgument)
	_, err = e.DeleteObjectTagging(ctx, "bkt", "k", newVersionID(1))
	wantErr(t, err, ErrInvalidArgument) // the bucket was never versioned
	if n := e.blobFiles(t); n != 1 {
		t.Fatalf("%d blob files", n)
	}
}
