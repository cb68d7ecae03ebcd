package sigv4

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The "johnsmith" examples of the S3 documentation, "Signing and
// Authenticating REST Requests" (Signature Version 2). The DELETE example
// is left out: its published string to sign puts the x-amz-date value in
// the Date slot, contradicting the rule the same page states (Date empty,
// x-amz-date among the amz headers), which is what S3 and clients follow.
func TestV2DocExamples(t *testing.T) {
	cases := []struct {
		name, method, target, host, bucket string
		header                             map[string][]string
		auth                               string
	}{
		{name: "object GET", method: "GET", target: "/photos/puppy.jpg", host: "johnsmith.s3.amazonaws.com", bucket: "johnsmith",
			header: map[string][]string{"Date": {"Tue, 27 Mar 2007 19:36:42 +0000"}},
			auth:   "AWS AKIAIOSFODNN7EXAMPLE:bWq2s1WEIj+Ydj0vQ697zp+IXMU="},
		{name: "object PUT", method: "PUT", target: "/photos/puppy.jpg", host: "johnsmith.s3.amazonaws.com", bucket: "johnsmith",
			header: map[string][]string{"Date": {"Tue, 27 Mar 2007 21:15:45 +0000"}, "Content-Type": {"image/jpeg"}},
			auth:   "AWS AKIAIOSFODNN7EXAMPLE:MyyxeRY7whkBe+bq8fHCL/2kKUg="},
		{name: "list", method: "GET", target: "/?prefix=photos&max-keys=50&marker=puppy", host: "johnsmith.s3.amazonaws.com", bucket: "johnsmith",
			header: map[string][]string{"Date": {"Tue, 27 Mar 2007 19:42:41 +0000"}, "User-Agent": {"Mozilla/5.0"}},
			auth:   "AWS AKIAIOSFODNN7EXAMPLE:htDYFYduRNen8P9ZfE/s9SuKy0U="},
		{name: "fetch acl", method: "GET", target: "/?acl", host: "johnsmith.s3.amazonaws.com", bucket: "johnsmith",
			header: map[string][]string{"Date": {"Tue, 27 Mar 2007 19:44:46 +0000"}},
			auth:   "AWS AKIAIOSFODNN7EXAMPLE:c2WLPFtWHVgbEmeEG93a4cG37dM="},
		{name: "upload with amz headers", method: "PUT", target: "/db-backup.dat.gz", host: "static.johnsmith.net:8080", bucket: "static.johnsmith.net",
			header: map[string][]string{
				"Date": {"Tue, 27 Mar 2007 21:06:08 +0000"}, "X-Amz-Acl": {"public-read"},
				"Content-Type": {"application/x-download"}, "Content-Md5": {"4gJE4saaMU4BqNR0kLY+lw=="},
				"X-Amz-Meta-Reviewedby":        {"joe@johnsmith.net", "jane@johnsmith.net"},
				"X-Amz-Meta-Filechecksum":      {"0x02661779"},
				"X-Amz-Meta-Checksumalgorithm": {"crc32"},
				"Content-Disposition":          {"attachment; filename=database.dat"},
				"Content-Encoding":             {"gzip"},
			},
			auth: "AWS AKIAIOSFODNN7EXAMPLE:ilyl83RwaSoYIEdixDQcA4OnAnc="},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := v2Request(c.method, c.target, c.host, c.header)
			r.Header.Set("Authorization", c.auth)
			at, _ := parseHTTPDate(c.header["Date"][0])
			v := newTestVerifier(at.Add(time.Minute))
			a, err := v.VerifyWithBucket(r, c.bucket)
			if err != nil {
				t.Fatal(err)
			}
			if a.Method != V2Header || a.AccessKey != docAK || a.Service != "s3" {
				t.Fatalf("auth = %+v", a)
			}
			_, err = v.Verify(r) // without the bucket the resource differs
			wantErr(t, err, ErrSignatureDoesNotMatch)
			_, err = newTestVerifier(at.Add(16*time.Minute)).VerifyWithBucket(r, c.bucket)
			wantErr(t, err, ErrRequestTimeTooSkewed)
		})
	}
}

func TestV2DocQueryExample(t *testing.T) {
	r := v2Request("GET", "/photos/puppy.jpg?AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Signature=NpgCjnDzrM%2BWFzoENXmpNDUsSn8%3D&Expires=1175139620",
		"johnsmith.s3.amazonaws.com", nil)
	a, err := newTestVerifier(time.Unix(1175139620-60, 0)).VerifyWithBucket(r, "johnsmith")
	if err != nil {
		t.Fatal(err)
	}
	if a.Method != V2Presigned || !a.SignedAt.Equal(time.Unix(1175139620, 0)) {
		t.Fatalf("auth = %+v", a)
	}
	_, err = newTestVerifier(time.Unix(1175139621, 0)).VerifyWithBucket(r, "johnsmith")
	wantErr(t, err, ErrExpired)
}

