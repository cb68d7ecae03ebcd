package s3api_test

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

func TestPutGetHeadMetadata(t *testing.T) {
	e := newEnv(t)
	exp := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	out := e.put("dir/obj.txt", "hello world", func(in *s3.PutObjectInput) {
		in.ContentType = aws.String("text/plain")
		in.ContentEncoding = aws.String("identity")
		in.ContentDisposition = aws.String(`attachment; filename="a.txt"`)
		in.ContentLanguage = aws.String("de")
		in.CacheControl = aws.String("max-age=60")
		in.Expires = aws.Time(exp)
		in.Metadata = map[string]string{"Color": "blue", "x": "1"}
		in.Tagging = aws.String("a=1&b=two%20words")
	})
	sum := md5.Sum([]byte("hello world"))
	etag := `"` + hex.EncodeToString(sum[:]) + `"`
	if aws.ToString(out.ETag) != etag || out.VersionId != nil {
		t.Fatalf("put etag %q version %v", aws.ToString(out.ETag), out.VersionId)
	}
	got, body, err := e.get("dir/obj.txt")
	wantNoErr(t, err)
	if body != "hello world" || aws.ToString(got.ETag) != etag || aws.ToString(got.ContentType) != "text/plain" ||
		aws.ToString(got.ContentEncoding) != "identity" || aws.ToString(got.ContentDisposition) != `attachment; filename="a.txt"` ||
		aws.ToString(got.ContentLanguage) != "de" || aws.ToString(got.CacheControl) != "max-age=60" ||
		aws.ToString(got.AcceptRanges) != "bytes" || aws.ToInt32(got.TagCount) != 2 ||
		got.Metadata["color"] != "blue" || got.Metadata["x"] != "1" || aws.ToInt64(got.ContentLength) != 11 {
		t.Fatalf("get: %q %+v", body, got)
	}
	if got.ExpiresString == nil || !strings.Contains(*got.ExpiresString, "2030") {
		t.Fatalf("expires %v", got.ExpiresString)
	}
	if got.StorageClass != "" {
		t.Fatalf("storage class %q sent for STANDARD", got.StorageClass)
	}
	head, err := e.c.HeadObject(e.ctx, &s3.HeadObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("dir/obj.txt")})
	wantNoErr(t, err)
	if aws.ToInt64(head.ContentLength) != 11 || aws.ToString(head.ETag) != etag || head.LastModified == nil {
		t.Fatalf("head %+v", head)
	}
	r := e.signedDo("GET", "/"+e.bucket+"/dir/obj.txt", nil, nil)
	if lm := r.header.Get("Last-Modified"); !strings.HasSuffix(lm, " GMT") || r.header.Get("Server") != "" {
		t.Fatalf("Last-Modified %q Server %q", lm, r.header.Get("Server"))
	}
	if r.header.Get("X-Amz-Request-Id") == "" || r.header.Get("X-Amz-Id-2") == "" {
		t.Fatal("missing request ids")
	}
}

func TestDefaultContentTypeAndChunkedEncoding(t *testing.T) {
	e := newEnv(t)
	r := e.signedDo("PUT", "/"+e.bucket+"/plain", []byte("x"), map[string]string{"Content-Encoding": "gzip, aws-chunked"})
	if r.status != 200 {
		t.Fatalf("put: %d %s", r.status, r.body)
	}
	got, _, err := e.get("plain")
	wantNoErr(t, err)
	if aws.ToString(got.ContentType) != "binary/octet-stream" || aws.ToString(got.ContentEncoding) != "gzip" {
		t.Fatalf("content-type %q encoding %q", aws.ToString(got.ContentType), aws.ToString(got.ContentEncoding))
	}
}

func TestGetErrors(t *testing.T) {
	e := newEnv(t)
	_, _, err := e.get("missing")
	wantCode(t, err, "NoSuchKey")
	_, err = e.c.HeadObject(e.ctx, &s3.HeadObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("missing")})
	wantCode(t, err, "NotFound")
	_, err = e.c.GetObject(e.ctx, &s3.GetObjectInput{Bucket: aws.String("no-such-bucket"), Key: aws.String("k")})
	wantCode(t, err, "NoSuchBucket")
	r := e.signedDo("GET", "/"+e.bucket+"/missing%3Fkey", nil, nil)
	d := r.wantError(t, 404, "NoSuchKey")
	if d.Key != "missing?key" || d.Resource != "/"+e.bucket+"/missing?key" {
		t.Fatalf("error doc %+v", d)
	}
	r = e.signedDo("HEAD", "/"+e.bucket+"/missing", nil, nil)
	if r.status != 404 || len(r.body) != 0 {
		t.Fatalf("head: %d %q", r.status, r.body)
	}
	_, err = e.c.PutObject(e.ctx, &s3.PutObjectInput{Bucket: aws.String(e.bucket), Key: aws.String(strings.Repeat("k", 1025)), Body: strings.NewReader("x")})
	wantCode(t, err, "KeyTooLongError")
	_, err = e.c.PutObject(e.ctx, &s3.PutObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("m"), Body: strings.NewReader("x"),
		Metadata: map[string]string{"big": strings.Repeat("v", 2100)}})
	wantCode(t, err, "MetadataTooLarge")
	if e.objectExists("m") {
		t.Fatal("object stored despite MetadataTooLarge")
	}
}

