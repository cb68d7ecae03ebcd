package s3api_test

import (
	"bytes"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/hoard-s3/hoard/internal/testserver"
)

func md5ETag(b []byte) string {
	s := md5.Sum(b)
	return `"` + hex.EncodeToString(s[:]) + `"`
}

// sseCase is one way of encrypting a write, with what its reads need.
type sseCase struct {
	name     string
	plainTag bool // S3 gives the object the MD5 of its data as ETag
	put      func(*s3.PutObjectInput)
	copyDst  func(*s3.CopyObjectInput)
	copySrc  func(*s3.CopyObjectInput)
	get      func(*s3.GetObjectInput)
	head     func(*s3.HeadObjectInput)
}

func sseCases(k ssecKey) []sseCase {
	alg := aws.String("AES256")
	return []sseCase{
		{name: "sse-s3", plainTag: true,
			put:     func(in *s3.PutObjectInput) { in.ServerSideEncryption = types.ServerSideEncryptionAes256 },
			copyDst: func(in *s3.CopyObjectInput) { in.ServerSideEncryption = types.ServerSideEncryptionAes256 },
			copySrc: func(*s3.CopyObjectInput) {}, get: func(*s3.GetObjectInput) {}, head: func(*s3.HeadObjectInput) {}},
		{name: "sse-kms",
			put:     func(in *s3.PutObjectInput) { in.ServerSideEncryption = types.ServerSideEncryptionAwsKms },
			copyDst: func(in *s3.CopyObjectInput) { in.ServerSideEncryption = types.ServerSideEncryptionAwsKms },
			copySrc: func(*s3.CopyObjectInput) {}, get: func(*s3.GetObjectInput) {}, head: func(*s3.HeadObjectInput) {}},
		{name: "sse-c",
			put: func(in *s3.PutObjectInput) {
				in.SSECustomerAlgorithm, in.SSECustomerKey, in.SSECustomerKeyMD5 = alg, aws.String(k.key), aws.String(k.md5)
			},
			copyDst: func(in *s3.CopyObjectInput) {
				in.SSECustomerAlgorithm, in.SSECustomerKey, in.SSECustomerKeyMD5 = alg, aws.String(k.key), aws.String(k.md5)
			},
			copySrc: func(in *s3.CopyObjectInput) {
				in.CopySourceSSECustomerAlgorithm, in.CopySourceSSECustomerKey, in.CopySourceSSECustomerKeyMD5 = alg, aws.String(k.key), aws.String(k.md5)
			},
			get: func(in *s3.GetObjectInput) {
				in.SSECustomerAlgorithm, in.SSECustomerKey, in.SSECustomerKeyMD5 = alg, aws.String(k.key), aws.String(k.md5)
			},
			head: func(in *s3.HeadObjectInput) {
				in.SSECustomerAlgorithm, in.SSECustomerKey, in.SSECustomerKeyMD5 = alg, aws.String(k.key), aws.String(k.md5)
			}},
	}
}

// listedETag is the ETag ListObjectsV2 shows for key.
func (e *env) listedETag(key string) string {
	e.t.Helper()
	out, err := e.c.ListObjectsV2(e.ctx, &s3.ListObjectsV2Input{Bucket: aws.String(e.bucket), Prefix: aws.String(key)})
	wantNoErr(e.t, err)
	for _, o := range out.Contents {
		if aws.ToString(o.Key) == key {
			return aws.ToString(o.ETag)
		}
	}
	e.t.Fatalf("%s not listed", key)
	return ""
}

// checkETag checks that key's ETag is etag everywhere it shows, and that
// conditional reads and copies accept it.
func (e *env) checkETag(c sseCase, key, etag string) {
	e.t.Helper()
	t := e.t
	head := &s3.HeadObjectInput{Bucket: aws.String(e.bucket), Key: aws.String(key)}
	c.head(head)
	h, err := e.c.HeadObject(e.ctx, head)
	wantNoErr(t, err)
	got, _, err := e.get(key, c.get)
	wantNoErr(t, err)
	if aws.ToString(h.ETag) != etag || aws.ToString(got.ETag) != etag || e.listedETag(key) != etag {
		t.Fatalf("%s %s: ETag written %s, HEAD %s, GET %s, listed %s", c.name, key, etag, aws.ToString(h.ETag), aws.ToString(got.ETag), e.listedETag(key))
	}
	_, _, err = e.get(key, c.get, func(in *s3.GetObjectInput) { in.IfMatch = aws.String(etag) })
	wantNoErr(t, err)
	_, _, err = e.get(key, c.get, func(in *s3.GetObjectInput) { in.IfNoneMatch = aws.String(etag) })
	if httpStatus(err) != 304 {
		t.Fatalf("%s %s: If-None-Match of its ETag: %v", c.name, key, err)
	}
	cp := &s3.CopyObjectInput{Bucket: aws.String(e.bucket), Key: aws.String(key + ".ifmatch"),
		CopySource: aws.String(e.bucket + "/" + key), CopySourceIfMatch: aws.String(etag)}
	c.copySrc(cp)
	_, err = e.c.CopyObject(e.ctx, cp)
	wantNoErr(t, err)
}

