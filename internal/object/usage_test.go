package object

import (
	"bytes"
	"testing"
	"time"

	"github.com/hoard-s3/hoard/internal/meta"
	"github.com/hoard-s3/hoard/internal/usage"
)

// wantUsage is the part of a prefix's counters a step checks.
type wantUsage struct {
	objects, bytes, ncObjects, ncBytes, markers, uploads, uploadBytes, restored int64
	class                                                                       string // where the current bytes are; "" skips the check
}

func checkUsage(t *testing.T, s *Service, bucket, prefix string, w wantUsage) {
	t.Helper()
	sc, err := s.Usage(ctx, bucket)
	if err != nil {
		t.Fatal(err)
	}
	c := sc[prefix]
	if c == nil {
		c = &usage.Counters{}
	}
	got := wantUsage{c.Objects(), c.Bytes(), c.NoncurrentObjects(), c.NoncurrentBytes(), c.DeleteMarkers, c.Uploads, c.UploadBytes, c.RestoredBytes, w.class}
	if w.class != "" && c.Classes[w.class].Bytes != w.bytes {
		t.Fatalf("%s %q: class %s holds %d bytes, want %d (%+v)", bucket, prefix, w.class, c.Classes[w.class].Bytes, w.bytes, c.Classes)
	}
	if got != w {
		t.Fatalf("%s %q: usage %+v, want %+v", bucket, prefix, got, w)
	}
}

