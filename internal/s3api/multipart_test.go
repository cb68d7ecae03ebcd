package s3api_test

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"strconv"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

const mib = 1 << 20

// partBytes returns deterministic pseudo-random bytes for part n.
func partBytes(n, size int) []byte {
	r := rand.New(rand.NewPCG(uint64(n), 42))
	b := make([]byte, size)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// multipartETag is S3's ETag of a multipart object.
func multipartETag(parts ...[]byte) string {
	var cat []byte
	for _, p := range parts {
		s := md5.Sum(p)
		cat = append(cat, s[:]...)
	}
	s := md5.Sum(cat)
	return fmt.Sprintf(`"%s-%d"`, hex.EncodeToString(s[:]), len(parts))
}

func (e *env) createUpload(key string, mod ...func(*s3.CreateMultipartUploadInput)) string {
	e.t.Helper()
	in := &s3.CreateMultipartUploadInput{Bucket: aws.String(e.bucket), Key: aws.String(key)}
	for _, m := range mod {
		m(in)
	}
	out, err := e.c.CreateMultipartUpload(e.ctx, in)
	if err != nil {
		e.t.Fatalf("create upload %q: %v", key, err)
	}
	return aws.ToString(out.UploadId)
}

func (e *env) uploadPart(key, id string, n int, data []byte) (*s3.UploadPartOutput, error) {
	return e.c.UploadPart(e.ctx, &s3.UploadPartInput{
		Bucket: aws.String(e.bucket), Key: aws.String(key), UploadId: aws.String(id),
		PartNumber: aws.Int32(int32(n)), Body: bytes.NewReader(data),
	})
}

func (e *env) complete(key, id string, parts []types.CompletedPart, mod ...func(*s3.CompleteMultipartUploadInput)) (*s3.CompleteMultipartUploadOutput, error) {
	in := &s3.CompleteMultipartUploadInput{
		Bucket: aws.String(e.bucket), Key: aws.String(key), UploadId: aws.String(id),
		MultipartUpload: &types.CompletedMultipartUpload{Parts: parts},
	}
	for _, m := range mod {
		m(in)
	}
	return e.c.CompleteMultipartUpload(e.ctx, in)
}

// uploadAll uploads the parts concurrently, in reverse order of starting,
// and returns the completed-part list in part order.
func (e *env) uploadAll(key, id string, parts [][]byte) []types.CompletedPart {
	e.t.Helper()
	out := make([]types.CompletedPart, len(parts))
	errs := make([]error, len(parts))
	var wg sync.WaitGroup
	for i := len(parts) - 1; i >= 0; i-- {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := e.uploadPart(key, id, i+1, parts[i])
			errs[i] = err
			if err == nil {
				out[i] = types.CompletedPart{PartNumber: aws.Int32(int32(i + 1)), ETag: res.ETag,
					ChecksumCRC32: res.ChecksumCRC32, ChecksumCRC64NVME: res.ChecksumCRC64NVME,
					ChecksumSHA256: res.ChecksumSHA256}
			}
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			e.t.Fatalf("upload part %d: %v", i+1, err)
		}
	}
	return out
}

