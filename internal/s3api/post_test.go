package s3api_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/hoard-s3/hoard/internal/checksum"
	"github.com/hoard-s3/hoard/internal/testserver"
)

// browserForm is an HTML form upload as a browser sends it: fields in
// order, then the file.
type browserForm struct {
	fields     [][2]string
	conditions []any
	expires    time.Time
	secret     string
	asIs       bool
}

func newForm(conditions ...any) *browserForm {
	return &browserForm{conditions: conditions, expires: time.Now().Add(time.Hour), secret: testserver.SecretKey}
}

func (f *browserForm) field(name, value string) *browserForm {
	f.fields = append(f.fields, [2]string{name, value})
	return f
}

func hmacSHA256(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}

// sign adds the policy and SigV4 fields, as a backend signing a form does.
func (f *browserForm) sign(bucket string) [][2]string {
	now := time.Now().UTC()
	day := now.Format("20060102")
	cred := testserver.AccessKey + "/" + day + "/" + testserver.Region + "/s3/aws4_request"
	date := now.Format("20060102T150405Z")
	conds := append([]any{
		map[string]string{"bucket": bucket},
		map[string]string{"x-amz-algorithm": "AWS4-HMAC-SHA256"},
		map[string]string{"x-amz-credential": cred},
		map[string]string{"x-amz-date": date},
	}, f.conditions...)
	doc, _ := json.Marshal(map[string]any{"expiration": f.expires.UTC().Format("2006-01-02T15:04:05.000Z"), "conditions": conds})
	policy := base64.StdEncoding.EncodeToString(doc)
	key := hmacSHA256([]byte("AWS4"+f.secret), day)
	for _, s := range []string{testserver.Region, "s3", "aws4_request"} {
		key = hmacSHA256(key, s)
	}
	sig := hex.EncodeToString(hmacSHA256(key, policy))
	return append(f.fields, [][2]string{
		{"X-Amz-Algorithm", "AWS4-HMAC-SHA256"}, {"X-Amz-Credential", cred}, {"X-Amz-Date", date},
		{"Policy", policy}, {"X-Amz-Signature", sig},
	}...)
}

