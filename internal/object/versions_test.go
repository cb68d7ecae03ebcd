package object

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"testing"
	"time"
)

func (e *testEnv) versioned(t testing.TB, bucket string, state VersioningState) {
	t.Helper()
	if err := e.PutBucketVersioning(ctx, bucket, state); err != nil {
		t.Fatalf("versioning %s: %v", bucket, err)
	}
}

func (e *testEnv) readVersion(t testing.TB, bucket, key, vid string) ([]byte, error) {
	t.Helper()
	r, err := e.GetObject(ctx, GetInput{Bucket: bucket, Key: key, VersionID: vid})
	if err != nil {
		return nil, err
	}
	defer r.Body.Close()
	return io.ReadAll(r.Body)
}

// versionsOfKey lists every version of one key, newest first.
func (e *testEnv) versionsOfKey(t testing.TB, bucket, key string) []ListedVersion {
	t.Helper()
	res, err := e.ListObjectVersions(ctx, ListVersionsInput{Bucket: bucket, Prefix: key, MaxKeys: 1000})
	if err != nil {
		t.Fatalf("list versions: %v", err)
	}
	var out []ListedVersion
	for _, v := range res.Versions {
		if v.Key == key {
			out = append(out, v)
		}
	}
	return out
}

func TestVersioningLifecycle(t *testing.T) {
	e := newEnv(t)
	e.bucket(t, "bkt")
	old := e.put(t, "bkt", "k", []byte("before versioning"))
	e.versioned(t, "bkt", VersioningEnabled)
	big := randBytes(3 * testThreshold) // a blob, to see its data freed
	v1 := e.put(t, "bkt", "k", big)
	e.clock.Advance(time.Second)
	v2 := e.put(t, "bkt", "k", []byte("second"))
	if old.VersionID != NullVersion || v1.VersionID == NullVersion || v1.VersionID == v2.VersionID {
		t.Fatalf("version ids %q %q %q", old.VersionID, v1.VersionID, v2.VersionID)
	}
	for vid, want := range map[string][]byte{"": []byte("second"), v1.VersionID: big, NullVersion: []byte("before versioning")} {
		got, err := e.readVersion(t, "bkt", "k", vid)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("version %q: %v, %d bytes", vid, err, len(got))
		}
	}
	vs := e.versionsOfKey(t, "bkt", "k")
	if len(vs) != 3 || vs[0].VersionID != v2.VersionID || vs[1].VersionID != v1.VersionID || vs[2].VersionID != NullVersion ||
		!vs[0].IsLatest || vs[1].IsLatest || vs[2].IsLatest {
		t.Fatalf("versions %+v", vs)
	}

	// DELETE writes a marker; the key is gone from listings and reads.
	dm, err := e.DeleteObject(ctx, DeleteInput{Bucket: "bkt", Key: "k"})
	if err != nil || !dm.DeleteMarker || dm.VersionID == "" || dm.VersionID == NullVersion {
		t.Fatalf("delete: %+v, %v", dm, err)
	}
	_, err = e.GetObject(ctx, GetInput{Bucket: "bkt", Key: "k", HeadOnly: true})
	var dme *DeleteMarkerError
	if !errors.Is(err, ErrNoSuchKey) || !errors.As(err, &dme) || dme.VersionID != dm.VersionID {
		t.Fatalf("get after delete: %v", err)
	}
	_, err = e.GetObject(ctx, GetInput{Bucket: "bkt", Key: "k", VersionID: dm.VersionID})
	wantErr(t, err, ErrMethodNotAllowed)
	_, err = e.CopyObject(ctx, CopyInput{SrcBucket: "bkt", SrcKey: "k", SrcVersionID: dm.VersionID, DstBucket: "bkt", DstKey: "c"})
	wantErr(t, err, ErrInvalidRequest)
	_, err = e.CopyObject(ctx, CopyInput{SrcBucket: "bkt", SrcKey: "k", DstBucket: "bkt", DstKey: "c"})
	wantErr(t, err, ErrNoSuchKey)
	if l, _ := e.ListObjects(ctx, ListInput{Bucket: "bkt", MaxKeys: 10}); len(l.Objects) != 0 {
		t.Fatalf("listing shows a deleted key: %+v", l.Objects)
	}
	wantErr(t, e.DeleteBucket(ctx, "bkt"), ErrBucketNotEmpty)
	vs = e.versionsOfKey(t, "bkt", "k")
	if len(vs) != 4 || !vs[0].DeleteMarker || !vs[0].IsLatest || vs[1].IsLatest {
		t.Fatalf("versions after delete %+v", vs)
	}

	// Deleting the marker restores the object.
	res, err := e.DeleteObject(ctx, DeleteInput{Bucket: "bkt", Key: "k", VersionID: dm.VersionID})
	if err != nil || !res.DeleteMarker || res.VersionID != dm.VersionID {
		t.Fatalf("delete marker: %+v, %v", res, err)
	}
	if got := e.read(t, "bkt", "k"); string(got) != "second" {
		t.Fatalf("restored %q", got)
	}

	// Deleting versions for good frees their data and promotes the next.
	files := e.blobFiles(t)
	if _, err := e.DeleteObject(ctx, DeleteInput{Bucket: "bkt", Key: "k", VersionID: v1.VersionID}); err != nil {
		t.Fatal(err)
	}
	if e.blobFiles(t) != files-1 {
		t.Fatalf("blob of a removed version kept: %d files, had %d", e.blobFiles(t), files)
	}
	_, err = e.GetObject(ctx, GetInput{Bucket: "bkt", Key: "k", VersionID: v1.VersionID})
	wantErr(t, err, ErrNoSuchVersion)
	if _, err := e.DeleteObject(ctx, DeleteInput{Bucket: "bkt", Key: "k", VersionID: v2.VersionID}); err != nil {
		t.Fatal(err)
	}
	if got := e.read(t, "bkt", "k"); string(got) != "before versioning" {
		t.Fatalf("after removing the latest, read %q", got)
	}
	if _, err := e.DeleteObject(ctx, DeleteInput{Bucket: "bkt", Key: "k", VersionID: NullVersion}); err != nil {
		t.Fatal(err)
	}
	if vs := e.versionsOfKey(t, "bkt", "k"); len(vs) != 0 {
		t.Fatalf("versions left %+v", vs)
	}
	// A well-formed id that names nothing deletes nothing, successfully.
	if _, err := e.DeleteObject(ctx, DeleteInput{Bucket: "bkt", Key: "k", VersionID: v1.VersionID}); err != nil {
		t.Fatal(err)
	}
	wantErr(t, e.DeleteBucket(ctx, "bkt"), nil)
}