func TestMultipartUpload(t *testing.T) {
	e := newEnv(t)
	parts := [][]byte{partBytes(1, 5*mib), partBytes(2, 5*mib), partBytes(3, 1234)}
	id := e.createUpload("big/obj", func(in *s3.CreateMultipartUploadInput) {
		in.ContentType = aws.String("video/mp4")
		in.Metadata = map[string]string{"origin": "test"}
		in.Tagging = aws.String("k=v")
	})
	done := e.uploadAll("big/obj", id, parts)

	// Re-uploading a part number replaces the part.
	_, err := e.uploadPart("big/obj", id, 3, []byte("replaced"))
	wantNoErr(t, err)
	res, err := e.uploadPart("big/obj", id, 3, parts[2])
	wantNoErr(t, err)
	done[2].ETag = res.ETag

	lp, err := e.c.ListParts(e.ctx, &s3.ListPartsInput{Bucket: aws.String(e.bucket), Key: aws.String("big/obj"),
		UploadId: aws.String(id), MaxParts: aws.Int32(2)})
	wantNoErr(t, err)
	if len(lp.Parts) != 2 || !aws.ToBool(lp.IsTruncated) || aws.ToString(lp.NextPartNumberMarker) != "2" ||
		aws.ToInt64(lp.Parts[0].Size) != 5*mib || aws.ToString(lp.Parts[1].ETag) != aws.ToString(done[1].ETag) {
		t.Fatalf("list parts page 1: %+v", lp)
	}
	lp, err = e.c.ListParts(e.ctx, &s3.ListPartsInput{Bucket: aws.String(e.bucket), Key: aws.String("big/obj"),
		UploadId: aws.String(id), PartNumberMarker: aws.String("2")})
	wantNoErr(t, err)
	if len(lp.Parts) != 1 || aws.ToBool(lp.IsTruncated) || aws.ToInt32(lp.Parts[0].PartNumber) != 3 || aws.ToInt64(lp.Parts[0].Size) != 1234 {
		t.Fatalf("list parts page 2: %+v", lp)
	}

	out, err := e.complete("big/obj", id, done)
	wantNoErr(t, err)
	want := multipartETag(parts...)
	if aws.ToString(out.ETag) != want || aws.ToString(out.Key) != "big/obj" || aws.ToString(out.Bucket) != e.bucket ||
		aws.ToString(out.Location) == "" {
		t.Fatalf("complete: %+v, want ETag %s", out, want)
	}
	got, body, err := e.get("big/obj")
	wantNoErr(t, err)
	if body != string(bytes.Join(parts, nil)) || aws.ToString(got.ETag) != want ||
		aws.ToString(got.ContentType) != "video/mp4" || got.Metadata["origin"] != "test" || aws.ToInt32(got.TagCount) != 1 {
		t.Fatalf("get: %d bytes, %+v", len(body), got)
	}
	e.checkParts("big/obj", parts)
	whole := bytes.Join(parts, nil)
	_, span, err := e.get("big/obj", func(in *s3.GetObjectInput) { in.Range = aws.String("bytes=5242870-10485769") })
	wantNoErr(t, err)
	if span != string(whole[5242870:10485770]) {
		t.Fatalf("range across part boundaries: %d bytes", len(span))
	}
	ups, err := e.c.ListMultipartUploads(e.ctx, &s3.ListMultipartUploadsInput{Bucket: aws.String(e.bucket)})
	wantNoErr(t, err)
	if len(ups.Uploads) != 0 {
		t.Fatalf("uploads left after complete: %+v", ups.Uploads)
	}
}

// checkParts reads each part back by number and the part table through
// GetObjectAttributes.
func (e *env) checkParts(key string, parts [][]byte) {
	e.t.Helper()
	for i, p := range parts {
		out, body, err := e.get(key, func(in *s3.GetObjectInput) { in.PartNumber = aws.Int32(int32(i + 1)) })
		wantNoErr(e.t, err)
		if body != string(p) || aws.ToInt32(out.PartsCount) != int32(len(parts)) {
			e.t.Fatalf("part %d: %d bytes, parts count %d", i+1, len(body), aws.ToInt32(out.PartsCount))
		}
	}
	head, err := e.c.HeadObject(e.ctx, &s3.HeadObjectInput{Bucket: aws.String(e.bucket), Key: aws.String(key), PartNumber: aws.Int32(2)})
	wantNoErr(e.t, err)
	if aws.ToInt64(head.ContentLength) != int64(len(parts[1])) || aws.ToInt32(head.PartsCount) != int32(len(parts)) {
		e.t.Fatalf("head part 2: %+v", head)
	}
	_, _, err = e.get(key, func(in *s3.GetObjectInput) { in.PartNumber = aws.Int32(int32(len(parts) + 1)) })
	wantStatusCode(e.t, err, 400, "InvalidPart")
	attrs, err := e.c.GetObjectAttributes(e.ctx, &s3.GetObjectAttributesInput{
		Bucket: aws.String(e.bucket), Key: aws.String(key), MaxParts: aws.Int32(2),
		ObjectAttributes: []types.ObjectAttributes{types.ObjectAttributesObjectParts, types.ObjectAttributesObjectSize},
	})
	wantNoErr(e.t, err)
	op := attrs.ObjectParts
	if op == nil || aws.ToInt32(op.TotalPartsCount) != int32(len(parts)) || len(op.Parts) != 2 || !aws.ToBool(op.IsTruncated) ||
		aws.ToInt64(op.Parts[1].Size) != int64(len(parts[1])) || aws.ToString(op.NextPartNumberMarker) != "2" {
		e.e2(op)
	}
}

