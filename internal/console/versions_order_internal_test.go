package console

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// A page where a noncurrent delete marker sits between two versions of
// one key, all in the same millisecond: only the response's own order
// tells where the marker goes.
const tiedVersions = `<?xml version="1.0" encoding="UTF-8"?>
<ListVersionsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>b</Name><Prefix></Prefix><KeyMarker></KeyMarker>
<VersionIdMarker></VersionIdMarker><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>
<Version><Key>k</Key><VersionId>v3</VersionId><IsLatest>true</IsLatest><LastModified>2026-12-04T10:00:00.000Z</LastModified><ETag>"e"</ETag><Size>3</Size><Owner><ID>o</ID></Owner><StorageClass>STANDARD</StorageClass></Version>
<DeleteMarker><Key>k</Key><VersionId>m2</VersionId><IsLatest>false</IsLatest><LastModified>2026-12-04T10:00:00.000Z</LastModified><Owner><ID>o</ID></Owner></DeleteMarker>
<Version><Key>k</Key><VersionId>v1</VersionId><IsLatest>false</IsLatest><LastModified>2026-12-04T10:00:00.000Z</LastModified><ETag>"e"</ETag><Size>1</Size><Owner><ID>o</ID></Owner><StorageClass>STANDARD</StorageClass></Version>
<DeleteMarker><Key>l</Key><VersionId>m9</VersionId><IsLatest>true</IsLatest><LastModified>2026-12-04T09:00:00.000Z</LastModified><Owner><ID>o</ID></Owner></DeleteMarker>
<CommonPrefixes><Prefix>p/</Prefix></CommonPrefixes></ListVersionsResult>`

func TestListVersionsKeepsResponseOrder(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/xml")
		_, _ = w.Write([]byte(tiedVersions))
	}))
	defer srv.Close()
	cl := s3.New(s3.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), UsePathStyle: true,
		Credentials: credentials.NewStaticCredentialsProvider("AK", "SK", "")})
	entries, out, err := fetchVersions(context.Background(), cl, &s3.ListObjectVersionsInput{Bucket: aws.String("b")})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Key+"/"+e.VersionID)
	}
	if strings.Join(got, " ") != "k/v3 k/m2 k/v1 l/m9" {
		t.Fatalf("order %v, want the response's", got)
	}
	if len(out.CommonPrefixes) != 1 {
		t.Fatalf("the SDK's own decoding suffered: %+v", out)
	}
	// Sorting alone cannot know: it puts the tied marker last.
	var sorted []string
	for _, e := range mergeVersions(out) {
		sorted = append(sorted, e.VersionID)
	}
	if strings.Join(sorted, " ") != "v3 v1 m2 m9" {
		t.Fatalf("fallback order %v", sorted)
	}
}

func TestMarkerOrder(t *testing.T) {
	for _, tc := range []struct {
		doc  string
		want string
		bad  bool
	}{
		{tiedVersions, "VDVD", false},
		{`<ListVersionsResult></ListVersionsResult>`, "", false},
		// Nested elements named like entries are not entries.
		{`<R><Owner><Version/></Owner><DeleteMarker><Version/></DeleteMarker></R>`, "D", false},
		{`<R><Version>`, "", true},
	} {
		order, err := markerOrder([]byte(tc.doc))
		var s strings.Builder
		for _, m := range order {
			if m {
				s.WriteByte('D')
			} else {
				s.WriteByte('V')
			}
		}
		if (err != nil) != tc.bad || !tc.bad && s.String() != tc.want {
			t.Errorf("%.40q: %q %v, want %q (error %v)", tc.doc, s.String(), err, tc.want, tc.bad)
		}
	}
}
