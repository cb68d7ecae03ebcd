package s3api_test

import (
	"bytes"
	"crypto/md5"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/hoard-s3/hoard/internal/server"
)

// ssecKey is an SSE-C key with its headers' values.
type ssecKey struct{ key, md5 string }

func newSSECKey(b byte) ssecKey {
	k := bytes.Repeat([]byte{b}, 32)
	sum := md5.Sum(k)
	return ssecKey{base64.StdEncoding.EncodeToString(k), base64.StdEncoding.EncodeToString(sum[:])}
}

func httpStatus(err error) int {
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}

func TestSSES3ByDefault(t *testing.T) {
	e := newEnv(t)
	out := e.put("plain", "hello")
	if out.ServerSideEncryption != types.ServerSideEncryptionAes256 {
		t.Fatalf("PUT answered SSE %q", out.ServerSideEncryption)
	}
	got, body, err := e.get("plain")
	wantNoErr(t, err)
	if body != "hello" || got.ServerSideEncryption != types.ServerSideEncryptionAes256 {
		t.Fatalf("GET %q, SSE %q", body, got.ServerSideEncryption)
	}
	out = e.put("explicit", "x", func(in *s3.PutObjectInput) { in.ServerSideEncryption = types.ServerSideEncryptionAes256 })
	if out.ServerSideEncryption != types.ServerSideEncryptionAes256 {
		t.Fatalf("explicit AES256: %q", out.ServerSideEncryption)
	}
	r := e.signedDo("PUT", "/"+e.bucket+"/bad", []byte("x"), map[string]string{"X-Amz-Server-Side-Encryption": "DES"})
	r.wantError(t, 400, "InvalidArgument")
	r = e.signedDo("GET", "/"+e.bucket+"/plain", nil, map[string]string{"X-Amz-Server-Side-Encryption": "AES256"})
	r.wantError(t, 400, "InvalidArgument")
}