func TestRanges(t *testing.T) {
	e := newEnv(t)
	e.put("r", "0123456789")
	cases := []struct {
		rng, body, contentRange string
	}{
		{"bytes=2-4", "234", "bytes 2-4/10"},
		{"bytes=7-", "789", "bytes 7-9/10"},
		{"bytes=-3", "789", "bytes 7-9/10"},
		{"bytes=-30", "0123456789", "bytes 0-9/10"},
		{"bytes=5-100", "56789", "bytes 5-9/10"},
		{"bytes=0-1,4-5", "0123456789", ""}, // multi-range: whole object
		{"bytes=abc", "0123456789", ""},     // malformed: whole object
		{"items=0-1", "0123456789", ""},
	}
	for _, c := range cases {
		r := e.signedDo("GET", "/"+e.bucket+"/r", nil, map[string]string{"Range": c.rng})
		wantStatus := 206
		if c.contentRange == "" {
			wantStatus = 200
		}
		if r.status != wantStatus || string(r.body) != c.body || r.header.Get("Content-Range") != c.contentRange {
			t.Errorf("%s: %d %q %q", c.rng, r.status, r.body, r.header.Get("Content-Range"))
		}
	}
	for _, rng := range []string{"bytes=10-", "bytes=20-30", "bytes=-0"} {
		r := e.signedDo("GET", "/"+e.bucket+"/r", nil, map[string]string{"Range": rng})
		r.wantError(t, 416, "InvalidRange")
		if rng != "bytes=-0" && r.header.Get("Content-Range") != "bytes */10" {
			t.Errorf("%s: Content-Range %q", rng, r.header.Get("Content-Range"))
		}
	}
	_, _, err := e.get("r", func(in *s3.GetObjectInput) { in.Range = aws.String("bytes=10-") })
	wantCode(t, err, "InvalidRange")
	out, body, err := e.get("r", func(in *s3.GetObjectInput) { in.PartNumber = aws.Int32(1) })
	wantNoErr(t, err)
	if body != "0123456789" || aws.ToInt64(out.ContentLength) != 10 {
		t.Fatalf("part 1: %q", body)
	}
	r := e.signedDo("HEAD", "/"+e.bucket+"/r", nil, map[string]string{"Range": "bytes=1-2"})
	if r.status != 206 || r.header.Get("Content-Length") != "2" || r.header.Get("Content-Range") != "bytes 1-2/10" {
		t.Fatalf("head range: %d %v", r.status, r.header)
	}
	e.signedDo("GET", "/"+e.bucket+"/r?partNumber=0", nil, nil).wantError(t, 400, "InvalidArgument")
	// An object written in one piece has exactly one part.
	_, _, err = e.get("r", func(in *s3.GetObjectInput) { in.PartNumber = aws.Int32(2) })
	wantStatusCode(t, err, 400, "InvalidPart")
	if r := e.signedDo("HEAD", "/"+e.bucket+"/r?partNumber=2", nil, nil); r.status != 400 {
		t.Fatalf("head partNumber=2: %d", r.status)
	}
}

