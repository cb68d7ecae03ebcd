package s3api_test

import (
	"encoding/xml"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// oddKeys must round-trip exactly through PUT, GET and listings.
var oddKeys = []string{
	"../up", "a//b", "a/./b", "sp ace", "pct%20lit", "q?mark", "hash#tag", "plus+sign",
	"unicodé/ключ/鍵", "trailing/", "/leading", "amp&eq=", "tilde~star*", "semi;colon",
}

func TestOddKeysRoundTrip(t *testing.T) {
	e := newEnv(t)
	for _, k := range oddKeys {
		e.put(k, "body of "+k)
	}
	for _, k := range oddKeys {
		if got := e.mustGet(k); got != "body of "+k {
			t.Errorf("get %q: %q", k, got)
		}
	}
	var listed []string
	p := s3.NewListObjectsV2Paginator(e.c, &s3.ListObjectsV2Input{Bucket: aws.String(e.bucket), MaxKeys: aws.Int32(3)})
	for p.HasMorePages() {
		page, err := p.NextPage(e.ctx)
		wantNoErr(t, err)
		for _, o := range page.Contents {
			listed = append(listed, aws.ToString(o.Key))
		}
	}
	want := slices.Clone(oddKeys)
	slices.Sort(want)
	if !slices.Equal(listed, want) {
		t.Fatalf("listed %q\nwant %q", listed, want)
	}
	// encoding-type=url: every key comes back encoded and decodes exactly.
	out, err := e.c.ListObjectsV2(e.ctx, &s3.ListObjectsV2Input{Bucket: aws.String(e.bucket), EncodingType: types.EncodingTypeUrl})
	wantNoErr(t, err)
	for i, o := range out.Contents {
		k, err := url.QueryUnescape(aws.ToString(o.Key))
		if err != nil || k != want[i] {
			t.Errorf("encoded key %q decodes to %q, want %q", aws.ToString(o.Key), k, want[i])
		}
	}
}

func TestListDelimiterPaging(t *testing.T) {
	e := newEnv(t)
	keys := []string{"a/1", "a/2", "b", "c/1", "c/2", "c/3", "d", "e/x/y", "f"}
	for _, k := range keys {
		e.put(k, "x")
	}
	var objs, prefixes []string
	pages := 0
	p := s3.NewListObjectsV2Paginator(e.c, &s3.ListObjectsV2Input{Bucket: aws.String(e.bucket), Delimiter: aws.String("/"), MaxKeys: aws.Int32(2)})
	for p.HasMorePages() {
		page, err := p.NextPage(e.ctx)
		wantNoErr(t, err)
		pages++
		if n := len(page.Contents) + len(page.CommonPrefixes); n > 2 || int(aws.ToInt32(page.KeyCount)) != n {
			t.Fatalf("page of %d, KeyCount %d", n, aws.ToInt32(page.KeyCount))
		}
		for _, o := range page.Contents {
			objs = append(objs, aws.ToString(o.Key))
		}
		for _, c := range page.CommonPrefixes {
			prefixes = append(prefixes, aws.ToString(c.Prefix))
		}
	}
	if strings.Join(objs, ",") != "b,d,f" || strings.Join(prefixes, ",") != "a/,c/,e/" || pages != 3 {
		t.Fatalf("objects %v prefixes %v pages %d", objs, prefixes, pages)
	}
	out, err := e.c.ListObjectsV2(e.ctx, &s3.ListObjectsV2Input{Bucket: aws.String(e.bucket), StartAfter: aws.String("c/2"), Prefix: aws.String("c/")})
	wantNoErr(t, err)
	if len(out.Contents) != 1 || aws.ToString(out.Contents[0].Key) != "c/3" || aws.ToString(out.StartAfter) != "c/2" {
		t.Fatalf("start-after: %+v", out.Contents)
	}
	if out.Contents[0].Owner != nil {
		t.Fatal("owner without fetch-owner")
	}
	out, err = e.c.ListObjectsV2(e.ctx, &s3.ListObjectsV2Input{Bucket: aws.String(e.bucket), FetchOwner: aws.Bool(true), MaxKeys: aws.Int32(1)})
	wantNoErr(t, err)
	if out.Contents[0].Owner == nil || aws.ToString(out.Contents[0].Owner.ID) == "" || !aws.ToBool(out.IsTruncated) ||
		out.Contents[0].StorageClass != types.ObjectStorageClassStandard || aws.ToString(out.Contents[0].ETag) == "" {
		t.Fatalf("fetch-owner: %+v", out.Contents[0])
	}
	out, err = e.c.ListObjectsV2(e.ctx, &s3.ListObjectsV2Input{Bucket: aws.String(e.bucket), MaxKeys: aws.Int32(0)})
	wantNoErr(t, err)
	if len(out.Contents) != 0 || aws.ToInt32(out.KeyCount) != 0 {
		t.Fatalf("max-keys=0: %+v", out)
	}
}

func TestListObjectsV1(t *testing.T) {
	e := newEnv(t)
	for _, k := range []string{"a/1", "a/2", "b", "c"} {
		e.put(k, "x")
	}
	out, err := e.c.ListObjects(e.ctx, &s3.ListObjectsInput{Bucket: aws.String(e.bucket), MaxKeys: aws.Int32(2)})
	wantNoErr(t, err)
	if len(out.Contents) != 2 || !aws.ToBool(out.IsTruncated) || out.NextMarker != nil || out.Contents[0].Owner == nil {
		t.Fatalf("v1 page: %+v", out)
	}
	out, err = e.c.ListObjects(e.ctx, &s3.ListObjectsInput{Bucket: aws.String(e.bucket), Marker: aws.String("a/2")})
	wantNoErr(t, err)
	if len(out.Contents) != 2 || aws.ToString(out.Contents[0].Key) != "b" || aws.ToString(out.Marker) != "a/2" {
		t.Fatalf("v1 marker: %+v", out)
	}
	out, err = e.c.ListObjects(e.ctx, &s3.ListObjectsInput{Bucket: aws.String(e.bucket), Delimiter: aws.String("/"), MaxKeys: aws.Int32(1)})
	wantNoErr(t, err)
	if len(out.CommonPrefixes) != 1 || aws.ToString(out.NextMarker) != "a/" || !aws.ToBool(out.IsTruncated) {
		t.Fatalf("v1 delimiter: %+v", out)
	}
	out, err = e.c.ListObjects(e.ctx, &s3.ListObjectsInput{Bucket: aws.String(e.bucket), Delimiter: aws.String("/"), Marker: aws.String("a/")})
	wantNoErr(t, err)
	if len(out.CommonPrefixes) != 0 || len(out.Contents) != 2 {
		t.Fatalf("v1 after prefix marker: %+v", out)
	}
}

func TestListEncodingURL(t *testing.T) {
	e := newEnv(t)
	e.put("dir one/sp ace+plus", "x")
	r := e.signedDo("GET", "/"+e.bucket+"?list-type=2&encoding-type=url&delimiter=%20&prefix=dir%20&start-after=dir%20", nil, nil)
	var doc struct {
		Prefix, Delimiter, StartAfter, EncodingType string
		Contents                                    []struct{ Key string }
		CommonPrefixes                              []struct{ Prefix string }
	}
	if err := xml.Unmarshal(r.body, &doc); err != nil || r.status != 200 {
		t.Fatalf("%d %s %v", r.status, r.body, err)
	}
	if doc.Prefix != "dir+" || doc.Delimiter != "+" || doc.StartAfter != "dir+" || doc.EncodingType != "url" ||
		len(doc.CommonPrefixes) != 1 || doc.CommonPrefixes[0].Prefix != "dir+one/sp+" {
		t.Fatalf("encoded listing: %s", r.body)
	}
	e.signedDo("GET", "/"+e.bucket+"?list-type=2&encoding-type=base64", nil, nil).wantError(t, 400, "InvalidArgument")
}

func TestListErrors(t *testing.T) {
	e := newEnv(t)
	for _, q := range []string{"max-keys=-1", "max-keys=abc", "continuation-token=garbage%21", "continuation-token=AA"} {
		e.signedDo("GET", "/"+e.bucket+"?list-type=2&"+q, nil, nil).wantError(t, 400, "InvalidArgument")
	}
	e.signedDo("GET", "/"+e.bucket+"?max-keys=-5", nil, nil).wantError(t, 400, "InvalidArgument")
	_, err := e.c.ListObjectsV2(e.ctx, &s3.ListObjectsV2Input{Bucket: aws.String("no-such-bucket")})
	wantCode(t, err, "NoSuchBucket")
	r := e.signedDo("GET", "/"+e.bucket+"?list-type=2&max-keys=5000", nil, nil)
	if r.status != 200 || !strings.Contains(string(r.body), "<MaxKeys>1000</MaxKeys>") ||
		!strings.Contains(string(r.body), `<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">`) {
		t.Fatalf("max-keys clamp: %d %s", r.status, r.body)
	}
}

// TestListEmptyContinuationToken: an empty token lists from the start and
// is echoed back.
func TestListEmptyContinuationToken(t *testing.T) {
	e := newEnv(t)
	e.put("a", "x")
	e.put("b", "x")
	r := e.signedDo("GET", "/"+e.bucket+"?list-type=2&continuation-token=", nil, nil)
	if r.status != 200 || !strings.Contains(string(r.body), "<ContinuationToken></ContinuationToken>") ||
		!strings.Contains(string(r.body), "<Key>a</Key>") || !strings.Contains(string(r.body), "<Key>b</Key>") {
		t.Fatalf("empty token: %d %s", r.status, r.body)
	}
	if r := e.signedDo("GET", "/"+e.bucket+"?list-type=2", nil, nil); strings.Contains(string(r.body), "ContinuationToken") {
		t.Fatalf("a listing without a token echoes one: %s", r.body)
	}
}