func TestSSEC(t *testing.T) {
	e := newEnv(t)
	k, wrong := newSSECKey(1), newSSECKey(2)
	data := strings.Repeat("0123456789", 20000) // several 64 KiB packages
	out := e.put("c", data, func(in *s3.PutObjectInput) {
		in.SSECustomerAlgorithm, in.SSECustomerKey, in.SSECustomerKeyMD5 = aws.String("AES256"), aws.String(k.key), aws.String(k.md5)
	})
	if aws.ToString(out.SSECustomerAlgorithm) != "AES256" || aws.ToString(out.SSECustomerKeyMD5) != k.md5 || out.ServerSideEncryption != "" {
		t.Fatalf("PUT answered %q %q %q", aws.ToString(out.SSECustomerAlgorithm), aws.ToString(out.SSECustomerKeyMD5), out.ServerSideEncryption)
	}
	withKey := func(k ssecKey) func(*s3.GetObjectInput) {
		return func(in *s3.GetObjectInput) {
			in.SSECustomerAlgorithm, in.SSECustomerKey, in.SSECustomerKeyMD5 = aws.String("AES256"), aws.String(k.key), aws.String(k.md5)
		}
	}
	got, body, err := e.get("c", withKey(k), func(in *s3.GetObjectInput) { in.Range = aws.String("bytes=65530-65545") })
	wantNoErr(t, err)
	if body != data[65530:65546] || aws.ToString(got.SSECustomerKeyMD5) != k.md5 {
		t.Fatalf("range GET %q", body)
	}
	_, _, err = e.get("c")
	wantCode(t, err, "InvalidRequest")
	_, _, err = e.get("c", withKey(wrong))
	wantCode(t, err, "AccessDenied")
	_, err = e.c.HeadObject(e.ctx, &s3.HeadObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("c")})
	if httpStatus(err) != 400 {
		t.Fatalf("HEAD without key: %v", err)
	}
	_, err = e.c.HeadObject(e.ctx, &s3.HeadObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("c"),
		SSECustomerAlgorithm: aws.String("AES256"), SSECustomerKey: aws.String(wrong.key), SSECustomerKeyMD5: aws.String(wrong.md5)})
	if httpStatus(err) != 403 {
		t.Fatalf("HEAD with wrong key: %v", err)
	}
	bad := map[string]string{"X-Amz-Server-Side-Encryption-Customer-Algorithm": "AES256",
		"X-Amz-Server-Side-Encryption-Customer-Key": k.key, "X-Amz-Server-Side-Encryption-Customer-Key-Md5": wrong.md5}
	e.signedDo("PUT", "/"+e.bucket+"/d", []byte("x"), bad).wantError(t, 400, "InvalidArgument")
	bad["X-Amz-Server-Side-Encryption-Customer-Algorithm"] = "AES128"
	e.signedDo("PUT", "/"+e.bucket+"/d", []byte("x"), bad).wantError(t, 400, "InvalidEncryptionAlgorithmError")
	attrs := &s3.GetObjectAttributesInput{Bucket: aws.String(e.bucket), Key: aws.String("c"),
		ObjectAttributes: []types.ObjectAttributes{types.ObjectAttributesObjectSize}}
	_, err = e.c.GetObjectAttributes(e.ctx, attrs)
	wantCode(t, err, "InvalidRequest")
	attrs.SSECustomerAlgorithm, attrs.SSECustomerKey, attrs.SSECustomerKeyMD5 = aws.String("AES256"), aws.String(k.key), aws.String(k.md5)
	if a, err := e.c.GetObjectAttributes(e.ctx, attrs); err != nil || aws.ToInt64(a.ObjectSize) != int64(len(data)) {
		t.Fatalf("attributes with the key: %v", err)
	}
	for _, hdr := range []map[string]string{
		{"X-Amz-Server-Side-Encryption-Customer-Algorithm": "AES256", "X-Amz-Server-Side-Encryption-Customer-Key": "!!not base64!!", "X-Amz-Server-Side-Encryption-Customer-Key-Md5": k.md5},
		{"X-Amz-Server-Side-Encryption-Customer-Algorithm": "AES256", "X-Amz-Server-Side-Encryption-Customer-Key": base64.StdEncoding.EncodeToString([]byte("short"))},
		{"X-Amz-Server-Side-Encryption-Customer-Key": k.key, "X-Amz-Server-Side-Encryption-Customer-Key-Md5": k.md5},
		{"X-Amz-Server-Side-Encryption": "AES256", "X-Amz-Server-Side-Encryption-Customer-Algorithm": "AES256", "X-Amz-Server-Side-Encryption-Customer-Key": k.key, "X-Amz-Server-Side-Encryption-Customer-Key-Md5": k.md5},
		{"X-Amz-Server-Side-Encryption": "aws:kms", "X-Amz-Server-Side-Encryption-Context": base64.StdEncoding.EncodeToString([]byte(`{"a":1}`))},
		{"X-Amz-Server-Side-Encryption": "AES256", "X-Amz-Server-Side-Encryption-Bucket-Key-Enabled": "maybe"},
	} {
		e.signedDo("PUT", "/"+e.bucket+"/hostile", []byte("x"), hdr).wantError(t, 400, "InvalidArgument")
	}
	if e.objectExists("hostile") {
		t.Fatal("object stored by a refused request")
	}
	// A key for an object not stored with one.
	e.put("s3", "x")
	_, _, err = e.get("s3", withKey(k))
	wantCode(t, err, "InvalidRequest")
}