func TestEncryptedETags(t *testing.T) {
	e := newEnv(t)
	k := newSSECKey(5)
	data := []byte(strings.Repeat("etag test data ", 5000))
	etags := map[string]string{}
	for _, c := range sseCases(k) {
		sum := md5.Sum(data)
		out := e.put(c.name, string(data), c.put, func(in *s3.PutObjectInput) {
			in.ContentMD5 = aws.String(base64.StdEncoding.EncodeToString(sum[:]))
		})
		etag := aws.ToString(out.ETag)
		if (etag == md5ETag(data)) != c.plainTag || len(etag) != 34 {
			t.Fatalf("%s: PUT ETag %s, MD5 of the data %s", c.name, etag, md5ETag(data))
		}
		etags[c.name] = etag
		e.checkETag(c, c.name, etag)
		// Conditional writes compare the same ETag.
		in := &s3.PutObjectInput{Bucket: aws.String(e.bucket), Key: aws.String(c.name), Body: bytes.NewReader(data), IfMatch: aws.String(md5ETag(data))}
		c.put(in)
		if _, err := e.c.PutObject(e.ctx, in); (err == nil) != c.plainTag {
			t.Fatalf("%s: PUT If-Match the data's MD5: %v", c.name, err)
		}
		in = &s3.PutObjectInput{Bucket: aws.String(e.bucket), Key: aws.String(c.name + ".cond"), Body: bytes.NewReader(data)}
		c.put(in)
		etag = aws.ToString(e.mustPut(in).ETag)
		in.IfMatch = aws.String(etag)
		in.Body = bytes.NewReader(data)
		wantNoErr(t, e.putErr(in))
		// Content-MD5 is still checked against the plaintext.
		bad := md5.Sum([]byte("not the data"))
		in = &s3.PutObjectInput{Bucket: aws.String(e.bucket), Key: aws.String(c.name + ".bad"),
			Body: bytes.NewReader(data), ContentMD5: aws.String(base64.StdEncoding.EncodeToString(bad[:]))}
		c.put(in)
		wantCode(t, e.putErr(in), "BadDigest")

		// A copy into each mode gets that mode's kind of ETag.
		for _, dst := range sseCases(k) {
			key := c.name + ".to." + dst.name
			cp := &s3.CopyObjectInput{Bucket: aws.String(e.bucket), Key: aws.String(key), CopySource: aws.String(e.bucket + "/" + c.name)}
			c.copySrc(cp)
			dst.copyDst(cp)
			res, err := e.c.CopyObject(e.ctx, cp)
			wantNoErr(t, err)
			ce := aws.ToString(res.CopyObjectResult.ETag)
			if (ce == md5ETag(data)) != dst.plainTag {
				t.Fatalf("copy %s: ETag %s, MD5 of the data %s", key, ce, md5ETag(data))
			}
			if !dst.plainTag && ce == etag {
				t.Fatalf("copy %s has its source's ETag %s", key, ce)
			}
			e.checkETag(dst, key, ce)
		}
	}
	// The same bytes uploaded again get a new ETag: it says nothing of the data.
	for _, c := range sseCases(k)[1:] {
		again := aws.ToString(e.put(c.name, string(data), c.put).ETag)
		if again == etags[c.name] || again == md5ETag(data) {
			t.Fatalf("%s: re-upload ETag %s, first %s", c.name, again, etags[c.name])
		}
	}
}

func (e *env) putErr(in *s3.PutObjectInput) error {
	_, err := e.c.PutObject(e.ctx, in)
	return err
}

func (e *env) mustPut(in *s3.PutObjectInput) *s3.PutObjectOutput {
	e.t.Helper()
	out, err := e.c.PutObject(e.ctx, in)
	wantNoErr(e.t, err)
	return out
}

