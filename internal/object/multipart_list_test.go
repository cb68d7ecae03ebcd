package object

import (
	"reflect"
	"testing"
	"time"

	"github.com/hoard-s3/hoard/internal/checksum"
)

func TestListParts(t *testing.T) {
	e := newMPEnv(t)
	id := e.create(t, "k", checksum.SHA256, "")
	nums := []int{1, 2, 3, 5, 8, 13, 21, 10000}
	for _, n := range nums {
		e.part(t, "k", id, n, randBytes(n%50+1))
	}
	var got []int
	marker := 0
	for pages := 0; ; pages++ {
		res, err := e.ListParts(ctx, ListPartsInput{Bucket: "bkt", Key: "k", UploadID: id, MaxParts: 3, PartNumberMarker: marker})
		if err != nil {
			t.Fatal(err)
		}
		if res.Upload.UploadID != id || res.Upload.ChecksumAlgorithm != checksum.SHA256 || res.Upload.ChecksumType != ChecksumComposite || res.MaxParts != 3 || res.PartNumberMarker != marker {
			t.Fatalf("page %+v", res)
		}
		for _, p := range res.Parts {
			if p.Size != int64(p.PartNumber%50+1) || p.ETag == "" || p.Checksum.Algorithm != checksum.SHA256 || p.LastModified.IsZero() {
				t.Fatalf("part %+v", p)
			}
			got = append(got, p.PartNumber)
		}
		if !res.IsTruncated {
			break
		}
		if res.NextPartNumberMarker != res.Parts[len(res.Parts)-1].PartNumber {
			t.Fatalf("next marker %d", res.NextPartNumberMarker)
		}
		marker = res.NextPartNumberMarker
		if pages > 5 {
			t.Fatal("paging does not end")
		}
	}
	if !reflect.DeepEqual(got, nums) {
		t.Fatalf("parts %v, want %v", got, nums)
	}
	for _, tt := range []struct {
		in   ListPartsInput
		want error
	}{
		{ListPartsInput{Bucket: "bkt", Key: "k", UploadID: id, MaxParts: -1}, ErrInvalidArgument},
		{ListPartsInput{Bucket: "bkt", Key: "k", UploadID: id, PartNumberMarker: -1}, ErrInvalidArgument},
		{ListPartsInput{Bucket: "bkt", Key: "other", UploadID: id}, ErrNoSuchUpload},
		{ListPartsInput{Bucket: "nope", Key: "k", UploadID: id}, ErrNoSuchBucket},
		{ListPartsInput{Bucket: "bkt", Key: "k", UploadID: "x"}, ErrNoSuchUpload},
	} {
		_, err := e.ListParts(ctx, tt.in)
		wantErr(t, err, tt.want)
	}
	res, err := e.ListParts(ctx, ListPartsInput{Bucket: "bkt", Key: "k", UploadID: id, PartNumberMarker: 10000})
	if err != nil || len(res.Parts) != 0 || res.IsTruncated {
		t.Fatalf("past the last part: %+v, %v", res, err)
	}
}

type uploadRef struct{ Key, ID string }

