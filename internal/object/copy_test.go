package object

import (
	"bytes"
	"reflect"
	"testing"
	"time"

	"github.com/hoard-s3/hoard/internal/checksum"
	"github.com/hoard-s3/hoard/internal/meta"
)

func TestCopyObject(t *testing.T) {
	e := newEnv(t)
	e.bucket(t, "src")
	e.bucket(t, "dst")
	md := Metadata{ContentType: "image/png", User: map[string]string{"a": "1"}}
	tags := []Tag{{"t", "1"}}
	for _, data := range [][]byte{[]byte("small data"), randBytes(3 * testThreshold)} {
		h := checksum.SHA256.New()
		h.Write(data)
		src, err := e.PutObject(ctx, PutInput{Bucket: "src", Key: "s", Body: bytes.NewReader(data), Size: int64(len(data)),
			Metadata: md, Tags: tags, Checksum: ExpectedChecksum{Algorithm: checksum.SHA256}})
		if err != nil {
			t.Fatal(err)
		}
		e.clock.Advance(time.Minute)
		// COPY directives: everything comes from the source.
		info, err := e.CopyObject(ctx, CopyInput{SrcBucket: "src", SrcKey: "s", DstBucket: "dst", DstKey: "d"})
		if err != nil {
			t.Fatal(err)
		}
		if info.ETag != src.ETag || info.Checksum != src.Checksum || info.Size != src.Size || !info.LastModified.Equal(e.clock.Now()) {
			t.Fatalf("copy info %+v, source %+v", info, src)
		}
		r, _ := e.GetObject(ctx, GetInput{Bucket: "dst", Key: "d", HeadOnly: true})
		if !reflect.DeepEqual(r.Info.Metadata, md) || r.Info.TagCount != 1 {
			t.Fatalf("copied info %+v", r.Info)
		}
		if got := e.read(t, "dst", "d"); !bytes.Equal(got, data) {
			t.Fatal("copied data differs")
		}
		// REPLACE directives and another checksum.
		newMD := Metadata{ContentType: "text/plain"}
		info, err = e.CopyObject(ctx, CopyInput{SrcBucket: "src", SrcKey: "s", DstBucket: "dst", DstKey: "d2",
			ReplaceMetadata: true, Metadata: newMD, ReplaceTags: true, Tags: nil, Checksum: checksum.CRC32C})
		if err != nil {
			t.Fatal(err)
		}
		h = checksum.CRC32C.New()
		h.Write(data)
		if info.Checksum != (checksum.Value{Algorithm: checksum.CRC32C, Encoded: checksum.Encode(h.Sum(nil))}) {
			t.Fatalf("replaced checksum %+v", info.Checksum)
		}
		r, _ = e.GetObject(ctx, GetInput{Bucket: "dst", Key: "d2", HeadOnly: true})
		if !reflect.DeepEqual(r.Info.Metadata, newMD) || r.Info.TagCount != 0 {
			t.Fatalf("replaced info %+v", r.Info)
		}
	}
	// Small source (inline, no blob) and large source: the last round left
	// src/s, dst/d and dst/d2 as blobs.
	if n := e.blobFiles(t); n != 3 {
		t.Fatalf("%d blob files", n)
	}
}