func (e *env) e2(op *types.GetObjectAttributesParts) {
	e.t.Helper()
	if op == nil {
		e.t.Fatal("no ObjectParts")
	}
	e.t.Fatalf("ObjectParts %+v parts %+v", op, op.Parts)
}

func TestMultipartChecksums(t *testing.T) {
	tests := []struct {
		alg  types.ChecksumAlgorithm
		typ  types.ChecksumType
		want types.ChecksumType
	}{
		{types.ChecksumAlgorithmSha256, "", types.ChecksumTypeComposite},
		{types.ChecksumAlgorithmCrc32, types.ChecksumTypeFullObject, types.ChecksumTypeFullObject},
		{types.ChecksumAlgorithmCrc64nvme, "", types.ChecksumTypeFullObject},
	}
	e := newEnv(t)
	parts := [][]byte{partBytes(7, 5*mib), partBytes(8, 100)}
	for _, tt := range tests {
		key := "ck-" + string(tt.alg)
		id := e.createUpload(key, func(in *s3.CreateMultipartUploadInput) {
			in.ChecksumAlgorithm, in.ChecksumType = tt.alg, tt.typ
		})
		done := make([]types.CompletedPart, len(parts))
		for i, p := range parts {
			out, err := e.c.UploadPart(e.ctx, &s3.UploadPartInput{
				Bucket: aws.String(e.bucket), Key: aws.String(key), UploadId: aws.String(id),
				PartNumber: aws.Int32(int32(i + 1)), Body: bytes.NewReader(p), ChecksumAlgorithm: tt.alg,
			})
			wantNoErr(t, err)
			done[i] = types.CompletedPart{PartNumber: aws.Int32(int32(i + 1)), ETag: out.ETag,
				ChecksumSHA256: out.ChecksumSHA256, ChecksumCRC32: out.ChecksumCRC32, ChecksumCRC64NVME: out.ChecksumCRC64NVME}
		}
		out, err := e.complete(key, id, done)
		wantNoErr(t, err)
		if out.ChecksumType != tt.want {
			t.Fatalf("%s: checksum type %q, want %q (%+v)", tt.alg, out.ChecksumType, tt.want, out)
		}
		head, err := e.c.HeadObject(e.ctx, &s3.HeadObjectInput{Bucket: aws.String(e.bucket), Key: aws.String(key), ChecksumMode: types.ChecksumModeEnabled})
		wantNoErr(t, err)
		if head.ChecksumType != tt.want {
			t.Fatalf("%s: head checksum type %q", tt.alg, head.ChecksumType)
		}
		if _, body, err := e.get(key); err != nil || body != string(bytes.Join(parts, nil)) {
			t.Fatalf("%s: get %d bytes, %v", tt.alg, len(body), err)
		}
	}
}

