package object

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/hoard-s3/hoard/internal/meta"
)

var listKeys = []string{
	"a", "a/1", "a/2", "a/b/1", "a/b/2", "b", "b/1", "c/", "c//d", "c//e",
	"../x", "..//y", "./z", "é/1", "é/2", "éa", "日/1", "日本", "日本/語", "z", "z-1", "z/",
}

// refList is the specification: a scan over every key, rolling keys up
// into common prefixes; entries at or before After are not returned.
func refList(keys []string, in ListInput) *ListResult {
	sorted := append([]string(nil), keys...)
	sort.Strings(sorted)
	res := &ListResult{Objects: []ListedObject{}, CommonPrefixes: []string{}}
	max := in.MaxKeys
	if max < 0 || max > MaxListKeys {
		max = MaxListKeys
	}
	n, last := 0, ""
	for _, k := range sorted {
		if !strings.HasPrefix(k, in.Prefix) || k <= in.After {
			continue
		}
		entry, isPrefix := k, false
		if in.Delimiter != "" {
			if i := strings.Index(k[len(in.Prefix):], in.Delimiter); i >= 0 {
				entry, isPrefix = k[:len(in.Prefix)+i+len(in.Delimiter)], true
				if entry <= in.After || entry == last {
					continue
				}
			}
		}
		if n == max {
			res.IsTruncated, res.NextMarker = true, last
			break
		}
		if isPrefix {
			res.CommonPrefixes = append(res.CommonPrefixes, entry)
		} else {
			res.Objects = append(res.Objects, ListedObject{Key: k})
		}
		n, last = n+1, entry
	}
	return res
}

func keysOf(r *ListResult) []string {
	out := []string{}
	for _, o := range r.Objects {
		out = append(out, o.Key)
	}
	return out
}

func TestListObjectsExamples(t *testing.T) {
	e := newEnv(t)
	e.bucket(t, "bkt")
	e.bucket(t, "bkt-2")
	for _, k := range listKeys {
		e.put(t, "bkt", k, []byte(k))
	}
	e.put(t, "bkt-2", "a/zzz", []byte("other bucket"))
	tests := []struct {
		in       ListInput
		objects  []string
		prefixes []string
		next     string
	}{
		{ListInput{Prefix: "a/", Delimiter: "/"}, []string{"a/1", "a/2"}, []string{"a/b/"}, ""},
		{ListInput{Prefix: "a/b/"}, []string{"a/b/1", "a/b/2"}, []string{}, ""},
		{ListInput{Delimiter: "/", MaxKeys: 4}, []string{"a"}, []string{"../", "./", "a/"}, "a/"},
		{ListInput{Delimiter: "/", After: "a", MaxKeys: 3}, []string{"b"}, []string{"a/", "b/"}, "b/"},
		{ListInput{Delimiter: "/", After: "a/"}, []string{"b", "z", "z-1", "éa", "日本"}, []string{"b/", "c/", "z/", "é/", "日/", "日本/"}, ""},
		{ListInput{Delimiter: "/", After: "a/b/1"}, []string{"b", "z", "z-1", "éa", "日本"}, []string{"b/", "c/", "z/", "é/", "日/", "日本/"}, ""},
		{ListInput{Prefix: "c/", Delimiter: "/"}, []string{"c/"}, []string{"c//"}, ""},
		{ListInput{Prefix: "..", Delimiter: "/"}, []string{}, []string{"../"}, ""},
		{ListInput{Prefix: "../", Delimiter: "/"}, []string{"../x"}, []string{"..//"}, ""},
		{ListInput{Prefix: "é", Delimiter: "/"}, []string{"éa"}, []string{"é/"}, ""},
		{ListInput{Prefix: "日", Delimiter: "本"}, []string{"日/1"}, []string{"日本"}, ""},
		{ListInput{Prefix: "a", After: "zzz"}, []string{}, []string{}, ""},
		{ListInput{Prefix: "zz"}, []string{}, []string{}, ""},
		{ListInput{MaxKeys: 0}, []string{}, []string{}, ""},
		{ListInput{Delimiter: "//"}, []string{"../x", "./z", "a", "a/1", "a/2", "a/b/1", "a/b/2", "b", "b/1", "c/", "z", "z-1", "z/", "é/1", "é/2", "éa", "日/1", "日本", "日本/語"}, []string{"..//", "c//"}, ""},
	}
	for _, tt := range tests {
		in := tt.in
		in.Bucket = "bkt"
		if in.MaxKeys == 0 && tt.next == "" && len(tt.objects)+len(tt.prefixes) > 0 {
			in.MaxKeys = 1000
		}
		res, err := e.ListObjects(ctx, in)
		if err != nil {
			t.Fatalf("%+v: %v", in, err)
		}
		if got := keysOf(res); !reflect.DeepEqual(got, tt.objects) || !reflect.DeepEqual(res.CommonPrefixes, tt.prefixes) ||
			res.NextMarker != tt.next || res.IsTruncated != (tt.next != "") {
			t.Errorf("%+v:\n got %q %q truncated=%v next=%q\nwant %q %q next=%q", in, got, res.CommonPrefixes, res.IsTruncated, res.NextMarker, tt.objects, tt.prefixes, tt.next)
		}
	}
	_, err := e.ListObjects(ctx, ListInput{Bucket: "nope"})
	wantErr(t, err, ErrNoSuchBucket)
}