func TestCopyErrors(t *testing.T) {
	e := newEnv(t)
	e.bucket(t, "bkt")
	src := e.put(t, "bkt", "s", []byte("data"))
	e.put(t, "bkt", "exists", []byte("x"))
	future, past := src.LastModified.Add(time.Hour), src.LastModified.Add(-time.Hour)
	tests := []struct {
		name string
		in   CopyInput
		want error
	}{
		{"no source", CopyInput{SrcKey: "missing"}, ErrNoSuchKey},
		{"no source bucket", CopyInput{SrcBucket: "nope"}, ErrNoSuchBucket},
		{"no destination bucket", CopyInput{DstBucket: "nope"}, ErrNoSuchBucket},
		{"bad source key", CopyInput{SrcKey: "a\x00"}, ErrInvalidKey},
		{"bad destination key", CopyInput{DstKey: string(make([]byte, 1025))}, ErrKeyTooLong},
		{"source version", CopyInput{SrcVersionID: "v1"}, ErrInvalidArgument},
		{"if-match", CopyInput{SrcCond: ReadConditions{IfMatch: "nope"}}, ErrPreconditionFailed},
		{"if-none-match", CopyInput{SrcCond: ReadConditions{IfNoneMatch: src.ETag}}, ErrPreconditionFailed},
		{"if-modified-since", CopyInput{SrcCond: ReadConditions{IfModifiedSince: future}}, ErrPreconditionFailed},
		{"if-unmodified-since", CopyInput{SrcCond: ReadConditions{IfUnmodifiedSince: past}}, ErrPreconditionFailed},
		{"if-match ok", CopyInput{SrcCond: ReadConditions{IfMatch: src.ETag, IfUnmodifiedSince: past}}, nil},
		{"destination exists", CopyInput{DstKey: "exists", Cond: WriteConditions{IfNoneMatch: "*"}}, ErrPreconditionFailed},
		{"destination etag", CopyInput{DstKey: "exists", Cond: WriteConditions{IfMatch: src.ETag}}, ErrPreconditionFailed},
		{"destination missing", CopyInput{DstKey: "missing", Cond: WriteConditions{IfMatch: src.ETag}}, ErrNoSuchKey},
		{"metadata too large", CopyInput{ReplaceMetadata: true, Metadata: Metadata{User: map[string]string{"k": string(make([]byte, 2048))}}}, ErrMetadataTooLarge},
		{"bad tags", CopyInput{ReplaceTags: true, Tags: []Tag{{"", ""}}}, ErrInvalidTag},
		{"to itself", CopyInput{DstKey: "s"}, ErrCopyToSelf},
		{"to itself same checksum", CopyInput{DstKey: "s", Checksum: checksum.CRC64NVME}, ErrCopyToSelf},
	}
	for _, tt := range tests {
		in := tt.in
		if in.SrcBucket == "" {
			in.SrcBucket = "bkt"
		}
		if in.SrcKey == "" {
			in.SrcKey = "s"
		}
		if in.DstBucket == "" {
			in.DstBucket = "bkt"
		}
		if in.DstKey == "" {
			in.DstKey = "d"
		}
		_, err := e.CopyObject(ctx, in)
		if tt.want == nil && err != nil || tt.want != nil && !errorsIs(err, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, err, tt.want)
		}
	}
	if got := e.read(t, "bkt", "exists"); string(got) != "x" {
		t.Fatalf("destination overwritten: %q", got)
	}
}

func TestCopyOntoItself(t *testing.T) {
	e := newEnv(t)
	e.bucket(t, "bkt")
	data := randBytes(2 * testThreshold)
	src := e.put(t, "bkt", "k", data)
	before, _ := e.current(ctx, e.meta, "bkt", "k")
	e.clock.Advance(time.Hour)
	md := Metadata{ContentType: "text/csv", User: map[string]string{"x": "y"}}
	info, err := e.CopyObject(ctx, CopyInput{SrcBucket: "bkt", SrcKey: "k", DstBucket: "bkt", DstKey: "k",
		ReplaceMetadata: true, Metadata: md, SrcCond: ReadConditions{IfMatch: src.ETag}})
	if err != nil {
		t.Fatal(err)
	}
	after, _ := e.current(ctx, e.meta, "bkt", "k")
	if after.BlobID != before.BlobID || info.ETag != src.ETag || !info.LastModified.Equal(e.clock.Now()) {
		t.Fatalf("metadata-only copy rewrote data or kept the time: %+v", info)
	}
	if !reflect.DeepEqual(after.Meta, md) || e.blobFiles(t) != 1 {
		t.Fatalf("metadata %+v, %d files", after.Meta, e.blobFiles(t))
	}
	// Tags alone count as a change.
	if _, err := e.CopyObject(ctx, CopyInput{SrcBucket: "bkt", SrcKey: "k", DstBucket: "bkt", DstKey: "k", ReplaceTags: true, Tags: []Tag{{"a", "b"}}}); err != nil {
		t.Fatal(err)
	}
	// A new checksum algorithm rewrites the data.
	info, err = e.CopyObject(ctx, CopyInput{SrcBucket: "bkt", SrcKey: "k", DstBucket: "bkt", DstKey: "k", Checksum: checksum.SHA1})
	if err != nil || info.Checksum.Algorithm != checksum.SHA1 {
		t.Fatalf("checksum change: %+v %v", info, err)
	}
	if got := e.read(t, "bkt", "k"); !bytes.Equal(got, data) || e.blobFiles(t) != 1 {
		t.Fatalf("data after rewrite; %d files", e.blobFiles(t))
	}
	r, _ := e.GetObject(ctx, GetInput{Bucket: "bkt", Key: "k", HeadOnly: true})
	if r.Info.TagCount != 1 || !reflect.DeepEqual(r.Info.Metadata, md) {
		t.Fatalf("COPY directives lost metadata or tags: %+v", r.Info)
	}
}

func TestCopySourceTooLarge(t *testing.T) {
	e := newEnv(t)
	e.bucket(t, "bkt")
	rec := &record{VersionID: NullVersion, Size: MaxCopySourceSize + 1, ETag: make([]byte, 16), BlobID: "0000"}
	if err := e.meta.Update(ctx, func(tx meta.Txn) error { return tx.Set(objectKey("bkt", "huge"), rec.encode()) }); err != nil {
		t.Fatal(err)
	}
	_, err := e.CopyObject(ctx, CopyInput{SrcBucket: "bkt", SrcKey: "huge", DstBucket: "bkt", DstKey: "d"})
	wantErr(t, err, ErrInvalidArgument)
}
