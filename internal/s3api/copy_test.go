package s3api_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

func TestCopyObject(t *testing.T) {
	e := newEnv(t)
	src := "src dir/q?#%ключ"
	put := e.put(src, "copy me", func(in *s3.PutObjectInput) {
		in.ContentType = aws.String("text/x-src")
		in.Metadata = map[string]string{"m": "1"}
		in.Tagging = aws.String("t=1")
	})
	dst := e.newBucket()
	copySource := e.bucket + "/" + url.PathEscape(src)
	out, err := e.c.CopyObject(e.ctx, &s3.CopyObjectInput{Bucket: aws.String(dst), Key: aws.String("dst"), CopySource: aws.String(copySource)})
	wantNoErr(t, err)
	if out.CopyObjectResult == nil || aws.ToString(out.CopyObjectResult.ETag) != aws.ToString(put.ETag) || out.CopyObjectResult.LastModified == nil {
		t.Fatalf("copy result %+v", out.CopyObjectResult)
	}
	got, err := e.c.GetObject(e.ctx, &s3.GetObjectInput{Bucket: aws.String(dst), Key: aws.String("dst")})
	wantNoErr(t, err)
	got.Body.Close()
	if aws.ToString(got.ContentType) != "text/x-src" || got.Metadata["m"] != "1" || aws.ToInt32(got.TagCount) != 1 {
		t.Fatalf("copied metadata %+v", got)
	}
	// REPLACE metadata and tags, compute a checksum.
	out, err = e.c.CopyObject(e.ctx, &s3.CopyObjectInput{
		Bucket: aws.String(dst), Key: aws.String("dst2"), CopySource: aws.String(copySource),
		MetadataDirective: types.MetadataDirectiveReplace, ContentType: aws.String("text/new"),
		Metadata: map[string]string{"n": "2"}, TaggingDirective: types.TaggingDirectiveReplace,
		Tagging: aws.String("a=1&b=2"), ChecksumAlgorithm: types.ChecksumAlgorithmCrc32c,
	})
	wantNoErr(t, err)
	if aws.ToString(out.CopyObjectResult.ChecksumCRC32C) != sumOf("CRC32C", "copy me") {
		t.Fatalf("copy checksum %+v", out.CopyObjectResult)
	}
	got, err = e.c.GetObject(e.ctx, &s3.GetObjectInput{Bucket: aws.String(dst), Key: aws.String("dst2")})
	wantNoErr(t, err)
	got.Body.Close()
	if aws.ToString(got.ContentType) != "text/new" || got.Metadata["n"] != "2" || got.Metadata["m"] != "" || aws.ToInt32(got.TagCount) != 2 {
		t.Fatalf("replaced metadata %+v", got)
	}
}

func TestCopyObjectErrors(t *testing.T) {
	e := newEnv(t)
	put := e.put("s", "x")
	copyErr := func(mod func(*s3.CopyObjectInput)) error {
		in := &s3.CopyObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("d"), CopySource: aws.String(e.bucket + "/s")}
		mod(in)
		_, err := e.c.CopyObject(e.ctx, in)
		return err
	}
	future := time.Now().Add(time.Hour)
	past := time.Now().Add(-time.Hour)
	wantCode(t, copyErr(func(in *s3.CopyObjectInput) { in.CopySourceIfMatch = aws.String(`"nope"`) }), "PreconditionFailed")
	wantCode(t, copyErr(func(in *s3.CopyObjectInput) { in.CopySourceIfNoneMatch = put.ETag }), "PreconditionFailed")
	wantCode(t, copyErr(func(in *s3.CopyObjectInput) { in.CopySourceIfUnmodifiedSince = aws.Time(past) }), "PreconditionFailed")
	wantCode(t, copyErr(func(in *s3.CopyObjectInput) { in.CopySourceIfModifiedSince = aws.Time(future) }), "PreconditionFailed")
	wantNoErr(t, copyErr(func(in *s3.CopyObjectInput) { in.CopySourceIfMatch = put.ETag }))
	wantCode(t, copyErr(func(in *s3.CopyObjectInput) { in.CopySource = aws.String(e.bucket + "/missing") }), "NoSuchKey")
	wantCode(t, copyErr(func(in *s3.CopyObjectInput) { in.CopySource = aws.String("no-such-bucket/s") }), "NoSuchBucket")
	wantCode(t, copyErr(func(in *s3.CopyObjectInput) { in.CopySource = aws.String(e.bucket) }), "InvalidArgument")
	wantCode(t, copyErr(func(in *s3.CopyObjectInput) { in.Key = aws.String("s") }), "InvalidRequest")
	wantNoErr(t, copyErr(func(in *s3.CopyObjectInput) {
		in.Key = aws.String("s")
		in.MetadataDirective = types.MetadataDirectiveReplace
	}))
	r := e.signedDo("PUT", "/"+e.bucket+"/d", nil, map[string]string{"X-Amz-Copy-Source": e.bucket + "/s", "X-Amz-Metadata-Directive": "MOVE"})
	r.wantError(t, 400, "InvalidArgument")
	r = e.signedDo("PUT", "/"+e.bucket+"/d", nil, map[string]string{"X-Amz-Copy-Source": e.bucket + "/s", "X-Amz-Tagging-Directive": "bad"})
	r.wantError(t, 400, "InvalidArgument")
	r = e.signedDo("PUT", "/"+e.bucket+"/d", nil, map[string]string{"X-Amz-Copy-Source": "/" + e.bucket + "/s?versionId=null"})
	if r.status != 200 || !strings.Contains(string(r.body), "<CopyObjectResult") {
		t.Fatalf("copy with version null: %d %s", r.status, r.body)
	}
	r = e.signedDo("PUT", "/"+e.bucket+"/d", nil, map[string]string{"X-Amz-Copy-Source": e.bucket + "/s?versionId=abc"})
	if r.status/100 != 4 {
		t.Fatalf("copy of a missing version: %d", r.status)
	}
}

