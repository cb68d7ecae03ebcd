package object

import (
	"bytes"
	"context"
	"io"
	"testing"
	"time"

	"github.com/hoard-s3/hoard/internal/blob"
)

func TestGetConditions(t *testing.T) {
	e := newEnv(t)
	e.bucket(t, "bkt")
	info := e.put(t, "bkt", "k", []byte("data"))
	mod := info.LastModified
	tests := []struct {
		name string
		c    ReadConditions
		want error
	}{
		{"if-match", ReadConditions{IfMatch: `"` + info.ETag + `"`}, nil},
		{"if-match fails", ReadConditions{IfMatch: `"nope"`}, ErrPreconditionFailed},
		{"if-none-match", ReadConditions{IfNoneMatch: info.ETag}, ErrNotModified},
		{"if-modified-since", ReadConditions{IfModifiedSince: mod}, ErrNotModified},
		{"if-modified-since earlier", ReadConditions{IfModifiedSince: mod.Add(-time.Second)}, nil},
		{"if-unmodified-since earlier", ReadConditions{IfUnmodifiedSince: mod.Add(-time.Second)}, ErrPreconditionFailed},
	}
	for _, tt := range tests {
		for _, head := range []bool{false, true} {
			r, err := e.GetObject(ctx, GetInput{Bucket: "bkt", Key: "k", Cond: tt.c, HeadOnly: head})
			wantErr(t, err, tt.want)
			if r == nil || r.Info.ETag != info.ETag || !r.Info.LastModified.Equal(mod) {
				t.Fatalf("%s: reader %+v", tt.name, r)
			}
			if tt.want != nil && r.Body != nil {
				t.Fatalf("%s: body on failed condition", tt.name)
			}
			if r.Body != nil {
				r.Body.Close()
			}
		}
	}
}

func TestGetRanges(t *testing.T) {
	e := newEnv(t)
	e.bucket(t, "bkt")
	for _, size := range []int{100, 5 * testThreshold} {
		data := randBytes(size)
		e.put(t, "bkt", "k", data)
		n := int64(size)
		tests := []struct {
			r       *Range
			part    int
			off, ln int64
			partial bool
			want    error
		}{
			{nil, 0, 0, n, false, nil},
			{&Range{First: 0, Last: 9}, 0, 0, 10, true, nil},
			{&Range{First: 50, Last: -1}, 0, 50, n - 50, true, nil},
			{&Range{First: n - 1, Last: n + 100}, 0, n - 1, 1, true, nil},
			{&Range{Suffix: 7}, 0, n - 7, 7, true, nil},
			{&Range{Suffix: n + 7}, 0, 0, n, true, nil},
			{&Range{First: n, Last: -1}, 0, 0, 0, false, ErrInvalidRange},
			{nil, 1, 0, n, true, nil},
			{nil, 2, 0, 0, false, ErrInvalidPartNumber},
			{nil, -1, 0, 0, false, ErrInvalidArgument},
			{&Range{First: 0, Last: 1}, 1, 0, 0, false, ErrInvalidArgument},
		}
		for _, tt := range tests {
			r, err := e.GetObject(ctx, GetInput{Bucket: "bkt", Key: "k", Range: tt.r, PartNumber: tt.part})
			wantErr(t, err, tt.want)
			if tt.want != nil {
				if tt.want == ErrInvalidRange && (r == nil || r.Info.Size != n) {
					t.Fatalf("invalid range must carry the size: %+v", r)
				}
				continue
			}
			got, err := io.ReadAll(r.Body)
			r.Body.Close()
			if err != nil || r.Offset != tt.off || r.Length != tt.ln || r.Partial != tt.partial {
				t.Fatalf("size %d %+v: off %d len %d partial %v err %v", size, tt.r, r.Offset, r.Length, r.Partial, err)
			}
			if !bytes.Equal(got, data[tt.off:tt.off+tt.ln]) {
				t.Fatalf("size %d %+v: wrong bytes", size, tt.r)
			}
		}
		h, err := e.GetObject(ctx, GetInput{Bucket: "bkt", Key: "k", Range: &Range{First: 1, Last: 2}, HeadOnly: true})
		if err != nil || h.Body != nil || h.Length != 2 || !h.Partial {
			t.Fatalf("head with range: %+v %v", h, err)
		}
	}
}

func TestGetMissing(t *testing.T) {
	e := newEnv(t)
	e.bucket(t, "bkt")
	e.put(t, "bkt", "k", []byte("x"))
	tests := []struct {
		in   GetInput
		want error
	}{
		{GetInput{Bucket: "nope", Key: "k"}, ErrNoSuchBucket},
		{GetInput{Bucket: "bkt", Key: "other"}, ErrNoSuchKey},
		{GetInput{Bucket: "bkt", Key: ""}, ErrInvalidKey},
		{GetInput{Bucket: "bkt", Key: "k", VersionID: "v1"}, ErrInvalidArgument},
		{GetInput{Bucket: "bkt", Key: "k", VersionID: NullVersion}, nil},
	}
	for _, tt := range tests {
		r, err := e.GetObject(ctx, tt.in)
		wantErr(t, err, tt.want)
		if err == nil {
			r.Body.Close()
		}
	}
}

// Keys that look like paths, escapes or other syntax round-trip exactly.
func TestKeysRoundTrip(t *testing.T) {
	e := newEnv(t)
	e.bucket(t, "bkt")
	keys := []string{"../../etc/passwd", "a//b", "/leading", "trailing/", "100%", "q?x=1", "h#frag", "with space",
		"日本語", "emoji🙂", "tab\tnew\nline", "plus+and&amp;", "."}
	for _, k := range keys {
		e.put(t, "bkt", k, []byte(k))
	}
	for _, k := range keys {
		if got := e.read(t, "bkt", k); string(got) != k {
			t.Fatalf("%q: got %q", k, got)
		}
	}
	res, err := e.ListObjects(ctx, ListInput{Bucket: "bkt", MaxKeys: -1})
	if err != nil || len(res.Objects) != len(keys) {
		t.Fatalf("list: %d objects, %v", len(res.Objects), err)
	}
}

// vanishingStore makes the first Open fail as if a concurrent overwrite had
// deleted the blob just after its record was read.
type vanishingStore struct {
	blob.Store
	opens int
	swap  func()
}

func (v *vanishingStore) Open(ctx context.Context, id string) (blob.Reader, error) {
	v.opens++
	if v.opens == 1 {
		v.swap()
		return nil, blob.ErrNotFound
	}
	return v.Store.Open(ctx, id)
}

func TestGetRereadsAfterVanishedBlob(t *testing.T) {
	e := newEnv(t)
	e.bucket(t, "bkt")
	old, fresh := randBytes(2*testThreshold), randBytes(3*testThreshold)
	e.put(t, "bkt", "k", old)
	real := e.blobs
	e.blobs = &vanishingStore{Store: real, swap: func() {
		e.blobs = real
		e.put(t, "bkt", "k", fresh)
		e.blobs = &vanishingStore{Store: real, opens: 1}
	}}
	if got := e.read(t, "bkt", "k"); !bytes.Equal(got, fresh) {
		t.Fatal("did not read the new object")
	}
}