func TestSSECPresigned(t *testing.T) {
	e := newEnv(t)
	k := newSSECKey(3)
	pc := s3.NewPresignClient(e.c)
	put, err := pc.PresignPutObject(e.ctx, &s3.PutObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("p"),
		SSECustomerAlgorithm: aws.String("AES256"), SSECustomerKey: aws.String(k.key), SSECustomerKeyMD5: aws.String(k.md5)})
	wantNoErr(t, err)
	req, _ := http.NewRequestWithContext(e.ctx, put.Method, put.URL, strings.NewReader("presigned secret"))
	req.Header = put.SignedHeader.Clone()
	if r := e.do(req); r.status != 200 || r.header.Get("X-Amz-Server-Side-Encryption-Customer-Key-Md5") != k.md5 {
		t.Fatalf("presigned PUT: %d %s", r.status, r.body)
	}
	get, err := pc.PresignGetObject(e.ctx, &s3.GetObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("p"),
		SSECustomerAlgorithm: aws.String("AES256"), SSECustomerKey: aws.String(k.key), SSECustomerKeyMD5: aws.String(k.md5)})
	wantNoErr(t, err)
	req, _ = http.NewRequestWithContext(e.ctx, get.Method, get.URL, nil)
	req.Header = get.SignedHeader.Clone()
	if r := e.do(req); r.status != 200 || string(r.body) != "presigned secret" {
		t.Fatalf("presigned GET: %d %s", r.status, r.body)
	}
	// The same URL without the key headers is refused: they are signed.
	req, _ = http.NewRequestWithContext(e.ctx, get.Method, get.URL, nil)
	if r := e.do(req); r.status == 200 {
		t.Fatal("presigned GET without the key headers succeeded")
	}
}

func TestSSEKMS(t *testing.T) {
	e := newEnv(t)
	km := e.createKey("test key")
	ectx := base64.StdEncoding.EncodeToString([]byte(`{"project":"hoard"}`))
	out := e.put("k", "kms data", func(in *s3.PutObjectInput) {
		in.ServerSideEncryption, in.SSEKMSKeyId, in.SSEKMSEncryptionContext = types.ServerSideEncryptionAwsKms, aws.String(km.KeyID), aws.String(ectx)
		in.BucketKeyEnabled = aws.Bool(true)
	})
	if out.ServerSideEncryption != types.ServerSideEncryptionAwsKms || aws.ToString(out.SSEKMSKeyId) != km.ARN || !aws.ToBool(out.BucketKeyEnabled) {
		t.Fatalf("PUT answered %q %q", out.ServerSideEncryption, aws.ToString(out.SSEKMSKeyId))
	}
	raw, _ := base64.StdEncoding.DecodeString(aws.ToString(out.SSEKMSEncryptionContext))
	var ec map[string]string
	if json.Unmarshal(raw, &ec) != nil || ec["project"] != "hoard" || ec["aws:s3:arn"] != "arn:aws:s3:::"+e.bucket+"/k" {
		t.Fatalf("encryption context %s", raw)
	}
	got, body, err := e.get("k")
	wantNoErr(t, err)
	if body != "kms data" || got.ServerSideEncryption != types.ServerSideEncryptionAwsKms || aws.ToString(got.SSEKMSKeyId) != km.ARN {
		t.Fatalf("GET %q %q", body, got.ServerSideEncryption)
	}
	// The default key (aws/s3) when none is named.
	out = e.put("d", "x", func(in *s3.PutObjectInput) { in.ServerSideEncryption = types.ServerSideEncryptionAwsKms })
	if aws.ToString(out.SSEKMSKeyId) == "" {
		t.Fatal("no key ARN for the default KMS key")
	}
	_, err = e.c.PutObject(e.ctx, &s3.PutObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("u"), Body: strings.NewReader("x"),
		ServerSideEncryption: types.ServerSideEncryptionAwsKms, SSEKMSKeyId: aws.String("00000000-0000-0000-0000-000000000000")})
	wantCode(t, err, "KMS.NotFoundException")
	_, err = e.srv.KMSClient().DisableKey(e.ctx, &kms.DisableKeyInput{KeyId: &km.KeyID})
	wantNoErr(t, err)
	_, err = e.c.PutObject(e.ctx, &s3.PutObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("u"), Body: strings.NewReader("x"),
		ServerSideEncryption: types.ServerSideEncryptionAwsKms, SSEKMSKeyId: aws.String(km.KeyID)})
	wantCode(t, err, "KMS.DisabledException")
	r := e.signedDo("PUT", "/"+e.bucket+"/v", []byte("x"), map[string]string{"X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id": km.KeyID})
	r.wantError(t, 400, "InvalidArgument")
	r = e.signedDo("PUT", "/"+e.bucket+"/v", []byte("x"), map[string]string{"X-Amz-Server-Side-Encryption": "aws:kms", "X-Amz-Server-Side-Encryption-Context": "bm90IGpzb24="})
	r.wantError(t, 400, "InvalidArgument")
}

