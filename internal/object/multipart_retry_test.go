package object

import (
	"bytes"
	"testing"
	"time"
)

func TestCompleteRetried(t *testing.T) {
	tests := []struct {
		name    string
		between func(t *testing.T, e *testEnv)
		ok      bool
	}{
		{"object unchanged", func(*testing.T, *testEnv) {}, true},
		{"object overwritten", func(t *testing.T, e *testEnv) { e.put(t, "bkt", "k", []byte("new")) }, false},
		{"object deleted", func(t *testing.T, e *testEnv) {
			if _, err := e.DeleteObject(ctx, DeleteInput{Bucket: "bkt", Key: "k"}); err != nil {
				t.Fatal(err)
			}
		}, false},
		{"object remade by another upload", func(t *testing.T, e *testEnv) { e.upload(t, "k", []byte("other")) }, false},
		{"too late", func(_ *testing.T, e *testEnv) { e.clock.Advance(completedTTL + time.Second) }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newMPEnv(t)
			id := e.create(t, "k", "", "")
			p1, p2 := randBytes(testMinPart), randBytes(10)
			a, b := e.part(t, "k", id, 1, p1), e.part(t, "k", id, 2, p2)
			first := e.complete(t, "k", id, a, b)
			tt.between(t, e)
			in := CompleteMultipartInput{Bucket: "bkt", Key: "k", UploadID: id, Parts: completed(a, b)}
			again, err := e.CompleteMultipartUpload(ctx, in)
			if !tt.ok {
				wantErr(t, err, ErrNoSuchUpload)
			} else if err != nil || again.ETag != first.ETag || again.Size != first.Size || again.Checksum != first.Checksum {
				t.Fatalf("retried complete: %+v, %v; first %+v", again, err, first)
			}
			// The record names the upload, not just the key.
			_, err = e.CompleteMultipartUpload(ctx, CompleteMultipartInput{Bucket: "bkt", Key: "other", UploadID: id, Parts: completed(a, b)})
			wantErr(t, err, ErrNoSuchUpload)
			n, err := e.ReclaimCompletedUploads(ctx)
			if err != nil {
				t.Fatal(err)
			}
			// Only the record of an object still current and recent stays.
			if want := map[bool]int{true: 0, false: 1}[tt.ok]; n != want {
				t.Fatalf("reclaimed %d records, want %d", n, want)
			}
			if tt.ok && !bytes.Equal(e.read(t, "bkt", "k"), concat(p1, p2)) {
				t.Fatal("object bytes changed")
			}
		})
	}
}

func TestCompletedRecordsReclaimed(t *testing.T) {
	e := newMPEnv(t)
	for _, k := range []string{"a", "b", "c"} {
		e.upload(t, k, []byte(k))
	}
	e.put(t, "bkt", "a", []byte("overwritten"))
	if n, err := e.ReclaimCompletedUploads(ctx); err != nil || n != 1 {
		t.Fatalf("reclaimed %d, %v; want the overwritten object's record", n, err)
	}
	e.clock.Advance(completedTTL + time.Second)
	if n, err := e.ReclaimCompletedUploads(ctx); err != nil || n != 2 {
		t.Fatalf("reclaimed %d, %v; want the two expired records", n, err)
	}
	if n, err := e.ReclaimCompletedUploads(ctx); err != nil || n != 0 {
		t.Fatalf("reclaimed %d, %v on an empty set", n, err)
	}
}

// A client that re-uploads a part number while the first upload of it is
// still running lists both; the upload that finished last is the part,
// and Complete uses the listed entry whose ETag matches it.
func TestCompleteDuplicateListing(t *testing.T) {
	e := newMPEnv(t)
	id := e.create(t, "k", "", "")
	b := e.part(t, "k", id, 1, []byte("BBBBBBBB"))
	a := e.part(t, "k", id, 1, []byte("AAAAAAAA"))
	info, err := e.CompleteMultipartUpload(ctx, CompleteMultipartInput{Bucket: "bkt", Key: "k", UploadID: id, Parts: completed(b, a)})
	if err != nil {
		t.Fatal(err)
	}
	if want := multipartETag([]byte("AAAAAAAA")); info.ETag != want || info.PartsCount != 1 || info.Size != 8 {
		t.Fatalf("completed %+v, want ETag %s", info, want)
	}
	if got := e.read(t, "bkt", "k"); string(got) != "AAAAAAAA" {
		t.Fatalf("object holds %q", got)
	}
	id = e.create(t, "k2", "", "")
	b = e.part(t, "k2", id, 1, []byte("BBBBBBBB"))
	a = e.part(t, "k2", id, 1, []byte("AAAAAAAA"))
	if _, err := e.CompleteMultipartUpload(ctx, CompleteMultipartInput{Bucket: "bkt", Key: "k2", UploadID: id, Parts: completed(a, b)}); err != nil {
		t.Fatalf("matching entry listed first: %v", err)
	}
	if got := e.read(t, "bkt", "k2"); string(got) != "AAAAAAAA" {
		t.Fatalf("object holds %q", got)
	}
}
