package object

import (
	"fmt"
	"testing"
)

func TestDeleteObject(t *testing.T) {
	e := newEnv(t)
	e.bucket(t, "bkt")
	e.put(t, "bkt", "small", []byte("x"))
	e.put(t, "bkt", "big", randBytes(2*testThreshold))
	tests := []struct {
		in   DeleteInput
		want error
	}{
		{DeleteInput{Bucket: "bkt", Key: "small"}, nil},
		{DeleteInput{Bucket: "bkt", Key: "big", VersionID: NullVersion}, nil},
		{DeleteInput{Bucket: "bkt", Key: "never-existed"}, nil},
		{DeleteInput{Bucket: "nope", Key: "k"}, ErrNoSuchBucket},
		{DeleteInput{Bucket: "bkt", Key: ""}, ErrInvalidKey},
		{DeleteInput{Bucket: "bkt", Key: "small", VersionID: "abc"}, ErrInvalidArgument},
	}
	for _, tt := range tests {
		res, err := e.DeleteObject(ctx, tt.in)
		wantErr(t, err, tt.want)
		if err == nil && (res.Key != tt.in.Key || res.VersionID != tt.in.VersionID || res.DeleteMarker) {
			t.Fatalf("%+v: result %+v", tt.in, res)
		}
	}
	for _, k := range []string{"small", "big"} {
		_, err := e.GetObject(ctx, GetInput{Bucket: "bkt", Key: k})
		wantErr(t, err, ErrNoSuchKey)
	}
	if n := e.blobFiles(t); n != 0 {
		t.Fatalf("%d blob files left", n)
	}
}

func TestDeleteObjects(t *testing.T) {
	e := newEnv(t)
	e.bucket(t, "bkt")
	var objs []DeleteInput
	for i := range 20 {
		key := fmt.Sprintf("k%02d", i)
		data := []byte(key)
		if i%4 == 0 {
			data = randBytes(2 * testThreshold)
		}
		e.put(t, "bkt", key, data)
		objs = append(objs, DeleteInput{Key: key})
	}
	e.put(t, "bkt", "keep", []byte("x"))
	objs = append(objs,
		DeleteInput{Key: "missing"},
		DeleteInput{Key: "k00"}, // twice in one batch
		DeleteInput{Key: "bad\x00key"},
		DeleteInput{Key: "k01", VersionID: "v9"},
	)
	res, err := e.DeleteObjects(ctx, "bkt", objs)
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != len(objs) {
		t.Fatalf("%d results for %d keys", len(res), len(objs))
	}
	for i, r := range res {
		if r.Key != objs[i].Key {
			t.Fatalf("result %d is for %q", i, r.Key)
		}
		var want error
		switch r.Key {
		case "bad\x00key":
			want = ErrInvalidKey
		case "k01":
			if r.VersionID == "v9" {
				want = ErrInvalidArgument
			}
		}
		wantErr(t, r.Err, want)
	}
	list, err := e.ListObjects(ctx, ListInput{Bucket: "bkt", MaxKeys: 1000})
	if err != nil || len(list.Objects) != 1 || list.Objects[0].Key != "keep" {
		t.Fatalf("left: %+v %v", list, err)
	}
	if n := e.blobFiles(t); n != 0 {
		t.Fatalf("%d blob files left", n)
	}
	_, err = e.DeleteObjects(ctx, "bkt", make([]DeleteInput, MaxDeleteObjects+1))
	wantErr(t, err, ErrTooManyKeys)
	_, err = e.DeleteObjects(ctx, "nope", objs[:1])
	wantErr(t, err, ErrNoSuchBucket)
}
