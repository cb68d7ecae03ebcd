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
			IsTruncated: i%2 == 0, NextMarker: s, ContinuationToken: s, NextContinuationToken: s, StartAfter: s,
		}
		if i%2 == 0 {
			doc.Marker = &s
		} else {
			doc.KeyCount = &count
		}
		for j, k := range hostileStrings {
			e := listEntry{Key: k + s, LastModified: s3Time(time.Unix(int64(j), 0)), ETag: `"` + k + `"`, Size: int64(j - 3), StorageClass: s}
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
			Key: fmt.Sprintf("d%02d/obj-%07d", i%100, i), LastModified: s3Time(time.Now()),
			ETag: `"d41d8cd98f00b204e9800998ecf8427e"`, StorageClass: "STANDARD",
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