func TestReadConditionals(t *testing.T) {
	e := newEnv(t)
	out := e.put("c", "data")
	etag := aws.ToString(out.ETag)
	head, err := e.c.HeadObject(e.ctx, &s3.HeadObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("c")})
	wantNoErr(t, err)
	lm := *head.LastModified
	past, future := lm.Add(-time.Hour), lm.Add(time.Hour)
	type cond map[string]string
	cases := []struct {
		h    cond
		want int
	}{
		{cond{"If-Match": etag}, 200},
		{cond{"If-Match": `"nope"`}, 412},
		{cond{"If-None-Match": etag}, 304},
		{cond{"If-None-Match": `"nope"`}, 200},
		{cond{"If-Modified-Since": future.UTC().Format(http.TimeFormat)}, 304},
		{cond{"If-Modified-Since": past.UTC().Format(http.TimeFormat)}, 200},
		{cond{"If-Unmodified-Since": past.UTC().Format(http.TimeFormat)}, 412},
		{cond{"If-Unmodified-Since": future.UTC().Format(http.TimeFormat)}, 200},
		{cond{"If-Match": etag, "If-Unmodified-Since": past.UTC().Format(http.TimeFormat)}, 200},
		{cond{"If-None-Match": `"nope"`, "If-Modified-Since": future.UTC().Format(http.TimeFormat)}, 200},
		{cond{"If-Modified-Since": "garbage"}, 200},
	}
	for _, c := range cases {
		for _, method := range []string{"GET", "HEAD"} {
			r := e.signedDo(method, "/"+e.bucket+"/c", nil, c.h)
			if r.status != c.want {
				t.Errorf("%s %v: %d, want %d", method, c.h, r.status, c.want)
			}
			switch {
			case r.status == 304 && (len(r.body) != 0 || r.header.Get("ETag") != etag || r.header.Get("Last-Modified") == ""):
				t.Errorf("%s %v: 304 with body %q, etag %q", method, c.h, r.body, r.header.Get("ETag"))
			case r.status == 412 && method == "GET":
				r.wantError(t, 412, "PreconditionFailed")
			}
		}
	}
	_, _, err = e.get("c", func(in *s3.GetObjectInput) { in.IfMatch = aws.String(`"nope"`) })
	wantCode(t, err, "PreconditionFailed")
}

func TestConditionalPut(t *testing.T) {
	e := newEnv(t)
	put := func(key string, mod func(*s3.PutObjectInput)) error {
		in := &s3.PutObjectInput{Bucket: aws.String(e.bucket), Key: aws.String(key), Body: strings.NewReader("v")}
		mod(in)
		_, err := e.c.PutObject(e.ctx, in)
		return err
	}
	wantNoErr(t, put("k", func(in *s3.PutObjectInput) { in.IfNoneMatch = aws.String("*") }))
	wantCode(t, put("k", func(in *s3.PutObjectInput) { in.IfNoneMatch = aws.String("*") }), "PreconditionFailed")
	wantCode(t, put("k", func(in *s3.PutObjectInput) { in.IfMatch = aws.String(`"0123"`) }), "PreconditionFailed")
	wantCode(t, put("absent", func(in *s3.PutObjectInput) { in.IfMatch = aws.String(`"0123"`) }), "NoSuchKey")
	etag := aws.ToString(e.put("k", "new").ETag)
	wantNoErr(t, put("k", func(in *s3.PutObjectInput) { in.IfMatch = aws.String(etag) }))
	// If-None-Match with ETags: refused while the object has one of them.
	etag = aws.ToString(e.put("k", "newer").ETag)
	wantCode(t, put("k", func(in *s3.PutObjectInput) { in.IfNoneMatch = aws.String(etag) }), "PreconditionFailed")
	if e.mustGet("k") != "newer" {
		t.Fatal("a refused conditional PUT replaced the object")
	}
	wantNoErr(t, put("k", func(in *s3.PutObjectInput) { in.IfNoneMatch = aws.String(`"0123", "4567"`) }))
	wantNoErr(t, put("absent-too", func(in *s3.PutObjectInput) { in.IfNoneMatch = aws.String(etag) }))

	const n = 16
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = put("race", func(in *s3.PutObjectInput) {
				in.IfNoneMatch = aws.String("*")
				in.Body = strings.NewReader(fmt.Sprint("writer ", i))
			})
		}()
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		if err == nil {
			ok++
			continue
		}
		code := ""
		if api := apiCode(err); api == "PreconditionFailed" || api == "ConditionalRequestConflict" {
			code = api
		}
		if code == "" {
			t.Errorf("concurrent put: %v", err)
		}
	}
	if ok != 1 {
		t.Fatalf("%d concurrent If-None-Match:* PUTs succeeded, want 1", ok)
	}
}

func TestResponseOverrides(t *testing.T) {
	e := newEnv(t)
	e.put("o", "x", func(in *s3.PutObjectInput) { in.ContentType = aws.String("text/plain") })
	out, _, err := e.get("o", func(in *s3.GetObjectInput) {
		in.ResponseContentType = aws.String("application/json")
		in.ResponseContentLanguage = aws.String("fr")
		in.ResponseCacheControl = aws.String("no-store")
		in.ResponseContentDisposition = aws.String("inline")
		in.ResponseContentEncoding = aws.String("br")
		in.ResponseExpires = aws.Time(time.Date(2031, 5, 6, 7, 8, 9, 0, time.UTC))
	})
	wantNoErr(t, err)
	if aws.ToString(out.ContentType) != "application/json" || aws.ToString(out.ContentLanguage) != "fr" ||
		aws.ToString(out.CacheControl) != "no-store" || aws.ToString(out.ContentDisposition) != "inline" ||
		aws.ToString(out.ContentEncoding) != "br" || !strings.Contains(aws.ToString(out.ExpiresString), "2031") {
		t.Fatalf("overrides: %+v", out)
	}
	q := url.Values{"response-content-type": {"a\r\nb"}}.Encode()
	e.signedDo("GET", "/"+e.bucket+"/o?"+q, nil, nil).wantError(t, 400, "InvalidArgument")
}