func TestTagging(t *testing.T) {
	e := newEnv(t)
	e.put("t", "x", func(in *s3.PutObjectInput) { in.Tagging = aws.String("k1=v1") })
	tags, err := e.c.GetObjectTagging(e.ctx, &s3.GetObjectTaggingInput{Bucket: aws.String(e.bucket), Key: aws.String("t")})
	wantNoErr(t, err)
	if len(tags.TagSet) != 1 || aws.ToString(tags.TagSet[0].Key) != "k1" || aws.ToString(tags.TagSet[0].Value) != "v1" {
		t.Fatalf("tags %+v", tags.TagSet)
	}
	_, err = e.c.PutObjectTagging(e.ctx, &s3.PutObjectTaggingInput{Bucket: aws.String(e.bucket), Key: aws.String("t"),
		Tagging: &types.Tagging{TagSet: []types.Tag{{Key: aws.String("a"), Value: aws.String("1")}, {Key: aws.String("b"), Value: aws.String("")}}}})
	wantNoErr(t, err)
	tags, err = e.c.GetObjectTagging(e.ctx, &s3.GetObjectTaggingInput{Bucket: aws.String(e.bucket), Key: aws.String("t")})
	wantNoErr(t, err)
	if len(tags.TagSet) != 2 {
		t.Fatalf("tags after put %+v", tags.TagSet)
	}
	_, err = e.c.PutObjectTagging(e.ctx, &s3.PutObjectTaggingInput{Bucket: aws.String(e.bucket), Key: aws.String("t"),
		Tagging: &types.Tagging{TagSet: []types.Tag{{Key: aws.String("a"), Value: aws.String("1")}, {Key: aws.String("a"), Value: aws.String("2")}}}})
	wantCode(t, err, "InvalidTag")
	var many []types.Tag
	for i := range 11 {
		many = append(many, types.Tag{Key: aws.String(string(rune('a' + i))), Value: aws.String("v")})
	}
	_, err = e.c.PutObjectTagging(e.ctx, &s3.PutObjectTaggingInput{Bucket: aws.String(e.bucket), Key: aws.String("t"), Tagging: &types.Tagging{TagSet: many}})
	wantCode(t, err, "InvalidTag")
	_, err = e.c.PutObjectTagging(e.ctx, &s3.PutObjectTaggingInput{Bucket: aws.String(e.bucket), Key: aws.String("t"),
		Tagging: &types.Tagging{TagSet: []types.Tag{{Key: aws.String(strings.Repeat("k", 129)), Value: aws.String("v")}}}})
	wantCode(t, err, "InvalidTag")
	r := e.signedDo("PUT", "/"+e.bucket+"/t?tagging", []byte("<Tagging><TagSet><Tag><Key>x"), nil)
	r.wantError(t, 400, "MalformedXML")
	r = e.signedDo("PUT", "/"+e.bucket+"/t?tagging", []byte("<Other/>"), nil)
	r.wantError(t, 400, "MalformedXML")
	_, err = e.c.DeleteObjectTagging(e.ctx, &s3.DeleteObjectTaggingInput{Bucket: aws.String(e.bucket), Key: aws.String("t")})
	wantNoErr(t, err)
	tags, err = e.c.GetObjectTagging(e.ctx, &s3.GetObjectTaggingInput{Bucket: aws.String(e.bucket), Key: aws.String("t")})
	wantNoErr(t, err)
	if len(tags.TagSet) != 0 {
		t.Fatalf("tags after delete %+v", tags.TagSet)
	}
	_, err = e.c.GetObjectTagging(e.ctx, &s3.GetObjectTaggingInput{Bucket: aws.String(e.bucket), Key: aws.String("missing")})
	wantCode(t, err, "NoSuchKey")
	_, err = e.c.PutObject(e.ctx, &s3.PutObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("t2"), Body: strings.NewReader("x"), Tagging: aws.String("a=1&a=2")})
	wantCode(t, err, "InvalidTag")
}