func TestBucketEncryption(t *testing.T) {
	e := newEnv(t)
	got, err := e.c.GetBucketEncryption(e.ctx, &s3.GetBucketEncryptionInput{Bucket: aws.String(e.bucket)})
	wantNoErr(t, err)
	rules := got.ServerSideEncryptionConfiguration.Rules
	if len(rules) != 1 || rules[0].ApplyServerSideEncryptionByDefault.SSEAlgorithm != types.ServerSideEncryptionAes256 {
		t.Fatalf("default encryption %+v", rules)
	}
	km := e.createKey("bucket default")
	wantNoErr(t, err)
	_, err = e.c.PutBucketEncryption(e.ctx, &s3.PutBucketEncryptionInput{Bucket: aws.String(e.bucket),
		ServerSideEncryptionConfiguration: &types.ServerSideEncryptionConfiguration{Rules: []types.ServerSideEncryptionRule{{
			ApplyServerSideEncryptionByDefault: &types.ServerSideEncryptionByDefault{SSEAlgorithm: types.ServerSideEncryptionAwsKms, KMSMasterKeyID: aws.String(km.KeyID)},
			BucketKeyEnabled:                   aws.Bool(true),
		}}}})
	wantNoErr(t, err)
	got, err = e.c.GetBucketEncryption(e.ctx, &s3.GetBucketEncryptionInput{Bucket: aws.String(e.bucket)})
	wantNoErr(t, err)
	r := got.ServerSideEncryptionConfiguration.Rules[0]
	if r.ApplyServerSideEncryptionByDefault.SSEAlgorithm != types.ServerSideEncryptionAwsKms || aws.ToString(r.ApplyServerSideEncryptionByDefault.KMSMasterKeyID) != km.KeyID || !aws.ToBool(r.BucketKeyEnabled) {
		t.Fatalf("after put: %+v", r)
	}
	out := e.put("k", "x")
	if out.ServerSideEncryption != types.ServerSideEncryptionAwsKms || aws.ToString(out.SSEKMSKeyId) != km.ARN {
		t.Fatalf("object under a KMS default: %q", out.ServerSideEncryption)
	}
	_, err = e.c.DeleteBucketEncryption(e.ctx, &s3.DeleteBucketEncryptionInput{Bucket: aws.String(e.bucket)})
	wantNoErr(t, err)
	if out := e.put("k2", "x"); out.ServerSideEncryption != types.ServerSideEncryptionAes256 {
		t.Fatalf("after delete: %q", out.ServerSideEncryption)
	}
	body := []byte(`<ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>DES</SSEAlgorithm></ApplyServerSideEncryptionByDefault></Rule></ServerSideEncryptionConfiguration>`)
	sum := md5.Sum(body)
	e.signedDo("PUT", "/"+e.bucket+"?encryption", body, map[string]string{"Content-Md5": base64.StdEncoding.EncodeToString(sum[:])}).wantError(t, 400, "MalformedXML")
	_, err = e.c.GetBucketEncryption(e.ctx, &s3.GetBucketEncryptionInput{Bucket: aws.String("no-such-bucket-enc")})
	wantCode(t, err, "NoSuchBucket")
}