// Every combination of prefix, delimiter, start and page size agrees with
// the reference, and paging with NextMarker visits each entry exactly once.
func TestListObjectsAgainstReference(t *testing.T) {
	e := newEnv(t)
	e.bucket(t, "bkt")
	for _, k := range listKeys {
		e.put(t, "bkt", k, nil)
	}
	prefixes := []string{"", "a", "a/", "c/", "..", "é", "日", "zz"}
	delims := []string{"", "/", "//", "本", "1"}
	afters := append([]string{"", "a/", "a/b", "c//", "é", "\xff"}, listKeys...)
	for _, p := range prefixes {
		for _, d := range delims {
			for _, a := range afters {
				for _, m := range []int{1, 2, 3, 1000, -1} {
					in := ListInput{Bucket: "bkt", Prefix: p, Delimiter: d, After: a, MaxKeys: m}
					got, err := e.ListObjects(ctx, in)
					if err != nil {
						t.Fatal(err)
					}
					want := refList(listKeys, in)
					if !reflect.DeepEqual(keysOf(got), keysOf(want)) || !reflect.DeepEqual(got.CommonPrefixes, want.CommonPrefixes) ||
						got.IsTruncated != want.IsTruncated || got.NextMarker != want.NextMarker {
						t.Fatalf("%+v:\n got %q %q %v %q\nwant %q %q %v %q", in, keysOf(got), got.CommonPrefixes, got.IsTruncated, got.NextMarker,
							keysOf(want), want.CommonPrefixes, want.IsTruncated, want.NextMarker)
					}
				}
			}
			checkPaging(t, e, ListInput{Bucket: "bkt", Prefix: p, Delimiter: d})
		}
	}
}

func checkPaging(t *testing.T, e *testEnv, in ListInput) {
	t.Helper()
	all := refList(listKeys, ListInput{Prefix: in.Prefix, Delimiter: in.Delimiter, MaxKeys: 1000})
	var objs, cps []string
	for page := 0; ; page++ {
		in.MaxKeys = 2
		res, err := e.ListObjects(ctx, in)
		if err != nil || page > len(listKeys) {
			t.Fatalf("paging %+v: %v", in, err)
		}
		objs, cps = append(objs, keysOf(res)...), append(cps, res.CommonPrefixes...)
		if !res.IsTruncated {
			break
		}
		in.After = res.NextMarker
	}
	if !reflect.DeepEqual(append([]string{}, objs...), keysOf(all)) || !reflect.DeepEqual(append([]string{}, cps...), all.CommonPrefixes) {
		t.Fatalf("paging %+v: got %q %q want %q %q", in, objs, cps, keysOf(all), all.CommonPrefixes)
	}
}

// countingStore counts iterator positioning calls, to show that a
// delimiter listing seeks over a common prefix instead of walking it.
type countingStore struct {
	meta.Store
	moves int
}

func (c *countingStore) NewIter(ctx context.Context, lo, hi []byte) (meta.Iterator, error) {
	it, err := c.Store.NewIter(ctx, lo, hi)
	return &countingIter{Iterator: it, n: &c.moves}, err
}

type countingIter struct {
	meta.Iterator
	n *int
}

func (c *countingIter) First() bool          { *c.n++; return c.Iterator.First() }
func (c *countingIter) Next() bool           { *c.n++; return c.Iterator.Next() }
func (c *countingIter) SeekGE(k []byte) bool { *c.n++; return c.Iterator.SeekGE(k) }

func TestListDelimiterSeeks(t *testing.T) {
	e := newEnv(t)
	e.bucket(t, "bkt")
	fill(t, e.meta, "bkt", 20, 200)
	cs := &countingStore{Store: e.meta}
	e.meta = cs
	res, err := e.ListObjects(ctx, ListInput{Bucket: "bkt", Delimiter: "/", MaxKeys: 1000})
	if err != nil || len(res.CommonPrefixes) != 20 {
		t.Fatalf("%d prefixes, %v", len(res.CommonPrefixes), err)
	}
	if cs.moves > 21 {
		t.Fatalf("%d iterator moves for 20 common prefixes over 4000 keys", cs.moves)
	}
}

// fill writes prefixes*perPrefix small object records directly, in large
// transactions, so benchmarks can set up many keys quickly.
func fill(tb testing.TB, m meta.Store, bucket string, prefixes, perPrefix int) {
	tb.Helper()
	val := (&record{VersionID: NullVersion, Size: 1, ETag: make([]byte, 16), Inline: []byte("x")}).encode()
	for p := range prefixes {
		err := m.Update(ctx, func(tx meta.Txn) error {
			for i := range perPrefix {
				if err := tx.Set(objectKey(bucket, fmt.Sprintf("dir%03d/obj%06d", p, i)), val); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
}

// BenchmarkListDelimiter lists one page of common prefixes from a bucket
// of 1,000 keys and from one of 100,000 keys, both in 100 prefixes. The
// cost per page should be about the same: each prefix is one seek.
func BenchmarkListDelimiter(b *testing.B) {
	for _, total := range []int{1_000, 100_000} {
		b.Run(fmt.Sprintf("keys=%d", total), func(b *testing.B) {
			e := newEnv(b)
			e.bucket(b, "bkt")
			fill(b, e.meta, "bkt", 100, total/100)
			b.ResetTimer()
			for b.Loop() {
				res, err := e.ListObjects(ctx, ListInput{Bucket: "bkt", Delimiter: "/", MaxKeys: 1000})
				if err != nil || len(res.CommonPrefixes) != 100 {
					b.Fatalf("%d prefixes, %v", len(res.CommonPrefixes), err)
				}
			}
		})
	}
}
