package s3api

import (
	"bytes"
	"encoding/xml"
	"testing"
	"time"
)

func TestVersionsXMLMatchesReflection(t *testing.T) {
	for i, s := range hostileStrings {
		doc := &listVersionsResult{
			NS: s3NS, Name: "bucket" + s, Prefix: s, KeyMarker: s, VersionIdMarker: s, MaxKeys: i,
			Delimiter: s, EncodingType: s, IsTruncated: i%2 == 0, NextKeyMarker: s, NextVersionIdMarker: s,
		}
		for j, k := range hostileStrings {
			e := versionEntry{XMLName: xml.Name{Local: "Version"}, Key: k + s, VersionId: s, IsLatest: j%2 == 0,
				LastModified: s3Timestamp(time.Unix(int64(j)*1_000_003_001, int64(j)*7_654_321)), Owner: owner{ID: k, DisplayName: s}}
			if j%3 == 0 {
				e.XMLName.Local = "DeleteMarker"
			} else {
				tag, size := etagText(k), int64(j-2)
				e.ETag, e.Size, e.StorageClass, e.ChecksumAlgorithm, e.ChecksumType = &tag, &size, s, k, s
			}
			doc.Entries = append(doc.Entries, e)
			doc.CommonPrefixes = append(doc.CommonPrefixes, commonPrefix{Prefix: s + k})
		}
		for _, d := range []*listVersionsResult{doc, {NS: s3NS, Name: s}} {
			got, err := encodeXML(d)
			if err != nil {
				t.Fatal(err)
			}
			if want := reflectXML(t, d); !bytes.Equal(got, want) {
				t.Fatalf("hand-written XML differs:\n got %s\nwant %s", got, want)
			}
		}
	}
}