func TestVersioningSuspended(t *testing.T) {
	e := newEnv(t)
	e.bucket(t, "bkt")
	e.versioned(t, "bkt", VersioningEnabled)
	v1 := e.put(t, "bkt", "k", []byte("one"))
	e.versioned(t, "bkt", VersioningSuspended)
	n1 := e.put(t, "bkt", "k", []byte("null one"))
	n2 := e.put(t, "bkt", "k", []byte("null two")) // replaces the null version
	if n1.VersionID != NullVersion || n2.VersionID != NullVersion {
		t.Fatalf("suspended writes got %q %q", n1.VersionID, n2.VersionID)
	}
	vs := e.versionsOfKey(t, "bkt", "k")
	if len(vs) != 2 || vs[0].VersionID != NullVersion || vs[1].VersionID != v1.VersionID {
		t.Fatalf("versions %+v", vs)
	}
	// A suspended DELETE replaces the null version with a null marker.
	dm, err := e.DeleteObject(ctx, DeleteInput{Bucket: "bkt", Key: "k"})
	if err != nil || !dm.DeleteMarker || dm.VersionID != NullVersion {
		t.Fatalf("suspended delete %+v, %v", dm, err)
	}
	vs = e.versionsOfKey(t, "bkt", "k")
	if len(vs) != 2 || !vs[0].DeleteMarker || vs[0].VersionID != NullVersion || !vs[0].IsLatest {
		t.Fatalf("versions after delete %+v", vs)
	}
	// Re-enabled: a new version goes on top; the null marker stays until
	// removed by id.
	e.versioned(t, "bkt", VersioningEnabled)
	v3 := e.put(t, "bkt", "k", []byte("three"))
	if _, err := e.DeleteObject(ctx, DeleteInput{Bucket: "bkt", Key: "k", VersionID: NullVersion}); err != nil {
		t.Fatal(err)
	}
	vs = e.versionsOfKey(t, "bkt", "k")
	if len(vs) != 2 || vs[0].VersionID != v3.VersionID || vs[1].VersionID != v1.VersionID {
		t.Fatalf("versions %+v", vs)
	}
	wantErr(t, e.PutBucketVersioning(ctx, "bkt", VersioningOff), ErrInvalidArgument)
}