func TestDeleteObject(t *testing.T) {
	e := newEnv(t)
	e.put("d", "x")
	r := e.signedDo("DELETE", "/"+e.bucket+"/d", nil, nil)
	if r.status != 204 {
		t.Fatalf("delete: %d %s", r.status, r.body)
	}
	// Deleting a missing key succeeds, as on S3.
	_, err := e.c.DeleteObject(e.ctx, &s3.DeleteObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("d")})
	wantNoErr(t, err)
	_, err = e.c.DeleteObject(e.ctx, &s3.DeleteObjectInput{Bucket: aws.String("no-such-bucket"), Key: aws.String("d")})
	wantCode(t, err, "NoSuchBucket")
}

func TestStorageClassAndPartsOnGetAttributes(t *testing.T) {
	e := newEnv(t)
	out := e.put("a", "attr-body", func(in *s3.PutObjectInput) { in.ChecksumAlgorithm = types.ChecksumAlgorithmSha256 })
	attrs, err := e.c.GetObjectAttributes(e.ctx, &s3.GetObjectAttributesInput{
		Bucket: aws.String(e.bucket), Key: aws.String("a"),
		ObjectAttributes: []types.ObjectAttributes{types.ObjectAttributesEtag, types.ObjectAttributesChecksum,
			types.ObjectAttributesObjectSize, types.ObjectAttributesStorageClass, types.ObjectAttributesObjectParts},
	})
	wantNoErr(t, err)
	if aws.ToString(attrs.ETag) != strings.Trim(aws.ToString(out.ETag), `"`) || aws.ToInt64(attrs.ObjectSize) != 9 ||
		attrs.StorageClass != types.StorageClassStandard || attrs.Checksum == nil ||
		aws.ToString(attrs.Checksum.ChecksumSHA256) != aws.ToString(out.ChecksumSHA256) || attrs.ObjectParts != nil ||
		attrs.LastModified == nil {
		t.Fatalf("attributes %+v", attrs)
	}
	r := e.signedDo("GET", "/"+e.bucket+"/a?attributes", nil, map[string]string{"X-Amz-Object-Attributes": "ETag"})
	if r.status != 200 || !strings.Contains(string(r.body), "<GetObjectAttributesResponse xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><ETag>") ||
		strings.Contains(string(r.body), "ObjectSize") {
		t.Fatalf("raw attributes %d %s", r.status, r.body)
	}
	e.signedDo("GET", "/"+e.bucket+"/a?attributes", nil, map[string]string{"X-Amz-Object-Attributes": "Bogus"}).wantError(t, 400, "InvalidArgument")
	e.signedDo("GET", "/"+e.bucket+"/a?attributes", nil, nil).wantError(t, 400, "InvalidArgument")
	e.signedDo("GET", "/"+e.bucket+"/zz?attributes", nil, map[string]string{"X-Amz-Object-Attributes": "ETag"}).wantError(t, 404, "NoSuchKey")
}

func TestUnsupportedWriteHeaders(t *testing.T) {
	e := newEnv(t)
	path := "/" + e.bucket + "/k"
	e.signedDo("PUT", path, []byte("x"), map[string]string{"X-Amz-Website-Redirect-Location": "/x"}).wantError(t, 501, "NotImplemented")
	for _, c := range []string{"COLD", "glacier", "OUTPOSTS", "EXPRESS_ONEZONE", "SNOW"} {
		e.signedDo("PUT", path, []byte("x"), map[string]string{"X-Amz-Storage-Class": c}).wantError(t, 400, "InvalidStorageClass")
	}
	e.signedDo("PUT", path, []byte("x"), map[string]string{"X-Amz-Acl": "public-read"}).wantError(t, 400, "AccessControlListNotSupported")
	e.signedDo("PUT", path, []byte("x"), map[string]string{"X-Amz-Grant-Read": "id=x"}).wantError(t, 400, "AccessControlListNotSupported")
	if e.objectExists("k") {
		t.Fatal("object stored by a refused request")
	}
	r := e.signedDo("PUT", path, []byte("x"), map[string]string{"X-Amz-Acl": "bucket-owner-full-control", "X-Amz-Storage-Class": "STANDARD"})
	if r.status != 200 {
		t.Fatalf("owner ACL: %d %s", r.status, r.body)
	}
	e.signedDo("PUT", "/aclbucket", nil, map[string]string{"X-Amz-Acl": "public-read"}).wantError(t, 400, "InvalidBucketAclWithObjectOwnership")
}