// post sends the form with the file to the bucket, as a browser would.
func (e *env) post(f *browserForm, filename string, file []byte) *rawResp {
	e.t.Helper()
	fields := f.fields
	if !f.asIs {
		fields = f.sign(e.bucket)
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for _, kv := range fields {
		mw.WriteField(kv[0], kv[1])
	}
	fw, _ := mw.CreateFormFile("file", filename)
	fw.Write(file)
	mw.WriteField("ignored-after-file", "x")
	mw.Close()
	req := e.newRaw("POST", "/"+e.bucket, body.Bytes())
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Origin", "https://app.example.com")
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noRedirect.Do(req)
	if err != nil {
		e.t.Fatalf("post: %v", err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	b.ReadFrom(resp.Body)
	return &rawResp{status: resp.StatusCode, header: resp.Header, body: b.Bytes()}
}

func TestPostObject(t *testing.T) {
	e := newEnv(t)
	f := newForm(
		[]any{"starts-with", "$key", "uploads/"},
		map[string]string{"success_action_status": "201"},
		[]any{"starts-with", "$Content-Type", "image/"},
		map[string]string{"x-amz-meta-owner": "alice"},
		[]any{"content-length-range", 1, 1000},
	).field("key", "uploads/${filename}").field("success_action_status", "201").
		field("Content-Type", "image/png").field("x-amz-meta-owner", "alice")
	r := e.post(f, `C:\photos\cat.png`, []byte("png bytes"))
	if r.status != 201 {
		t.Fatalf("post: %d %s", r.status, r.body)
	}
	var doc struct {
		Location, Bucket, Key, ETag string
	}
	if err := xml.Unmarshal(r.body, &doc); err != nil || doc.Key != "uploads/cat.png" || doc.Bucket != e.bucket ||
		doc.ETag != r.header.Get("ETag") || doc.Location == "" {
		t.Fatalf("PostResponse %s: %+v %v", r.body, doc, err)
	}
	got, body, err := e.get("uploads/cat.png")
	wantNoErr(t, err)
	if body != "png bytes" || aws.ToString(got.ContentType) != "image/png" || got.Metadata["owner"] != "alice" {
		t.Fatalf("stored %q %+v", body, got)
	}
}

func TestPostObjectStatusAndRedirect(t *testing.T) {
	e := newEnv(t)
	r := e.post(newForm(map[string]string{"key": "plain"}).field("key", "plain"), "a.txt", []byte("x"))
	if r.status != 204 || r.header.Get("ETag") == "" {
		t.Fatalf("default status: %d %v %s", r.status, r.header, r.body)
	}
	f := newForm(map[string]string{"key": "redir"}, map[string]string{"success_action_redirect": "https://app.example.com/done?x=1"}).
		field("key", "redir").field("success_action_redirect", "https://app.example.com/done?x=1")
	r = e.post(f, "a.txt", []byte("y"))
	loc, err := url.Parse(r.header.Get("Location"))
	if r.status != 303 || err != nil || loc.Host != "app.example.com" || loc.Query().Get("key") != "redir" ||
		loc.Query().Get("bucket") != e.bucket || loc.Query().Get("etag") == "" || loc.Query().Get("x") != "1" {
		t.Fatalf("redirect: %d %v", r.status, r.header)
	}
	// In S3's order, after the URL's own query.
	want := fmt.Sprintf("x=1&bucket=%s&key=redir&etag=%%22%s%%22", e.bucket, sumHex([]byte("y")))
	if loc.RawQuery != want {
		t.Fatalf("redirect query %q, want %q", loc.RawQuery, want)
	}
	if e.mustGet("redir") != "y" {
		t.Fatal("redirected upload not stored")
	}
	// S3 answers CORS headers on a form upload, so a page can read them.
	e.putCORS(uploadRule)
	r = e.post(newForm(map[string]string{"key": "cors"}).field("key", "cors"), "a.txt", []byte("z"))
	if r.status != 204 || r.header.Get("Access-Control-Allow-Origin") != appOrigin {
		t.Fatalf("cors on post: %d %v", r.status, r.header)
	}
}

func TestPostObjectChecksum(t *testing.T) {
	e := newEnv(t)
	form := func(key, sum string) *browserForm {
		return newForm(map[string]string{"key": key}, map[string]string{"x-amz-checksum-sha256": sum}).
			field("key", key).field("x-amz-checksum-sha256", sum)
	}
	if r := e.post(form("good", sumOf(checksum.SHA256, "data")), "f", []byte("data")); r.status != 204 {
		t.Fatalf("good checksum: %d %s", r.status, r.body)
	}
	head, err := e.c.HeadObject(e.ctx, &s3.HeadObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("good"), ChecksumMode: "ENABLED"})
	wantNoErr(t, err)
	if aws.ToString(head.ChecksumSHA256) != sumOf(checksum.SHA256, "data") {
		t.Fatalf("stored checksum %v", head.ChecksumSHA256)
	}
	e.post(form("bad", sumOf(checksum.SHA256, "other")), "f", []byte("data")).wantError(t, 400, "BadDigest")
	if e.objectExists("bad") {
		t.Fatal("object stored despite a bad checksum")
	}
	// A checksum field needs no condition of its own, and is still checked.
	bare := func(key, sum string) *browserForm {
		return newForm(map[string]string{"key": key}).field("key", key).field("x-amz-checksum-sha256", sum)
	}
	if r := e.post(bare("bare", sumOf(checksum.SHA256, "data")), "f", []byte("data")); r.status != 204 {
		t.Fatalf("checksum without a condition: %d %s", r.status, r.body)
	}
	e.post(bare("bare-bad", sumOf(checksum.SHA256, "other")), "f", []byte("data")).wantError(t, 400, "BadDigest")
	e.post(bare("bare-malformed", "sailorjerry"), "f", []byte("data")).wantError(t, 400, "InvalidRequest")
	if e.objectExists("bare-bad") || e.objectExists("bare-malformed") {
		t.Fatal("object stored despite a bad checksum")
	}
}

func TestPostObjectRefused(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name   string
		form   *browserForm
		file   string
		status int
		code   string
	}{
		{"key outside policy", newForm([]any{"starts-with", "$key", "uploads/"}).field("key", "other/x"), "data", 403, "AccessDenied"},
		{"extra field", newForm(map[string]string{"key": "x"}).field("key", "x").field("x-amz-meta-sneaky", "1"), "data", 403, "AccessDenied"},
		{"too large", newForm(map[string]string{"key": "x"}, []any{"content-length-range", 0, 3}).field("key", "x"), "data", 400, "EntityTooLarge"},
		{"too small", newForm(map[string]string{"key": "x"}, []any{"content-length-range", 10, 20}).field("key", "x"), "data", 400, "EntityTooSmall"},
		{"expired", func() *browserForm {
			f := newForm(map[string]string{"key": "x"}).field("key", "x")
			f.expires = time.Now().Add(-time.Minute)
			return f
		}(), "data", 403, "AccessDenied"},
		{"wrong secret", func() *browserForm {
			f := newForm(map[string]string{"key": "x"}).field("key", "x")
			f.secret = "not-the-secret"
			return f
		}(), "data", 403, "SignatureDoesNotMatch"},
		{"anonymous", func() *browserForm {
			f := newForm().field("key", "x")
			f.asIs = true
			return f
		}(), "data", 403, "AccessDenied"},
		{"acl", newForm(map[string]string{"key": "x"}, map[string]string{"acl": "public-read"}).field("key", "x").field("acl", "public-read"), "data", 400, "AccessControlListNotSupported"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.post(tt.form, "f.txt", []byte(tt.file)).wantError(t, tt.status, tt.code)
		})
	}
	if e.objectExists("x") || e.objectExists("other/x") {
		t.Fatal("a refused form stored an object")
	}
	// Not a form at all.
	req := e.newRaw("POST", "/"+e.bucket, []byte("x=1"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	e.do(req).wantError(t, 412, "PreconditionFailed")
}

// TestPresignedPostFromSDK posts a form whose policy the SDK's presign
// client built, as an application backend would hand it to a browser.
func TestPresignedPostFromSDK(t *testing.T) {
	e := newEnv(t)
	ps := s3.NewPresignClient(e.c)
	pp, err := ps.PresignPostObject(e.ctx, &s3.PutObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("sdk/form.bin")},
		func(o *s3.PresignPostOptions) {
			o.Expires = 10 * time.Minute
			o.Conditions = []any{[]any{"content-length-range", 1, 64}}
		})
	wantNoErr(t, err)
	f := &browserForm{asIs: true}
	for k, v := range pp.Values {
		f.field(k, v)
	}
	if r := e.post(f, "form.bin", []byte("hello from a browser")); r.status != 204 {
		t.Fatalf("sdk form: %d %s (url %s)", r.status, r.body, pp.URL)
	}
	if e.mustGet("sdk/form.bin") != "hello from a browser" {
		t.Fatal("sdk form upload not stored")
	}
	e.post(f, "form.bin", bytes.Repeat([]byte("x"), 65)).wantError(t, 400, "EntityTooLarge")
}

func sumHex(b []byte) string {
	s := md5.Sum(b)
	return hex.EncodeToString(s[:])
}

// An unsigned form is an anonymous write: refused by default, accepted
// where a bucket policy lets anyone write.
func TestPostObjectAnonymous(t *testing.T) {
	e := newEnv(t)
	anon := func(key string) *browserForm {
		f := newForm().field("key", key).field("Content-Type", "text/plain")
		f.asIs = true
		return f
	}
	e.post(anon("a"), "f.txt", []byte("bar")).wantError(t, 403, "AccessDenied")
	_, err := e.c.DeletePublicAccessBlock(e.ctx, &s3.DeletePublicAccessBlockInput{Bucket: aws.String(e.bucket)})
	wantNoErr(t, err)
	e.putPolicy(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::` + e.bucket + `/public/*"}]}`)
	if r := e.post(anon("public/a"), "f.txt", []byte("bar")); r.status != 204 {
		t.Fatalf("anonymous form to a public-write prefix: %d %s", r.status, r.body)
	}
	if e.mustGet("public/a") != "bar" {
		t.Fatal("anonymous form not stored")
	}
	e.post(anon("private/a"), "f.txt", []byte("bar")).wantError(t, 403, "AccessDenied")
	if e.objectExists("private/a") || e.objectExists("a") {
		t.Fatal("a refused anonymous form stored an object")
	}
}