// checkRecount asserts that the counters equal a full scan and that a
// recount changes nothing.
func checkRecount(t testing.TB, s *Service, bucket string) {
	t.Helper()
	have, err := s.Usage(ctx, bucket)
	if err != nil {
		t.Fatal(err)
	}
	var scanned usage.Scopes
	err = s.raw.Update(ctx, func(tx meta.Txn) (err error) {
		scanned, err = s.scanUsage(ctx, tx, bucket)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if scanned[""] == nil {
		scanned[""] = &usage.Counters{}
	}
	for p, c := range scanned {
		if h := have[p]; h == nil || !h.Equal(c) {
			t.Fatalf("%s prefix %q: counters %+v, recount %+v", bucket, p, h, c)
		}
	}
	for p, c := range have {
		if scanned[p] == nil && !c.IsZero() {
			t.Fatalf("%s prefix %q: counters %+v, recount has none", bucket, p, c)
		}
	}
	rc, err := s.RecountUsage(ctx, bucket)
	if err != nil {
		t.Fatal(err)
	}
	if rc.Changed() {
		t.Fatalf("recount of %s changed the counters: %+v -> %+v", bucket, rc.Before, rc.After)
	}
}

func TestUsagePrefixes(t *testing.T) {
	for _, tc := range []struct {
		key   string
		depth int
		want  []string
	}{
		{"a/b/c.txt", 2, []string{"a/", "a/b/"}},
		{"a/b/c/d", 2, []string{"a/", "a/b/"}},
		{"a/b", 2, []string{"a/"}},
		{"top.txt", 2, nil},
		{"a//b", 3, []string{"a/", "a//"}},
		{"a/b/c", 0, nil},
		{"/x", 1, []string{"/"}},
	} {
		got := usage.Prefixes(tc.key, tc.depth)
		if len(got) != len(tc.want) {
			t.Fatalf("Prefixes(%q, %d) = %q, want %q", tc.key, tc.depth, got, tc.want)
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Fatalf("Prefixes(%q, %d) = %q, want %q", tc.key, tc.depth, got, tc.want)
			}
		}
	}
}

// TestUsageEveryWritePath walks each kind of write and checks the
// counters after it, and that they equal a recount.
func TestUsageEveryWritePath(t *testing.T) {
	e := newEnv(t)
	e.bucket(t, "bkt")
	e.put(t, "bkt", "a/b/c.txt", make([]byte, 10))
	checkUsage(t, e.Service, "bkt", "", wantUsage{objects: 1, bytes: 10, class: ClassStandard})
	checkUsage(t, e.Service, "bkt", "a/", wantUsage{objects: 1, bytes: 10})
	checkUsage(t, e.Service, "bkt", "a/b/", wantUsage{objects: 1, bytes: 10})

	e.put(t, "bkt", "a/b/c.txt", make([]byte, 3000)) // overwrite, unversioned
	e.put(t, "bkt", "top", make([]byte, 5))
	checkUsage(t, e.Service, "bkt", "", wantUsage{objects: 2, bytes: 3005})
	checkUsage(t, e.Service, "bkt", "a/b/", wantUsage{objects: 1, bytes: 3000})

	if err := e.PutBucketVersioning(ctx, "bkt", VersioningEnabled); err != nil {
		t.Fatal(err)
	}
	e.put(t, "bkt", "a/b/c.txt", make([]byte, 7)) // the 3000 bytes become noncurrent
	checkUsage(t, e.Service, "bkt", "a/", wantUsage{objects: 1, bytes: 7, ncObjects: 1, ncBytes: 3000})
	del, err := e.DeleteObject(ctx, DeleteInput{Bucket: "bkt", Key: "a/b/c.txt"})
	if err != nil {
		t.Fatal(err)
	}
	checkUsage(t, e.Service, "bkt", "a/", wantUsage{ncObjects: 2, ncBytes: 3007, markers: 1})
	if _, err := e.DeleteObject(ctx, DeleteInput{Bucket: "bkt", Key: "a/b/c.txt", VersionID: del.VersionID}); err != nil {
		t.Fatal(err) // removing the marker makes the 7 bytes current again
	}
	checkUsage(t, e.Service, "bkt", "a/", wantUsage{objects: 1, bytes: 7, ncObjects: 1, ncBytes: 3000})
	checkRecount(t, e.Service, "bkt")

	if _, err := e.CopyObject(ctx, CopyInput{SrcBucket: "bkt", SrcKey: "top", DstBucket: "bkt", DstKey: "x/y/z"}); err != nil {
		t.Fatal(err)
	}
	checkUsage(t, e.Service, "bkt", "x/y/", wantUsage{objects: 1, bytes: 5})

	up, err := e.CreateMultipartUpload(ctx, CreateMultipartInput{Bucket: "bkt", Key: "m/p/big"})
	if err != nil {
		t.Fatal(err)
	}
	part := func(n int, size int) *PartInfo {
		p, err := e.UploadPart(ctx, UploadPartInput{Bucket: "bkt", Key: "m/p/big", UploadID: up.UploadID, PartNumber: n,
			Body: bytes.NewReader(make([]byte, size)), Size: int64(size)})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	e.minPartSize = 100
	p1 := part(1, 200)
	part(2, 50)
	p2 := part(2, 60) // replaces part 2
	checkUsage(t, e.Service, "bkt", "m/p/", wantUsage{uploads: 1, uploadBytes: 260})
	if _, err := e.CompleteMultipartUpload(ctx, CompleteMultipartInput{Bucket: "bkt", Key: "m/p/big", UploadID: up.UploadID,
		Parts: completed(p1, p2)}); err != nil {
		t.Fatal(err)
	}
	checkUsage(t, e.Service, "bkt", "m/p/", wantUsage{objects: 1, bytes: 260})
	up2, err := e.CreateMultipartUpload(ctx, CreateMultipartInput{Bucket: "bkt", Key: "m/q"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.UploadPart(ctx, UploadPartInput{Bucket: "bkt", Key: "m/q", UploadID: up2.UploadID, PartNumber: 1,
		Body: bytes.NewReader(make([]byte, 9)), Size: 9}); err != nil {
		t.Fatal(err)
	}
	checkUsage(t, e.Service, "bkt", "m/", wantUsage{objects: 1, bytes: 260, uploads: 1, uploadBytes: 9})
	if err := e.AbortMultipartUpload(ctx, "bkt", "m/q", up2.UploadID); err != nil {
		t.Fatal(err)
	}
	checkUsage(t, e.Service, "bkt", "m/", wantUsage{objects: 1, bytes: 260})

	if _, err := e.Transition(ctx, TransitionInput{Bucket: "bkt", Key: "top", StorageClass: ClassStandardIA}); err != nil {
		t.Fatal(err)
	}
	checkUsage(t, e.Service, "bkt", "", wantUsage{objects: 4, bytes: 7 + 5 + 5 + 260, ncObjects: 1, ncBytes: 3000})
	sc, _ := e.Usage(ctx, "bkt")
	if got := sc[""].Classes[ClassStandardIA]; got.Objects != 1 || got.Bytes != 5 {
		t.Fatalf("STANDARD_IA after the transition: %+v", got)
	}
	if n, err := e.FoldUsage(ctx); err != nil || n == 0 {
		t.Fatalf("fold: %d %v", n, err)
	}
	checkUsage(t, e.Service, "bkt", "", wantUsage{objects: 4, bytes: 277, ncObjects: 1, ncBytes: 3000})
	checkRecount(t, e.Service, "bkt")
}

func TestUsageRestoredCopies(t *testing.T) {
	e := newTierEnv(t)
	e.bucket(t, "bkt")
	data := bytes.Repeat([]byte("archive "), 2000)
	e.put(t, "bkt", "d/k", data)
	if _, err := e.Transition(ctx, TransitionInput{Bucket: "bkt", Key: "d/k", StorageClass: ClassGlacier}); err != nil {
		t.Fatal(err)
	}
	checkUsage(t, e.Service, "bkt", "d/", wantUsage{objects: 1, bytes: int64(len(data)), class: ClassGlacier})
	if _, err := e.RestoreObject(ctx, RestoreInput{Bucket: "bkt", Key: "d/k", Days: 2}); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(time.Minute)
	if _, err := e.RunRestores(ctx); err != nil {
		t.Fatal(err)
	}
	checkUsage(t, e.Service, "bkt", "d/", wantUsage{objects: 1, bytes: int64(len(data)), restored: int64(len(data))})
	e.clock.Advance(3 * time.Hour)
	if _, err := e.RunRestores(ctx); err != nil {
		t.Fatal(err)
	}
	checkUsage(t, e.Service, "bkt", "d/", wantUsage{objects: 1, bytes: int64(len(data))})
	checkRecount(t, e.Service, "bkt")
}

// TestUsageRecountRepairs: counters damaged behind the service's back
// (a lost delta) are repaired by a recount.
func TestUsageRecountRepairs(t *testing.T) {
	e := newEnv(t)
	e.bucket(t, "bkt")
	e.put(t, "bkt", "a/1", make([]byte, 100))
	e.put(t, "bkt", "a/2", make([]byte, 50))
	err := e.raw.Update(ctx, func(tx meta.Txn) error {
		return usage.Replace(ctx, tx, "bkt", usage.Scopes{"": &usage.Counters{DeleteMarkers: 4}})
	})
	if err != nil {
		t.Fatal(err)
	}
	rc, err := e.RecountUsage(ctx, "bkt")
	if err != nil || !rc.Changed() {
		t.Fatalf("recount: %+v %v", rc, err)
	}
	checkUsage(t, e.Service, "bkt", "a/", wantUsage{objects: 2, bytes: 150})
	checkUsage(t, e.Service, "bkt", "", wantUsage{objects: 2, bytes: 150})
}

// TestUsageDepthChange: a service started with another depth than the
// counters were built with rebuilds them before use.
func TestUsageDepthChange(t *testing.T) {
	e := newEnv(t)
	e.bucket(t, "bkt")
	if err := e.PrepareUsage(ctx, nil); err != nil {
		t.Fatal(err)
	}
	e.put(t, "bkt", "a/b/c/d", make([]byte, 10))
	checkUsage(t, e.Service, "bkt", "a/b/", wantUsage{objects: 1, bytes: 10})
	deeper := New(e.raw, e.dir, Config{InlineThreshold: testThreshold, UsageDepth: 3})
	if err := deeper.PrepareUsage(ctx, nil); err != nil {
		t.Fatal(err)
	}
	checkUsage(t, deeper, "bkt", "a/b/c/", wantUsage{objects: 1, bytes: 10})
	checkUsage(t, deeper, "bkt", "", wantUsage{objects: 1, bytes: 10})
	flat := New(e.raw, e.dir, Config{InlineThreshold: testThreshold, UsageDepth: -1})
	if err := flat.PrepareUsage(ctx, nil); err != nil {
		t.Fatal(err)
	}
	sc, err := flat.Usage(ctx, "bkt")
	if err != nil || len(sc) != 1 || sc[""].Objects() != 1 {
		t.Fatalf("bucket totals only: %v %v", sc, err)
	}
}

// TestUsageDeleteBucket: a deleted bucket leaves no counters and no
// history, so a new bucket of the name starts from nothing.
func TestUsageDeleteBucket(t *testing.T) {
	e := newEnv(t)
	e.bucket(t, "bkt")
	e.put(t, "bkt", "a/x", make([]byte, 10))
	w := &usage.Worker{Store: e.raw, Prices: usage.DefaultPrices()}
	if err := w.TakeSnapshot(ctx, "bkt", time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := e.DeleteObject(ctx, DeleteInput{Bucket: "bkt", Key: "a/x"}); err != nil {
		t.Fatal(err)
	}
	if err := e.DeleteBucket(ctx, "bkt"); err != nil {
		t.Fatal(err)
	}
	e.bucket(t, "bkt")
	checkUsage(t, e.Service, "bkt", "", wantUsage{})
	if days, err := w.History(ctx, "bkt", 10); err != nil || len(days) != 0 {
		t.Fatalf("history of the new bucket: %v %v", days, err)
	}
	if _, err := e.FoldUsage(ctx); err != nil {
		t.Fatal(err)
	}
	checkRecount(t, e.Service, "bkt")
}