// Paging by (key, version id) neither repeats nor skips, whatever is
// written between pages.
func TestListVersionsPaging(t *testing.T) {
	e := newEnv(t)
	e.bucket(t, "bkt")
	e.versioned(t, "bkt", VersioningEnabled)
	want := map[string]bool{}
	for i := range 5 {
		for j := range 4 {
			info := e.put(t, "bkt", fmt.Sprintf("k%d", i), []byte{byte(j)})
			want[info.Key+"/"+info.VersionID] = true
		}
		if i%2 == 0 {
			dm, _ := e.DeleteObject(ctx, DeleteInput{Bucket: "bkt", Key: fmt.Sprintf("k%d", i)})
			want[fmt.Sprintf("k%d", i)+"/"+dm.VersionID] = true
		}
	}
	seen := map[string]bool{}
	in := ListVersionsInput{Bucket: "bkt", MaxKeys: 3}
	latest := map[string]int{}
	for pages := 0; ; pages++ {
		res, err := e.ListObjectVersions(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range res.Versions {
			id := v.Key + "/" + v.VersionID
			if seen[id] {
				t.Fatalf("%s listed twice", id)
			}
			seen[id] = true
			if v.IsLatest {
				latest[v.Key]++
			}
		}
		// Concurrent writes: new versions of a key already passed and of
		// one still ahead, and a removal of the page's last version.
		if pages == 1 {
			e.put(t, "bkt", "k0", []byte("late"))
			info := e.put(t, "bkt", "k4", []byte("late"))
			want[info.Key+"/"+info.VersionID] = true
		}
		if !res.IsTruncated {
			break
		}
		in.KeyMarker, in.VersionIDMarker = res.NextKeyMarker, res.NextVersionIDMarker
	}
	for id := range want {
		if !seen[id] {
			t.Fatalf("%s never listed", id)
		}
	}
	for k, n := range latest {
		if n != 1 {
			t.Fatalf("%s has %d latest entries", k, n)
		}
	}
	_, err := e.ListObjectVersions(ctx, ListVersionsInput{Bucket: "bkt", VersionIDMarker: NullVersion})
	wantErr(t, err, ErrInvalidArgument)
	_, err = e.ListObjectVersions(ctx, ListVersionsInput{Bucket: "bkt", KeyMarker: "k1", VersionIDMarker: "bad"})
	wantErr(t, err, ErrInvalidArgument)
}

func TestListVersionsDelimiter(t *testing.T) {
	e := newEnv(t)
	e.bucket(t, "bkt")
	e.versioned(t, "bkt", VersioningEnabled)
	for _, k := range []string{"a/1", "a/2", "b", "c/1"} {
		e.put(t, "bkt", k, []byte("x"))
		e.put(t, "bkt", k, []byte("y"))
	}
	res, err := e.ListObjectVersions(ctx, ListVersionsInput{Bucket: "bkt", Delimiter: "/", MaxKeys: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.CommonPrefixes) != 1 || res.CommonPrefixes[0] != "a/" || len(res.Versions) != 1 || res.Versions[0].Key != "b" ||
		!res.IsTruncated || res.NextKeyMarker != "b" {
		t.Fatalf("page 1 %+v", res)
	}
	res, err = e.ListObjectVersions(ctx, ListVersionsInput{Bucket: "bkt", Delimiter: "/", KeyMarker: res.NextKeyMarker,
		VersionIDMarker: res.NextVersionIDMarker, MaxKeys: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Versions) != 1 || res.Versions[0].Key != "b" || res.Versions[0].IsLatest ||
		len(res.CommonPrefixes) != 1 || res.CommonPrefixes[0] != "c/" || res.IsTruncated {
		t.Fatalf("page 2 %+v", res)
	}
}

func TestConditionalDelete(t *testing.T) {
	e := newEnv(t)
	e.bucket(t, "bkt")
	e.versioned(t, "bkt", VersioningEnabled)
	info := e.put(t, "bkt", "k", []byte("abc"))
	bad := int64(9)
	for _, c := range []DeleteConditions{
		{IfMatch: "nope"},
		{IfMatchSize: &bad},
		{IfMatchLastModified: time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC)},
	} {
		_, err := e.DeleteObject(ctx, DeleteInput{Bucket: "bkt", Key: "k", Cond: c})
		wantErr(t, err, ErrPreconditionFailed)
		_, err = e.DeleteObject(ctx, DeleteInput{Bucket: "bkt", Key: "k", VersionID: info.VersionID, Cond: c})
		wantErr(t, err, ErrPreconditionFailed)
	}
	size := int64(3)
	dm, err := e.DeleteObject(ctx, DeleteInput{Bucket: "bkt", Key: "k", Cond: DeleteConditions{
		IfMatch: `"` + info.ETag + `"`, IfMatchSize: &size, IfMatchLastModified: info.LastModified}})
	if err != nil || !dm.DeleteMarker {
		t.Fatalf("matching conditional delete: %+v, %v", dm, err)
	}
	// The latest is now a delete marker: "*" matches it, an ETag does not.
	_, err = e.DeleteObject(ctx, DeleteInput{Bucket: "bkt", Key: "k", Cond: DeleteConditions{IfMatch: info.ETag}})
	wantErr(t, err, ErrPreconditionFailed)
	dm2, err := e.DeleteObject(ctx, DeleteInput{Bucket: "bkt", Key: "k", Cond: DeleteConditions{IfMatch: "*"}})
	wantErr(t, err, nil)
	// Nothing to delete: success whatever the conditions.
	_, err = e.DeleteObject(ctx, DeleteInput{Bucket: "bkt", Key: "none", Cond: DeleteConditions{IfMatch: "nope"}})
	wantErr(t, err, nil)
	// In a batch a failed condition is that key's error only.
	res, err := e.DeleteObjects(ctx, "bkt", []DeleteInput{
		{Bucket: "bkt", Key: "k", VersionID: info.VersionID, Cond: DeleteConditions{IfMatch: "nope"}},
		{Bucket: "bkt", Key: "k", VersionID: dm.VersionID},
		{Bucket: "bkt", Key: "k", VersionID: dm2.VersionID},
	})
	if err != nil || !errors.Is(res[0].Err, ErrPreconditionFailed) || res[1].Err != nil || !res[1].DeleteMarker || !res[2].DeleteMarker {
		t.Fatalf("batch: %+v, %v", res, err)
	}
	if got := e.read(t, "bkt", "k"); string(got) != "abc" {
		t.Fatalf("read %q", got)
	}
}

// Conditional writes compare with the latest non-deleted version: a key
// whose latest is a delete marker can be created with If-None-Match.
func TestIfNoneMatchOverDeleteMarker(t *testing.T) {
	e := newEnv(t)
	e.bucket(t, "bkt")
	e.versioned(t, "bkt", VersioningEnabled)
	e.put(t, "bkt", "k", []byte("x"))
	put := func() error {
		_, err := e.PutObject(ctx, PutInput{Bucket: "bkt", Key: "k", Body: bytes.NewReader([]byte("y")), Size: 1,
			Cond: WriteConditions{IfNoneMatch: "*"}})
		return err
	}
	wantErr(t, put(), ErrPreconditionFailed)
	if _, err := e.DeleteObject(ctx, DeleteInput{Bucket: "bkt", Key: "k"}); err != nil {
		t.Fatal(err)
	}
	wantErr(t, put(), nil)
	wantErr(t, put(), ErrPreconditionFailed)
}