func TestMultipartErrors(t *testing.T) {
	e := newEnv(t)
	small := partBytes(1, 1000)
	id := e.createUpload("k")
	_, err := e.uploadPart("k", "0123456789abcdef0123456789abcdef", 1, small)
	wantCode(t, err, "NoSuchUpload")
	for _, n := range []string{"0", "10001", "x", "-1"} {
		e.signedDo("PUT", "/"+e.bucket+"/k?partNumber="+n+"&uploadId="+id, small, nil).wantError(t, 400, "InvalidArgument")
	}
	r1, err := e.uploadPart("k", id, 1, small)
	wantNoErr(t, err)
	r2, err := e.uploadPart("k", id, 2, partBytes(2, 1000))
	wantNoErr(t, err)
	p1 := types.CompletedPart{PartNumber: aws.Int32(1), ETag: r1.ETag}
	p2 := types.CompletedPart{PartNumber: aws.Int32(2), ETag: r2.ETag}

	_, err = e.complete("k", id, []types.CompletedPart{p1, p2})
	wantCode(t, err, "EntityTooSmall")
	_, err = e.complete("k", id, []types.CompletedPart{p2, p1})
	wantCode(t, err, "InvalidPartOrder")
	_, err = e.complete("k", id, []types.CompletedPart{{PartNumber: aws.Int32(1), ETag: r2.ETag}})
	wantCode(t, err, "InvalidPart")
	_, err = e.complete("k", id, []types.CompletedPart{{PartNumber: aws.Int32(3), ETag: r2.ETag}})
	wantCode(t, err, "InvalidPart")
	path := "/" + e.bucket + "/k?uploadId=" + id
	e.signedDo("POST", path, []byte("<CompleteMultipartUpload><Part>"), nil).wantError(t, 400, "MalformedXML")
	e.signedDo("POST", path, []byte("<CompleteMultipartUpload></CompleteMultipartUpload>"), nil).wantError(t, 400, "MalformedXML")
	e.signedDo("POST", path, []byte("<CompleteMultipartUpload><Part><PartNumber>x</PartNumber></Part></CompleteMultipartUpload>"), nil).wantError(t, 400, "MalformedXML")

	e.signedDo("POST", path, bytes.Repeat([]byte(" "), 4<<20+1), nil).wantError(t, 400, "MaxMessageLengthExceeded")
	for _, bad := range []string{"../x", "%00", "0123456789abcdef0123456789abcdeg", ""} {
		e.signedDo("PUT", "/"+e.bucket+"/k?partNumber=1&uploadId="+bad, small, nil).wantError(t, 404, "NoSuchUpload")
		e.signedDo("GET", "/"+e.bucket+"/k?uploadId="+bad, nil, nil).wantError(t, 404, "NoSuchUpload")
	}
	e.signedDo("GET", "/"+e.bucket+"/k?uploadId="+id+"&max-parts=-1", nil, nil).wantError(t, 400, "InvalidArgument")
	if r := e.signedDo("GET", "/"+e.bucket+"?uploads&upload-id-marker=%00%FF&key-marker=%FF", nil, nil); r.status != 200 {
		t.Fatalf("hostile markers: %d %s", r.status, r.body)
	}

	// A single small part is a valid (last) part; If-None-Match refuses
	// to complete over an existing object.
	e.put("k", "existing")
	_, err = e.complete("k", id, []types.CompletedPart{p1}, func(in *s3.CompleteMultipartUploadInput) { in.IfNoneMatch = aws.String("*") })
	wantCode(t, err, "PreconditionFailed")
	_, err = e.complete("k", id, []types.CompletedPart{p1}, func(in *s3.CompleteMultipartUploadInput) { in.IfMatch = aws.String(`"0123"`) })
	wantCode(t, err, "PreconditionFailed")
	if e.mustGet("k") != "existing" {
		t.Fatal("failed complete replaced the object")
	}

	_, err = e.c.AbortMultipartUpload(e.ctx, &s3.AbortMultipartUploadInput{Bucket: aws.String(e.bucket), Key: aws.String("k"), UploadId: aws.String(id)})
	wantNoErr(t, err)
	_, err = e.c.AbortMultipartUpload(e.ctx, &s3.AbortMultipartUploadInput{Bucket: aws.String(e.bucket), Key: aws.String("k"), UploadId: aws.String(id)})
	wantCode(t, err, "NoSuchUpload")
	_, err = e.c.ListParts(e.ctx, &s3.ListPartsInput{Bucket: aws.String(e.bucket), Key: aws.String("k"), UploadId: aws.String(id)})
	wantCode(t, err, "NoSuchUpload")
	_, err = e.complete("k", id, []types.CompletedPart{p1})
	wantCode(t, err, "NoSuchUpload")
	_, err = e.c.CreateMultipartUpload(e.ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("no-such-bucket-x"), Key: aws.String("k")})
	wantCode(t, err, "NoSuchBucket")
}

