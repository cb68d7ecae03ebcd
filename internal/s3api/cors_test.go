package s3api_test

import (
	"crypto/md5"
	"encoding/base64"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

const appOrigin = "https://app.example.com"

func (e *env) putCORS(rules ...types.CORSRule) {
	e.t.Helper()
	_, err := e.c.PutBucketCors(e.ctx, &s3.PutBucketCorsInput{
		Bucket: aws.String(e.bucket), CORSConfiguration: &types.CORSConfiguration{CORSRules: rules},
	})
	if err != nil {
		e.t.Fatalf("put cors: %v", err)
	}
}

var uploadRule = types.CORSRule{
	ID:             aws.String("uploads"),
	AllowedOrigins: []string{appOrigin},
	AllowedMethods: []string{"PUT", "POST", "GET"},
	AllowedHeaders: []string{"*"},
	ExposeHeaders:  []string{"ETag", "x-amz-request-id"},
	MaxAgeSeconds:  aws.Int32(3000),
}

var readAnyRule = types.CORSRule{AllowedOrigins: []string{"*"}, AllowedMethods: []string{"GET", "HEAD"}}

// preflight sends an unsigned OPTIONS request, as a browser does.
func (e *env) preflight(path string, hdr map[string]string) *rawResp {
	e.t.Helper()
	req := e.newRaw("OPTIONS", path, nil)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	return e.do(req)
}

func TestBucketCorsConfiguration(t *testing.T) {
	e := newEnv(t)
	_, err := e.c.GetBucketCors(e.ctx, &s3.GetBucketCorsInput{Bucket: aws.String(e.bucket)})
	wantCode(t, err, "NoSuchCORSConfiguration")
	e.putCORS(uploadRule, readAnyRule)
	out, err := e.c.GetBucketCors(e.ctx, &s3.GetBucketCorsInput{Bucket: aws.String(e.bucket)})
	wantNoErr(t, err)
	if len(out.CORSRules) != 2 || aws.ToString(out.CORSRules[0].ID) != "uploads" ||
		aws.ToInt32(out.CORSRules[0].MaxAgeSeconds) != 3000 || out.CORSRules[1].AllowedOrigins[0] != "*" ||
		strings.Join(out.CORSRules[0].ExposeHeaders, ",") != "ETag,x-amz-request-id" {
		t.Fatalf("get cors: %+v", out.CORSRules)
	}
	_, err = e.c.PutBucketCors(e.ctx, &s3.PutBucketCorsInput{Bucket: aws.String(e.bucket), CORSConfiguration: &types.CORSConfiguration{
		CORSRules: []types.CORSRule{{AllowedOrigins: []string{"*"}, AllowedMethods: []string{"PATCH"}}},
	}})
	wantCode(t, err, "InvalidRequest")
	doc := []byte("<CORSConfiguration><CORSRule>")
	e.signedDo("PUT", "/"+e.bucket+"?cors", doc, map[string]string{"Content-MD5": md5b64(doc)}).wantError(t, 400, "MalformedXML")
	good := []byte("<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>")
	e.signedDo("PUT", "/"+e.bucket+"?cors", good, nil).wantError(t, 400, "InvalidRequest")

	_, err = e.c.DeleteBucketCors(e.ctx, &s3.DeleteBucketCorsInput{Bucket: aws.String(e.bucket)})
	wantNoErr(t, err)
	_, err = e.c.GetBucketCors(e.ctx, &s3.GetBucketCorsInput{Bucket: aws.String(e.bucket)})
	wantCode(t, err, "NoSuchCORSConfiguration")
	_, err = e.c.GetBucketCors(e.ctx, &s3.GetBucketCorsInput{Bucket: aws.String("no-such-bucket-cors")})
	wantCode(t, err, "NoSuchBucket")
}

func TestCORSPreflight(t *testing.T) {
	e := newEnv(t)
	path := "/" + e.bucket + "/video.mp4?partNumber=1&uploadId=x"
	ask := map[string]string{"Origin": appOrigin, "Access-Control-Request-Method": "PUT",
		"Access-Control-Request-Headers": "Content-Type, X-Amz-Date"}
	e.preflight(path, ask).wantError(t, 403, "AccessForbidden")

	e.putCORS(uploadRule, readAnyRule)
	r := e.preflight(path, ask)
	if r.status != 200 {
		t.Fatalf("preflight: %d %s", r.status, r.body)
	}
	want := map[string]string{
		"Access-Control-Allow-Origin":      appOrigin,
		"Access-Control-Allow-Methods":     "PUT, POST, GET",
		"Access-Control-Allow-Headers":     "content-type, x-amz-date",
		"Access-Control-Expose-Headers":    "ETag, x-amz-request-id",
		"Access-Control-Max-Age":           "3000",
		"Access-Control-Allow-Credentials": "true",
	}
	for k, v := range want {
		if got := r.header.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if !strings.Contains(r.header.Get("Vary"), "Origin") {
		t.Errorf("Vary %q", r.header.Get("Vary"))
	}

	denied := []map[string]string{
		{"Origin": "https://evil.example.com", "Access-Control-Request-Method": "PUT"},
		{"Origin": appOrigin, "Access-Control-Request-Method": "DELETE"},
	}
	for _, hdr := range denied {
		d := e.preflight(path, hdr).wantError(t, 403, "AccessForbidden")
		if !strings.HasPrefix(d.Message, "CORSResponse: This CORS request is not allowed") {
			t.Errorf("message %q", d.Message)
		}
	}
	if r := e.preflight(path, map[string]string{"Origin": "https://x.test", "Access-Control-Request-Method": "GET"}); r.status != 200 ||
		r.header.Get("Access-Control-Allow-Origin") != "*" || r.header.Get("Access-Control-Allow-Credentials") != "" {
		t.Fatalf("wildcard preflight: %d %v", r.status, r.header)
	}
	e.preflight(path, map[string]string{"Access-Control-Request-Method": "GET"}).wantError(t, 400, "BadRequest")
	e.preflight(path, map[string]string{"Origin": appOrigin}).wantError(t, 400, "BadRequest")
	e.preflight("/no-such-bucket-x/k", ask).wantError(t, 403, "AccessForbidden")
}

func TestCORSActualRequests(t *testing.T) {
	e := newEnv(t)
	e.put("k", "data")
	if r := e.signedDo("GET", "/"+e.bucket+"/k", nil, map[string]string{"Origin": appOrigin}); r.header.Get("Access-Control-Allow-Origin") != "" {
		t.Fatalf("CORS headers without a configuration: %v", r.header)
	}
	e.putCORS(uploadRule, readAnyRule)
	id := e.createUpload("up")
	r := e.signedDo("PUT", "/"+e.bucket+"/up?partNumber=1&uploadId="+id, []byte("part"), map[string]string{"Origin": appOrigin})
	if r.status != 200 || r.header.Get("Access-Control-Allow-Origin") != appOrigin ||
		!strings.Contains(r.header.Get("Access-Control-Expose-Headers"), "ETag") || r.header.Get("ETag") == "" {
		t.Fatalf("upload part with Origin: %d %v", r.status, r.header)
	}
	if r := e.signedDo("GET", "/"+e.bucket+"/k", nil, map[string]string{"Origin": "https://other.test"}); r.status != 200 ||
		r.header.Get("Access-Control-Allow-Origin") != "*" || r.header.Get("Access-Control-Expose-Headers") != "" {
		t.Fatalf("get with other origin: %d %v", r.status, r.header)
	}
	if r := e.signedDo("DELETE", "/"+e.bucket+"/k", nil, map[string]string{"Origin": "https://other.test"}); r.status != http.StatusNoContent ||
		r.header.Get("Access-Control-Allow-Origin") != "" {
		t.Fatalf("delete with a disallowed method: %d %v", r.status, r.header)
	}
	// Errors carry the headers too, so a script can read why it failed.
	r = e.signedDo("GET", "/"+e.bucket+"/missing", nil, map[string]string{"Origin": appOrigin})
	r.wantError(t, 404, "NoSuchKey")
	if r.header.Get("Access-Control-Allow-Origin") != appOrigin {
		t.Fatalf("error without CORS headers: %v", r.header)
	}
	if r := e.signedDo("GET", "/"+e.bucket+"/missing", nil, nil); r.header.Get("Access-Control-Allow-Origin") != "" {
		t.Fatalf("CORS headers without Origin: %v", r.header)
	}
}

func md5b64(b []byte) string {
	s := md5.Sum(b)
	return base64.StdEncoding.EncodeToString(s[:])
}