// restartEnv serves dir again after e's server stopped.
func restartEnv(t *testing.T, e *env, dir string, opts ...testserver.Option) *env {
	srv := testserver.Start(t, append([]testserver.Option{testserver.WithDataDir(dir)}, opts...)...)
	return &env{t: t, srv: srv, c: srv.Client(), ctx: e.ctx, bucket: e.bucket}
}

func TestEncryptedMultipartETagKeepsItsForm(t *testing.T) {
	e := newEnv(t)
	create, err := e.c.CreateMultipartUpload(e.ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String(e.bucket), Key: aws.String("mp"),
		ServerSideEncryption: types.ServerSideEncryptionAwsKms})
	wantNoErr(t, err)
	parts := [][]byte{bytes.Repeat([]byte("p"), 5<<20), []byte("last part")}
	var done []types.CompletedPart
	var sums []byte
	for i, p := range parts {
		up, err := e.c.UploadPart(e.ctx, &s3.UploadPartInput{Bucket: aws.String(e.bucket), Key: aws.String("mp"), UploadId: create.UploadId,
			PartNumber: aws.Int32(int32(i + 1)), Body: bytes.NewReader(p)})
		wantNoErr(t, err)
		if aws.ToString(up.ETag) != md5ETag(p) {
			t.Fatalf("part %d ETag %s", i+1, aws.ToString(up.ETag))
		}
		s := md5.Sum(p)
		sums = append(sums, s[:]...)
		done = append(done, types.CompletedPart{PartNumber: aws.Int32(int32(i + 1)), ETag: up.ETag})
	}
	out, err := e.c.CompleteMultipartUpload(e.ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String(e.bucket), Key: aws.String("mp"),
		UploadId: create.UploadId, MultipartUpload: &types.CompletedMultipartUpload{Parts: done}})
	wantNoErr(t, err)
	want := strings.TrimSuffix(md5ETag(sums), `"`) + `-2"`
	if aws.ToString(out.ETag) != want || e.listedETag("mp") != want {
		t.Fatalf("multipart ETag %s, listed %s, want %s", aws.ToString(out.ETag), e.listedETag("mp"), want)
	}
}

// The metadata engine keeps no MD5 of an SSE-C key, and a wrong key is
// still refused with 403 AccessDenied, before and after a restart.
func TestSSECKeyMD5NotStored(t *testing.T) {
	e := newEnv(t)
	k, wrong := newSSECKey(6), newSSECKey(7)
	c := sseCases(k)[2]
	e.put("small", "tiny", c.put)
	e.put("large", strings.Repeat("x", 200<<10), c.put)
	_, err := e.c.CreateMultipartUpload(e.ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String(e.bucket), Key: aws.String("mp"),
		SSECustomerAlgorithm: aws.String("AES256"), SSECustomerKey: aws.String(k.key), SSECustomerKeyMD5: aws.String(k.md5)})
	wantNoErr(t, err)
	dir := e.srv.DataDir
	e.srv.Stop(t)
	raw, _ := base64.StdEncoding.DecodeString(k.md5)
	m := testserver.OpenMeta(t, dir)
	it, err := m.NewIter(e.ctx, nil, []byte{0xff})
	wantNoErr(t, err)
	records := 0
	for ok := it.First(); ok; ok = it.Next() {
		v, err := it.Value()
		wantNoErr(t, err)
		if bytes.Contains(v, raw) {
			t.Errorf("record %q holds the customer key's MD5", it.Key())
		}
		records++
	}
	it.Close()
	m.Close()
	if records < 3 {
		t.Fatalf("only %d records scanned", records)
	}
	e2 := restartEnv(t, e, dir)
	for _, key := range []string{"small", "large"} {
		_, _, err = e2.get(key, func(in *s3.GetObjectInput) {
			in.SSECustomerAlgorithm, in.SSECustomerKey, in.SSECustomerKeyMD5 = aws.String("AES256"), aws.String(wrong.key), aws.String(wrong.md5)
		})
		wantCode(t, err, "AccessDenied")
		got, _, err := e2.get(key, c.get)
		wantNoErr(t, err)
		if aws.ToString(got.SSECustomerKeyMD5) != k.md5 {
			t.Fatalf("%s: GET echoes key MD5 %q", key, aws.ToString(got.SSECustomerKeyMD5))
		}
	}
}