func TestMultipartAbortRemovedWithBucket(t *testing.T) {
	e := newEnv(t)
	id := e.createUpload("k")
	_, err := e.uploadPart("k", id, 1, []byte("data"))
	wantNoErr(t, err)
	_, err = e.c.DeleteBucket(e.ctx, &s3.DeleteBucketInput{Bucket: aws.String(e.bucket)})
	wantNoErr(t, err)
	_, err = e.c.CreateBucket(e.ctx, &s3.CreateBucketInput{Bucket: aws.String(e.bucket)})
	wantNoErr(t, err)
	_, err = e.c.ListParts(e.ctx, &s3.ListPartsInput{Bucket: aws.String(e.bucket), Key: aws.String("k"), UploadId: aws.String(id)})
	wantCode(t, err, "NoSuchUpload")
}

func TestEntityTooLarge(t *testing.T) {
	e := newEnv(t)
	id := e.createUpload("k")
	for _, path := range []string{"/" + e.bucket + "/big", "/" + e.bucket + "/k?partNumber=1&uploadId=" + id} {
		req := e.newRaw("PUT", path, []byte("0\r\n\r\n"))
		req.Header.Set("Content-Encoding", "aws-chunked")
		req.Header.Set("X-Amz-Decoded-Content-Length", strconv.FormatInt(5<<30+1, 10))
		e.signWith(req, "STREAMING-UNSIGNED-PAYLOAD-TRAILER")
		e.do(req).wantError(t, 400, "EntityTooLarge")
	}
}

func TestUploadPartCopy(t *testing.T) {
	e := newEnv(t)
	src := partBytes(9, 5*mib+10)
	srcOut := e.put("src", string(src))
	id := e.createUpload("dst")
	cp1, err := e.c.UploadPartCopy(e.ctx, &s3.UploadPartCopyInput{
		Bucket: aws.String(e.bucket), Key: aws.String("dst"), UploadId: aws.String(id), PartNumber: aws.Int32(1),
		CopySource: aws.String(e.bucket + "/src"), CopySourceRange: aws.String("bytes=0-5242879"),
		CopySourceIfMatch: srcOut.ETag,
	})
	wantNoErr(t, err)
	cp2, err := e.c.UploadPartCopy(e.ctx, &s3.UploadPartCopyInput{
		Bucket: aws.String(e.bucket), Key: aws.String("dst"), UploadId: aws.String(id), PartNumber: aws.Int32(2),
		CopySource: aws.String(e.bucket + "/src"), CopySourceRange: aws.String("bytes=5242880-5242889"),
	})
	wantNoErr(t, err)
	if cp1.CopyPartResult == nil || cp1.CopyPartResult.LastModified == nil {
		t.Fatalf("copy part result %+v", cp1.CopyPartResult)
	}
	for _, bad := range []struct {
		rng, ifMatch, code string
	}{
		{"bytes=0-99", `"0000"`, "PreconditionFailed"},
		{"0-99", "", "InvalidArgument"},
		{"bytes=10-5", "", "InvalidArgument"},
		{"bytes=0-", "", "InvalidArgument"},
		{"bytes=0-99999999", "", "InvalidRange"},
	} {
		in := &s3.UploadPartCopyInput{
			Bucket: aws.String(e.bucket), Key: aws.String("dst"), UploadId: aws.String(id), PartNumber: aws.Int32(3),
			CopySource: aws.String(e.bucket + "/src"), CopySourceRange: aws.String(bad.rng),
		}
		if bad.ifMatch != "" {
			in.CopySourceIfMatch = aws.String(bad.ifMatch)
		}
		_, err := e.c.UploadPartCopy(e.ctx, in)
		wantCode(t, err, bad.code)
	}
	_, err = e.complete("dst", id, []types.CompletedPart{
		{PartNumber: aws.Int32(1), ETag: cp1.CopyPartResult.ETag},
		{PartNumber: aws.Int32(2), ETag: cp2.CopyPartResult.ETag},
	})
	wantNoErr(t, err)
	if got := e.mustGet("dst"); got != string(src) {
		t.Fatalf("copied object differs: %d bytes", len(got))
	}
}