func TestSSEMultipartAndCopy(t *testing.T) {
	e := newEnv(t)
	k := newSSECKey(4)
	create, err := e.c.CreateMultipartUpload(e.ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String(e.bucket), Key: aws.String("mp"),
		SSECustomerAlgorithm: aws.String("AES256"), SSECustomerKey: aws.String(k.key), SSECustomerKeyMD5: aws.String(k.md5)})
	wantNoErr(t, err)
	if aws.ToString(create.SSECustomerKeyMD5) != k.md5 {
		t.Fatal("CreateMultipartUpload does not echo the key MD5")
	}
	part1 := bytes.Repeat([]byte("a"), 5<<20)
	part2 := []byte("tail of the object")
	var parts []types.CompletedPart
	for i, p := range [][]byte{part1, part2} {
		up, err := e.c.UploadPart(e.ctx, &s3.UploadPartInput{Bucket: aws.String(e.bucket), Key: aws.String("mp"), UploadId: create.UploadId,
			PartNumber: aws.Int32(int32(i + 1)), Body: bytes.NewReader(p),
			SSECustomerAlgorithm: aws.String("AES256"), SSECustomerKey: aws.String(k.key), SSECustomerKeyMD5: aws.String(k.md5)})
		wantNoErr(t, err)
		parts = append(parts, types.CompletedPart{PartNumber: aws.Int32(int32(i + 1)), ETag: up.ETag})
	}
	_, err = e.c.UploadPart(e.ctx, &s3.UploadPartInput{Bucket: aws.String(e.bucket), Key: aws.String("mp"), UploadId: create.UploadId,
		PartNumber: aws.Int32(3), Body: bytes.NewReader(part2)})
	wantCode(t, err, "InvalidRequest")
	_, err = e.c.CompleteMultipartUpload(e.ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String(e.bucket), Key: aws.String("mp"),
		UploadId: create.UploadId, MultipartUpload: &types.CompletedMultipartUpload{Parts: parts},
		SSECustomerAlgorithm: aws.String("AES256"), SSECustomerKey: aws.String(k.key), SSECustomerKeyMD5: aws.String(k.md5)})
	wantNoErr(t, err)
	whole := append(append([]byte(nil), part1...), part2...)
	_, body, err := e.get("mp", func(in *s3.GetObjectInput) {
		in.SSECustomerAlgorithm, in.SSECustomerKey, in.SSECustomerKeyMD5 = aws.String("AES256"), aws.String(k.key), aws.String(k.md5)
		in.Range = aws.String("bytes=5242870-5242889")
	})
	wantNoErr(t, err)
	if body != string(whole[5242870:5242890]) {
		t.Fatalf("range across parts: %q", body)
	}
	// Copy the SSE-C object to SSE-S3; then copy it onto itself as SSE-C.
	cp, err := e.c.CopyObject(e.ctx, &s3.CopyObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("copy"), CopySource: aws.String(e.bucket + "/mp"),
		CopySourceSSECustomerAlgorithm: aws.String("AES256"), CopySourceSSECustomerKey: aws.String(k.key), CopySourceSSECustomerKeyMD5: aws.String(k.md5)})
	wantNoErr(t, err)
	if cp.ServerSideEncryption != types.ServerSideEncryptionAes256 {
		t.Fatalf("copy SSE %q", cp.ServerSideEncryption)
	}
	_, err = e.c.CopyObject(e.ctx, &s3.CopyObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("copy2"), CopySource: aws.String(e.bucket + "/mp")})
	wantCode(t, err, "InvalidRequest")
	cp, err = e.c.CopyObject(e.ctx, &s3.CopyObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("copy"), CopySource: aws.String(e.bucket + "/copy"),
		SSECustomerAlgorithm: aws.String("AES256"), SSECustomerKey: aws.String(k.key), SSECustomerKeyMD5: aws.String(k.md5)})
	wantNoErr(t, err)
	if aws.ToString(cp.SSECustomerKeyMD5) != k.md5 {
		t.Fatal("self copy to SSE-C does not echo the key")
	}
	_, body, err = e.get("copy", func(in *s3.GetObjectInput) {
		in.SSECustomerAlgorithm, in.SSECustomerKey, in.SSECustomerKeyMD5 = aws.String("AES256"), aws.String(k.key), aws.String(k.md5)
	})
	if err != nil || body != string(whole) {
		t.Fatalf("copied object: %v", err)
	}
	// UploadPartCopy from the SSE-C object into an SSE-S3 upload.
	up2, err := e.c.CreateMultipartUpload(e.ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String(e.bucket), Key: aws.String("pc")})
	wantNoErr(t, err)
	pc, err := e.c.UploadPartCopy(e.ctx, &s3.UploadPartCopyInput{Bucket: aws.String(e.bucket), Key: aws.String("pc"), UploadId: up2.UploadId,
		PartNumber: aws.Int32(1), CopySource: aws.String(e.bucket + "/mp"), CopySourceRange: aws.String("bytes=5242870-5242889"),
		CopySourceSSECustomerAlgorithm: aws.String("AES256"), CopySourceSSECustomerKey: aws.String(k.key), CopySourceSSECustomerKeyMD5: aws.String(k.md5)})
	wantNoErr(t, err)
	if pc.ServerSideEncryption != types.ServerSideEncryptionAes256 {
		t.Fatalf("part copy SSE %q", pc.ServerSideEncryption)
	}
}