func v2Request(method, target, host string, header map[string][]string) *http.Request {
	u, _ := url.ParseRequestURI(target)
	r := &http.Request{Method: method, URL: u, RequestURI: target, Host: host, Header: http.Header{}}
	for k, v := range header {
		r.Header[k] = v
	}
	return r
}

// signV2 plays a legacy client (s3cmd style: x-amz-date, empty Date line).
func signV2(method, resource string, h http.Header, dateLine, secret string) string {
	s := method + "\n" + h.Get("Content-Md5") + "\n" + h.Get("Content-Type") + "\n" + dateLine + "\n"
	r := &http.Request{Header: h}
	s += v2AmzHeaders(r) + resource
	m := hmac.New(sha1.New, []byte(secret))
	m.Write([]byte(s))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

func TestV2HeaderAndQuery(t *testing.T) {
	date := testTime.Format(http.TimeFormat)
	mk := func(target string) *http.Request {
		r := v2Request("PUT", target, "s3.example.test", map[string][]string{
			"X-Amz-Date": {date}, "Content-Type": {"text/plain"}, "X-Amz-Meta-A": {" x "}})
		return r
	}
	v := newTestVerifier(testTime)
	cases := []struct {
		name, target, resource string
		edit                   func(r *http.Request)
		want                   error
	}{
		{name: "plain", target: "/bucket/key%20one", resource: "/bucket/key%20one"},
		{name: "sub-resources sorted", target: "/bucket/k?uploadId=u1&partNumber=2&foo=bar", resource: "/bucket/k?partNumber=2&uploadId=u1"},
		{name: "response override decoded", target: "/bucket/k?response-content-type=text%2Fhtml", resource: "/bucket/k?response-content-type=text/html"},
		{name: "extended sub-resource", target: "/bucket/k?retention", resource: "/bucket/k?retention"},
		// botocore signs a path-style bucket request as "/bucket/".
		{name: "bucket with trailing slash", target: "/bucket", resource: "/bucket/"},
		{name: "bucket as sent", target: "/bucket", resource: "/bucket"},
		{name: "bucket sub-resource with trailing slash", target: "/bucket?acl", resource: "/bucket/?acl"},
		{name: "object without the slash form", target: "/bucket/k", resource: "/bucket/k/", want: ErrSignatureDoesNotMatch},
		{name: "tampered header", target: "/bucket/k", resource: "/bucket/k", edit: func(r *http.Request) { r.Header.Set("X-Amz-Meta-A", "y") }, want: ErrSignatureDoesNotMatch},
		{name: "tampered sub-resource", target: "/bucket/k?acl", resource: "/bucket/k?acl", edit: func(r *http.Request) { r.URL.RawQuery = "tagging" }, want: ErrSignatureDoesNotMatch},
		{name: "no date", target: "/bucket/k", resource: "/bucket/k", edit: func(r *http.Request) { r.Header.Del("X-Amz-Date") }, want: ErrMissingDate},
		{name: "empty x-amz-date beside Date", target: "/bucket/k", resource: "/bucket/k", edit: func(r *http.Request) {
			r.Header.Set("Date", date)
			r.Header.Set("X-Amz-Date", "")
		}, want: ErrMissingDate},
		{name: "date before the epoch", target: "/bucket/k", resource: "/bucket/k", edit: func(r *http.Request) {
			r.Header.Set("X-Amz-Date", "Tue, 07 Jul 1950 21:53:04 GMT")
		}, want: ErrMissingDate},
		{name: "unknown key", target: "/bucket/k", resource: "/bucket/k", edit: func(r *http.Request) {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), testAK, "NOPE", 1))
		}, want: ErrInvalidAccessKeyID},
		{name: "malformed", target: "/bucket/k", resource: "/bucket/k", edit: func(r *http.Request) { r.Header.Set("Authorization", "AWS nocolon") }, want: ErrAuthHeaderMalformed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := mk(c.target)
			r.Header.Set("Authorization", "AWS "+testAK+":"+signV2("PUT", c.resource, r.Header, "", testSecret))
			if c.edit != nil {
				c.edit(r)
			}
			_, err := v.Verify(r)
			wantErr(t, err, c.want)
		})
	}

	// Query form; an unescaped '+' in the signature arrives as a space.
	exp := strconv.FormatInt(testTime.Add(time.Hour).Unix(), 10)
	sig := signV2("GET", "/bucket/k", http.Header{}, exp, testSecret)
	for _, enc := range []string{url.QueryEscape(sig), strings.ReplaceAll(sig, "/", "%2F")} {
		r := v2Request("GET", "/bucket/k?AWSAccessKeyId="+testAK+"&Expires="+exp+"&Signature="+enc, "h", nil)
		if _, err := v.Verify(r); err != nil {
			t.Fatalf("query %s: %v", enc, err)
		}
	}
	r := v2Request("GET", "/bucket/k?AWSAccessKeyId="+testAK+"&Expires=soon&Signature=x", "h", nil)
	_, err := v.Verify(r)
	wantErr(t, err, ErrQueryParamsMalformed)
}