func TestListMultipartUploads(t *testing.T) {
	e := newEnv(t)
	keys := []string{"a/1", "a/2", "b", "b", "c d"}
	ids := map[string][]string{}
	for _, k := range keys {
		ids[k] = append(ids[k], e.createUpload(k))
	}
	list := func(mod func(*s3.ListMultipartUploadsInput)) *s3.ListMultipartUploadsOutput {
		t.Helper()
		in := &s3.ListMultipartUploadsInput{Bucket: aws.String(e.bucket)}
		mod(in)
		out, err := e.c.ListMultipartUploads(e.ctx, in)
		wantNoErr(t, err)
		return out
	}
	all := list(func(*s3.ListMultipartUploadsInput) {})
	if len(all.Uploads) != 5 || aws.ToString(all.Uploads[0].Key) != "a/1" || aws.ToString(all.Uploads[4].Key) != "c d" {
		t.Fatalf("all uploads: %+v", all.Uploads)
	}
	byDelim := list(func(in *s3.ListMultipartUploadsInput) { in.Delimiter = aws.String("/") })
	if len(byDelim.CommonPrefixes) != 1 || aws.ToString(byDelim.CommonPrefixes[0].Prefix) != "a/" || len(byDelim.Uploads) != 3 {
		t.Fatalf("delimiter: %+v %+v", byDelim.CommonPrefixes, byDelim.Uploads)
	}
	pre := list(func(in *s3.ListMultipartUploadsInput) { in.Prefix = aws.String("a/") })
	if len(pre.Uploads) != 2 {
		t.Fatalf("prefix: %+v", pre.Uploads)
	}
	// Page one upload at a time through both uploads of "b".
	var seen []string
	in := func(in *s3.ListMultipartUploadsInput) { in.MaxUploads = aws.Int32(1) }
	page := list(in)
	for {
		for _, u := range page.Uploads {
			seen = append(seen, aws.ToString(u.Key)+"/"+aws.ToString(u.UploadId))
		}
		if !aws.ToBool(page.IsTruncated) {
			break
		}
		km, um := page.NextKeyMarker, page.NextUploadIdMarker
		page = list(func(in *s3.ListMultipartUploadsInput) {
			in.MaxUploads, in.KeyMarker, in.UploadIdMarker = aws.Int32(1), km, um
		})
	}
	if len(seen) != 5 || seen[2] != "b/"+ids["b"][0] || seen[3] != "b/"+ids["b"][1] {
		t.Fatalf("paged: %v", seen)
	}
	r := e.signedDo("GET", "/"+e.bucket+"?uploads&encoding-type=url&prefix=c", nil, nil)
	if r.status != 200 || !bytes.Contains(r.body, []byte("<Key>c+d</Key>")) || !bytes.Contains(r.body, []byte("<EncodingType>url</EncodingType>")) {
		t.Fatalf("url encoding: %d %s", r.status, r.body)
	}
	e.signedDo("GET", "/"+e.bucket+"?uploads&max-uploads=x", nil, nil).wantError(t, 400, "InvalidArgument")
}