func TestListMultipartUploads(t *testing.T) {
	e := newMPEnv(t)
	ids := map[string][]string{}
	// Two uploads of "b" initiated at different times; ids sort by time.
	for _, k := range []string{"b", "a/1", "a/2", "b", "c/x/y", "d"} {
		ids[k] = append(ids[k], e.create(t, k, "", ""))
		e.clock.Advance(time.Second)
	}
	refs := func(r *ListUploadsResult) []uploadRef {
		out := []uploadRef{}
		for _, u := range r.Uploads {
			out = append(out, uploadRef{u.Key, u.UploadID})
		}
		return out
	}
	list := func(in ListUploadsInput) *ListUploadsResult {
		t.Helper()
		in.Bucket = "bkt"
		r, err := e.ListMultipartUploads(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	all := []uploadRef{{"a/1", ids["a/1"][0]}, {"a/2", ids["a/2"][0]}, {"b", ids["b"][0]}, {"b", ids["b"][1]}, {"c/x/y", ids["c/x/y"][0]}, {"d", ids["d"][0]}}
	if got := refs(list(ListUploadsInput{})); !reflect.DeepEqual(got, all) {
		t.Fatalf("all: %v", got)
	}
	r := list(ListUploadsInput{Prefix: "a/"})
	if got := refs(r); !reflect.DeepEqual(got, all[:2]) || r.IsTruncated {
		t.Fatalf("prefix: %v", got)
	}
	r = list(ListUploadsInput{Delimiter: "/"})
	if got := refs(r); !reflect.DeepEqual(got, []uploadRef{all[2], all[3], all[5]}) || !reflect.DeepEqual(r.CommonPrefixes, []string{"a/", "c/"}) {
		t.Fatalf("delimiter: %v %v", r.Uploads, r.CommonPrefixes)
	}
	r = list(ListUploadsInput{KeyMarker: "b"})
	if got := refs(r); !reflect.DeepEqual(got, all[4:]) {
		t.Fatalf("key-marker: %v", got)
	}
	r = list(ListUploadsInput{KeyMarker: "b", UploadIDMarker: ids["b"][0]})
	if got := refs(r); !reflect.DeepEqual(got, all[3:]) {
		t.Fatalf("upload-id-marker: %v", got)
	}
	r = list(ListUploadsInput{UploadIDMarker: ids["b"][0]}) // ignored without key-marker
	if got := refs(r); !reflect.DeepEqual(got, all) {
		t.Fatalf("upload-id-marker alone: %v", got)
	}
	r = list(ListUploadsInput{KeyMarker: "a/", Delimiter: "/"}) // marker inside a common prefix skips it
	if got := refs(r); !reflect.DeepEqual(got, []uploadRef{all[2], all[3], all[5]}) || !reflect.DeepEqual(r.CommonPrefixes, []string{"c/"}) {
		t.Fatalf("marker in prefix: %v %v", got, r.CommonPrefixes)
	}
	// Paging two at a time with the Next markers walks everything once.
	var got []uploadRef
	var prefixes []string
	in := ListUploadsInput{MaxUploads: 2, Delimiter: "/"}
	for pages := 0; ; pages++ {
		r := list(in)
		got = append(got, refs(r)...)
		prefixes = append(prefixes, r.CommonPrefixes...)
		if len(r.Uploads)+len(r.CommonPrefixes) > 2 {
			t.Fatalf("page too large: %+v", r)
		}
		if !r.IsTruncated {
			break
		}
		in.KeyMarker, in.UploadIDMarker = r.NextKeyMarker, r.NextUploadIDMarker
		if pages > 10 {
			t.Fatal("paging does not end")
		}
	}
	if !reflect.DeepEqual(got, []uploadRef{all[2], all[3], all[5]}) || !reflect.DeepEqual(prefixes, []string{"a/", "c/"}) {
		t.Fatalf("paged: %v %v", got, prefixes)
	}
	_, err := e.ListMultipartUploads(ctx, ListUploadsInput{Bucket: "nope"})
	wantErr(t, err, ErrNoSuchBucket)
	_, err = e.ListMultipartUploads(ctx, ListUploadsInput{Bucket: "bkt", MaxUploads: -1})
	wantErr(t, err, ErrInvalidArgument)
	// Completed and aborted uploads leave the listing.
	p := e.part(t, "d", ids["d"][0], 1, []byte("x"))
	e.complete(t, "d", ids["d"][0], p)
	if err := e.AbortMultipartUpload(ctx, "bkt", "a/1", ids["a/1"][0]); err != nil {
		t.Fatal(err)
	}
	if got := refs(list(ListUploadsInput{})); !reflect.DeepEqual(got, all[1:5]) {
		t.Fatalf("after complete and abort: %v", got)
	}
}