// logBuffer collects JSON log lines.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) lines() []map[string]any {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []map[string]any
	d := json.NewDecoder(bytes.NewReader(l.b.Bytes()))
	for {
		var m map[string]any
		if err := d.Decode(&m); err == io.EOF || err != nil {
			return out
		}
		out = append(out, m)
	}
}

func TestAccessLogSaysEncryptionApplied(t *testing.T) {
	logs := &logBuffer{}
	e := newEnv(t, func(c *server.Config) { c.Logger = slog.New(slog.NewJSONHandler(logs, nil)) })
	e.put("a", "x")
	e.put("b", "x", func(in *s3.PutObjectInput) { in.ServerSideEncryption = types.ServerSideEncryptionAes256 })
	want := map[string]string{"a": "Default_SSE_S3", "b": "SSE_S3"}
	for _, l := range logs.lines() {
		if l["operation"] != "PutObject" {
			continue
		}
		k, _ := l["key"].(string)
		if got := l["sse_applied"]; got != want[k] {
			t.Errorf("PUT %s logged sse_applied %v, want %s", k, got, want[k])
		}
		delete(want, k)
	}
	if len(want) > 0 {
		t.Fatalf("no log line for %v", want)
	}
}

// Every part of an SSE-C upload must carry the upload's key.
func TestSSECPartWithAnotherKey(t *testing.T) {
	e := newEnv(t)
	k, other := newSSECKey(3), newSSECKey(4)
	id := e.createUpload("mp", func(in *s3.CreateMultipartUploadInput) {
		in.SSECustomerAlgorithm, in.SSECustomerKey, in.SSECustomerKeyMD5 = aws.String("AES256"), aws.String(k.key), aws.String(k.md5)
	})
	_, err := e.c.UploadPart(e.ctx, &s3.UploadPartInput{Bucket: aws.String(e.bucket), Key: aws.String("mp"), UploadId: aws.String(id),
		PartNumber: aws.Int32(1), Body: strings.NewReader("part"),
		SSECustomerAlgorithm: aws.String("AES256"), SSECustomerKey: aws.String(other.key), SSECustomerKeyMD5: aws.String(other.md5)})
	wantStatusCode(t, err, 400, "InvalidArgument")
	// A copied part too: the upload's key is the one that counts.
	e.put("src", "source")
	_, err = e.c.UploadPartCopy(e.ctx, &s3.UploadPartCopyInput{Bucket: aws.String(e.bucket), Key: aws.String("mp"), UploadId: aws.String(id),
		PartNumber: aws.Int32(1), CopySource: aws.String(e.bucket + "/src"),
		SSECustomerAlgorithm: aws.String("AES256"), SSECustomerKey: aws.String(other.key), SSECustomerKeyMD5: aws.String(other.md5)})
	wantStatusCode(t, err, 400, "InvalidArgument")
	parts, err := e.c.ListParts(e.ctx, &s3.ListPartsInput{Bucket: aws.String(e.bucket), Key: aws.String("mp"), UploadId: aws.String(id)})
	wantNoErr(t, err)
	if len(parts.Parts) != 0 {
		t.Fatalf("a refused part was stored: %+v", parts.Parts)
	}
	// Completing takes the upload's key too.
	p, err := e.c.UploadPart(e.ctx, &s3.UploadPartInput{Bucket: aws.String(e.bucket), Key: aws.String("mp"), UploadId: aws.String(id),
		PartNumber: aws.Int32(1), Body: strings.NewReader("part"),
		SSECustomerAlgorithm: aws.String("AES256"), SSECustomerKey: aws.String(k.key), SSECustomerKeyMD5: aws.String(k.md5)})
	wantNoErr(t, err)
	list := []types.CompletedPart{{PartNumber: aws.Int32(1), ETag: p.ETag}}
	_, err = e.complete("mp", id, list)
	wantStatusCode(t, err, 400, "InvalidRequest")
	_, err = e.complete("mp", id, list, func(in *s3.CompleteMultipartUploadInput) {
		in.SSECustomerAlgorithm, in.SSECustomerKey, in.SSECustomerKeyMD5 = aws.String("AES256"), aws.String(other.key), aws.String(other.md5)
	})
	wantStatusCode(t, err, 400, "InvalidArgument")
	done, err := e.complete("mp", id, list, func(in *s3.CompleteMultipartUploadInput) {
		in.SSECustomerAlgorithm, in.SSECustomerKey, in.SSECustomerKeyMD5 = aws.String("AES256"), aws.String(k.key), aws.String(k.md5)
	})
	wantNoErr(t, err)
	// As every answer to a request that carried the key, Complete's echoes
	// the key's MD5.
	raw := awsmiddleware.GetRawResponse(done.ResultMetadata).(*smithyhttp.Response)
	if raw.Header.Get("X-Amz-Server-Side-Encryption-Customer-Key-Md5") != k.md5 ||
		raw.Header.Get("X-Amz-Server-Side-Encryption-Customer-Algorithm") != "AES256" {
		t.Fatalf("Complete answered SSE-C headers %v", raw.Header)
	}
	_, body, err := e.get("mp", func(in *s3.GetObjectInput) {
		in.SSECustomerAlgorithm, in.SSECustomerKey, in.SSECustomerKeyMD5 = aws.String("AES256"), aws.String(k.key), aws.String(k.md5)
	})
	if err != nil || body != "part" {
		t.Fatalf("read back %q, %v", body, err)
	}
}

