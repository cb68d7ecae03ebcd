package object

import (
	"bytes"
	"fmt"
	"testing"
)

// Complete frees the parts it does not list; Abort frees all; deleting or
// overwriting a multipart object frees all its parts.
func TestMultipartFreesSpace(t *testing.T) {
	e := newMPEnv(t)
	id := e.create(t, "k", "", "")
	var ps []*PartInfo
	for i := 1; i <= 5; i++ {
		ps = append(ps, e.part(t, "k", id, i, randBytes(testMinPart+i)))
	}
	e.complete(t, "k", id, ps[0], ps[2], ps[4])
	if n := e.blobFiles(t); n != 3 {
		t.Fatalf("%d blob files after completing 3 of 5 parts", n)
	}
	// Overwrite with a multipart object: the old parts go.
	e.upload(t, "k", randBytes(1500), randBytes(1600))
	if n := e.blobFiles(t); n != 2 {
		t.Fatalf("%d blob files after multipart overwrite", n)
	}
	// Overwrite with a single PUT.
	e.put(t, "bkt", "k", randBytes(3*testThreshold))
	if n := e.blobFiles(t); n != 1 {
		t.Fatalf("%d blob files after PUT overwrite", n)
	}
	e.upload(t, "k", randBytes(1500), randBytes(1600))
	if _, err := e.DeleteObject(ctx, DeleteInput{Bucket: "bkt", Key: "k"}); err != nil {
		t.Fatal(err)
	}
	e.upload(t, "k2", randBytes(1500), randBytes(1600))
	if _, err := e.DeleteObjects(ctx, "bkt", []DeleteInput{{Key: "k2"}}); err != nil {
		t.Fatal(err)
	}
	if n := e.blobFiles(t); n != 0 {
		t.Fatalf("%d blob files after deletes", n)
	}
	// Abort.
	id = e.create(t, "k", "", "")
	e.part(t, "k", id, 1, randBytes(2000))
	e.part(t, "k", id, 7, randBytes(2000))
	if err := e.AbortMultipartUpload(ctx, "bkt", "k", id); err != nil {
		t.Fatal(err)
	}
	if n := e.blobFiles(t); n != 0 {
		t.Fatalf("%d blob files after abort", n)
	}
	wantErr(t, e.AbortMultipartUpload(ctx, "bkt", "k", id), ErrNoSuchUpload)
	wantErr(t, e.AbortMultipartUpload(ctx, "bkt", "k", "nonsense"), ErrNoSuchUpload)
	wantErr(t, e.AbortMultipartUpload(ctx, "nope", "k", id), ErrNoSuchBucket)
	_, err := e.UploadPart(ctx, UploadPartInput{Bucket: "bkt", Key: "k", UploadID: id, PartNumber: 1, Body: bytes.NewReader(nil)})
	wantErr(t, err, ErrNoSuchUpload)
}

// If-None-Match and If-Match on Complete are evaluated atomically with it.
func TestCompleteConditions(t *testing.T) {
	e := newMPEnv(t)
	id := e.create(t, "k", "", "")
	p := e.part(t, "k", id, 1, []byte("first"))
	in := CompleteMultipartInput{Bucket: "bkt", Key: "k", UploadID: id, Parts: completed(p)}
	in.Cond = WriteConditions{IfMatch: "abc"}
	_, err := e.CompleteMultipartUpload(ctx, in)
	wantErr(t, err, ErrNoSuchKey)
	in.Cond = WriteConditions{IfNoneMatch: "*"}
	first, err := e.CompleteMultipartUpload(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	id = e.create(t, "k", "", "")
	p = e.part(t, "k", id, 1, []byte("second"))
	in = CompleteMultipartInput{Bucket: "bkt", Key: "k", UploadID: id, Parts: completed(p), Cond: WriteConditions{IfNoneMatch: "*"}}
	_, err = e.CompleteMultipartUpload(ctx, in)
	wantErr(t, err, ErrPreconditionFailed)
	in.Cond = WriteConditions{IfMatch: `"0123"`}
	_, err = e.CompleteMultipartUpload(ctx, in)
	wantErr(t, err, ErrPreconditionFailed)
	in.Cond = WriteConditions{IfMatch: `"` + first.ETag + `"`}
	if _, err = e.CompleteMultipartUpload(ctx, in); err != nil {
		t.Fatal(err)
	}
	if got := e.read(t, "bkt", "k"); string(got) != "second" {
		t.Fatalf("got %q", got)
	}
	if n := e.blobFiles(t); n != 1 {
		t.Fatalf("%d blob files", n)
	}
}

// Uploads in progress do not keep a bucket with no objects from being
// deleted; they are aborted with it and their data freed.
func TestDeleteBucketWithUploads(t *testing.T) {
	e := newMPEnv(t)
	for i := 0; i < 3; i++ {
		id := e.create(t, fmt.Sprint("k", i), "", "")
		e.part(t, fmt.Sprint("k", i), id, 1, randBytes(2000))
	}
	e.put(t, "bkt", "obj", []byte("x"))
	wantErr(t, e.DeleteBucket(ctx, "bkt"), ErrBucketNotEmpty)
	if _, err := e.DeleteObject(ctx, DeleteInput{Bucket: "bkt", Key: "obj"}); err != nil {
		t.Fatal(err)
	}
	if err := e.DeleteBucket(ctx, "bkt"); err != nil {
		t.Fatal(err)
	}
	if n := e.blobFiles(t); n != 0 {
		t.Fatalf("%d blob files after deleting the bucket", n)
	}
	e.bucket(t, "bkt")
	l, err := e.ListMultipartUploads(ctx, ListUploadsInput{Bucket: "bkt"})
	if err != nil || len(l.Uploads) != 0 {
		t.Fatalf("uploads survived their bucket: %+v, %v", l, err)
	}
}
