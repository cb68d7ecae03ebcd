package s3api

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"testing"
	"time"
)

// hostileStrings cover every escaping branch: markup characters, control
// characters, invalid UTF-8, surrogates, non-characters and astral runes.
var hostileStrings = []string{
	"", "plain/key.txt", `a"b'c&d<e>f`, "tab\tnl\ncr\r", "\x00\x01\x1f\x7f",
	"\xff\xfe", "caf\xc3", "\xed\xa0\x80", "\uFFFE\uFFFF", "\uFFFD", "𝄞 music", "日本語/キー",
	"]]>", "&amp;", "a\u2028b", "\xf4\x90\x80\x80",
}

func reflectXML(t testing.TB, v any) []byte {
	var buf bytes.Buffer
	buf.WriteString(xmlHeader)
	if err := xml.NewEncoder(&buf).Encode(v); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func hostileListDocs() []*listBucketResult {
	var docs []*listBucketResult
	for i, s := range hostileStrings {
		count := i
		doc := &listBucketResult{
			NS: s3NS, Name: "bucket" + s, Prefix: s, MaxKeys: i, Delimiter: s, EncodingType: s,
			IsTruncated: i%2 == 0, NextMarker: s, NextContinuationToken: s, StartAfter: s,
		}
		if i%2 == 0 {
			doc.Marker = &s
		} else {
			doc.ContinuationToken = &s
			doc.KeyCount = &count
		}
		for j, k := range hostileStrings {
			e := listEntry{Key: k + s, LastModified: s3Timestamp(time.Unix(int64(j)*1_000_003_001, int64(j)*7_654_321)), ETag: etagText(k), Size: int64(j - 3), StorageClass: s}
			if j%3 == 0 {
				e.Owner = &owner{ID: k, DisplayName: s}
			}
			if j%2 == 0 {
				e.ChecksumAlgorithm, e.ChecksumType = k, s
			}
			doc.Contents = append(doc.Contents, e)
			doc.CommonPrefixes = append(doc.CommonPrefixes, commonPrefix{Prefix: s + k})
		}
		docs = append(docs, doc, &listBucketResult{NS: s3NS, Name: s})
	}
	return docs
}

func TestAppendS3Time(t *testing.T) {
	times := []time.Time{time.Unix(0, 0), time.Date(9999, 12, 31, 23, 59, 59, 999_999_999, time.UTC),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2026, 2, 3, 4, 5, 6, 7_000_000, time.FixedZone("x", -5*3600))}
	for i := int64(0); i < 2000; i++ {
		times = append(times, time.Unix(i*987_654_321, i*123_457))
	}
	for _, tm := range times {
		if got, want := string(appendS3Time(nil, tm)), tm.UTC().Format(s3TimeLayout); got != want {
			t.Fatalf("%v: got %q, want %q", tm, got, want)
		}
	}
}

func TestListXMLMatchesEncodingXML(t *testing.T) {
	for i, doc := range hostileListDocs() {
		want := reflectXML(t, doc)
		got, err := encodeXML(doc)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("doc %d differs:\n got %q\nwant %q", i, got, want)
		}
	}
}

func FuzzListXMLEscaping(f *testing.F) {
	for _, s := range hostileStrings {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		doc := &listBucketResult{NS: s3NS, Name: s, Prefix: s, Contents: []listEntry{{Key: s, Owner: &owner{ID: s, DisplayName: s}}}}
		got, _ := encodeXML(doc)
		if want := reflectXML(t, doc); !bytes.Equal(got, want) {
			t.Fatalf("differs for %q:\n got %q\nwant %q", s, got, want)
		}
	})
}

func benchListDoc() *listBucketResult {
	count := 1000
	doc := &listBucketResult{NS: s3NS, Name: "bench", KeyCount: &count, MaxKeys: 1000, IsTruncated: true, NextContinuationToken: encodeToken("d07/obj-0001000")}
	for i := 0; i < 1000; i++ {
		doc.Contents = append(doc.Contents, listEntry{
			Key: fmt.Sprintf("d%02d/obj-%07d", i%100, i), LastModified: s3Timestamp(time.Now()),
			ETag: "d41d8cd98f00b204e9800998ecf8427e", StorageClass: "STANDARD",
		})
	}
	return doc
}

// BenchmarkListXML renders a 1,000-entry ListObjectsV2 page.
func BenchmarkListXML(b *testing.B) {
	doc := benchListDoc()
	b.Run("handwritten", func(b *testing.B) {
		for b.Loop() {
			if _, err := encodeXML(doc); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding-xml", func(b *testing.B) {
		for b.Loop() {
			reflectXML(b, doc)
		}
	})
}

// The size hint must cover a typical page, so that rendering it allocates
// the buffer once instead of regrowing it.
func TestListXMLSizeHint(t *testing.T) {
	doc := benchListDoc()
	for i := range doc.Contents {
		doc.Contents[i].ChecksumAlgorithm, doc.Contents[i].ChecksumType = "CRC64NVME", "FULL_OBJECT"
		doc.Contents[i].Size = 1 << 40
	}
	got, err := encodeXML(doc)
	if err != nil {
		t.Fatal(err)
	}
	if hint := doc.xmlSizeHint() + len(xmlHeader); len(got) > hint {
		t.Fatalf("page of %d bytes, hint %d", len(got), hint)
	}
}