// TestSSECPartOutOfRange: a part the SSE-C object does not have is
// InvalidPart, with or without the key; a part it has needs the key.
func TestSSECPartOutOfRange(t *testing.T) {
	e := newEnv(t)
	k := newSSECKey(5)
	e.put("enc", "secret", func(in *s3.PutObjectInput) {
		in.SSECustomerAlgorithm, in.SSECustomerKey, in.SSECustomerKeyMD5 = aws.String("AES256"), aws.String(k.key), aws.String(k.md5)
	})
	_, _, err := e.get("enc", func(in *s3.GetObjectInput) { in.PartNumber = aws.Int32(5) })
	wantStatusCode(t, err, 400, "InvalidPart")
	_, _, err = e.get("enc", func(in *s3.GetObjectInput) { in.PartNumber = aws.Int32(1) })
	wantStatusCode(t, err, 400, "InvalidRequest")
	_, body, err := e.get("enc", func(in *s3.GetObjectInput) {
		in.PartNumber = aws.Int32(1)
		in.SSECustomerAlgorithm, in.SSECustomerKey, in.SSECustomerKeyMD5 = aws.String("AES256"), aws.String(k.key), aws.String(k.md5)
	})
	if err != nil || body != "secret" {
		t.Fatalf("part 1 with the key: %q %v", body, err)
	}
}
