package sigv4

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestVerifyHeaderTamper(t *testing.T) {
	base := signOpts{method: http.MethodPut, url: objectURL("dir/key.txt") + "?tagging",
		body: []byte("hello"), header: http.Header{"X-Amz-Meta-Color": {"blue"}}}
	cases := []struct {
		name   string
		opts   func(o *signOpts)
		tamper func(r *http.Request)
		now    time.Time
		want   error
	}{
		{name: "ok"},
		{name: "method", tamper: func(r *http.Request) { r.Method = http.MethodPost }, want: ErrSignatureDoesNotMatch},
		{name: "path", tamper: func(r *http.Request) {
			r.URL.Path += "x"
			r.URL.RawPath = ""
			r.RequestURI = r.URL.RequestURI()
		}, want: ErrSignatureDoesNotMatch},
		{name: "query added", tamper: func(r *http.Request) { r.URL.RawQuery += "&versionId=1" }, want: ErrSignatureDoesNotMatch},
		{name: "query value", tamper: func(r *http.Request) { r.URL.RawQuery = "tagging=x" }, want: ErrSignatureDoesNotMatch},
		{name: "signed header", tamper: func(r *http.Request) { r.Header.Set("X-Amz-Meta-Color", "red") }, want: ErrSignatureDoesNotMatch},
		{name: "host", tamper: func(r *http.Request) { r.Host = "other.test" }, want: ErrSignatureDoesNotMatch},
		{name: "date", tamper: func(r *http.Request) { r.Header.Set("X-Amz-Date", "20250101T120001Z") }, want: ErrSignatureDoesNotMatch},
		{name: "payload hash", tamper: func(r *http.Request) { r.Header.Set("X-Amz-Content-Sha256", sha256Hex([]byte("x"))) }, want: ErrSignatureDoesNotMatch},
		{name: "signature", tamper: func(r *http.Request) {
			h := r.Header.Get("Authorization")
			last := h[len(h)-1]
			repl := byte('0')
			if last == '0' {
				repl = '1'
			}
			r.Header.Set("Authorization", h[:len(h)-1]+string(repl))
		}, want: ErrSignatureDoesNotMatch},
		{name: "unknown access key", opts: func(o *signOpts) { o.ak = "AKIDUNKNOWN" }, want: ErrInvalidAccessKeyID},
		{name: "region", opts: func(o *signOpts) { o.region = "eu-west-1" }, want: ErrInvalidRegion},
		{name: "service", opts: func(o *signOpts) { o.service = "ec2" }, want: ErrAuthHeaderMalformed},
		{name: "scope date", tamper: func(r *http.Request) {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "/20250101/", "/20250102/", 1))
		}, want: ErrAuthHeaderMalformed},
		{name: "skew past", now: testTime.Add(16 * time.Minute), want: ErrRequestTimeTooSkewed},
		{name: "skew future", now: testTime.Add(-16 * time.Minute), want: ErrRequestTimeTooSkewed},
		{name: "skew within", now: testTime.Add(14 * time.Minute)},
		{name: "no date", tamper: func(r *http.Request) { r.Header.Del("X-Amz-Date") }, want: ErrMissingDate},
		{name: "bad date", tamper: func(r *http.Request) { r.Header.Set("X-Amz-Date", "2025-01-01") }, want: ErrMissingDate},
		{name: "no content sha", tamper: func(r *http.Request) { r.Header.Del("X-Amz-Content-Sha256") }, want: ErrMissingContentSHA256},
		{name: "bad content sha", tamper: func(r *http.Request) { r.Header.Set("X-Amz-Content-Sha256", "nope") }, want: ErrInvalidContentSHA256},
		{name: "sigv4a", tamper: func(r *http.Request) {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), algoV4, algoV4a, 1))
		}, want: ErrUnsupportedAlgorithm},
		{name: "too many signed headers", tamper: func(r *http.Request) {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "SignedHeaders=", "SignedHeaders="+strings.Repeat("a;", 200), 1))
		}, want: ErrAuthHeaderMalformed},
		{name: "garbage auth", tamper: func(r *http.Request) { r.Header.Set("Authorization", "Bearer abc") }, want: ErrAuthHeaderMalformed},
		{name: "anonymous", tamper: func(r *http.Request) { r.Header.Del("Authorization") }, want: ErrMissingAuth},
		{name: "two mechanisms", tamper: func(r *http.Request) { r.URL.RawQuery += "&X-Amz-Signature=00" }, want: ErrAuthHeaderMalformed},
		{name: "token required", opts: func(o *signOpts) { o.ak = tokenAK }, want: ErrInvalidSecurityToken},
		{name: "token ok", opts: func(o *signOpts) { o.ak, o.token = tokenAK, tokenValue }},
		{name: "token wrong", opts: func(o *signOpts) { o.ak, o.token = tokenAK, "forged" }, want: ErrInvalidSecurityToken},
		{name: "token on long-term key", opts: func(o *signOpts) { o.token = "stray" }, want: ErrInvalidSecurityToken},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := base
			if c.opts != nil {
				c.opts(&o)
			}
			r := sdkRequest(t, o)
			if c.tamper != nil {
				c.tamper(r)
			}
			now := c.now
			if now.IsZero() {
				now = testTime
			}
			_, err := newTestVerifier(now).Verify(r)
			wantErr(t, err, c.want)
		})
	}
}

func TestPayloadHashChecked(t *testing.T) {
	v := newTestVerifier(testTime)
	body := []byte("the real body")
	// Signed over the hash of other bytes: the header verifies, the body
	// does not, and the Read that reaches EOF says so.
	r := sdkRequest(t, signOpts{method: http.MethodPut, url: objectURL("k"), body: body,
		payloadHash: sha256Hex([]byte("other"))})
	a, err := v.Verify(r)
	if err != nil {
		t.Fatal(err)
	}
	_, err = io.ReadAll(a.Body)
	wantErr(t, err, ErrContentSHA256Mismatch)

	r = sdkRequest(t, signOpts{method: http.MethodPut, url: objectURL("k"), body: body, payloadHash: unsignedPayload})
	if a, err = v.Verify(r); err != nil {
		t.Fatal(err)
	}
	if got, _ := io.ReadAll(a.Body); !bytes.Equal(got, body) {
		t.Fatalf("body %q", got)
	}
	r = sdkRequest(t, signOpts{method: http.MethodPut, url: objectURL("k"), body: body, payloadHash: unsignedPayload,
		header: http.Header{"X-Amz-Trailer": {"x-amz-checksum-crc32"}}})
	_, err = v.Verify(r)
	wantErr(t, err, ErrInvalidContentSHA256)
}

func TestPresignedErrors(t *testing.T) {
	o := signOpts{url: objectURL("k")}
	cases := []struct {
		name  string
		query string
		edit  func(q string) string
		now   time.Time
		hash  string
		want  error
	}{
		{name: "ok", query: "X-Amz-Expires=900", now: testTime.Add(900 * time.Second)},
		{name: "expired", query: "X-Amz-Expires=900", now: testTime.Add(901 * time.Second), want: ErrExpired},
		{name: "signed in the future", query: "X-Amz-Expires=900", now: testTime.Add(-16 * time.Minute), want: ErrRequestTimeTooSkewed},
		{name: "expires zero", query: "X-Amz-Expires=0", want: ErrPresignExpiry},
		{name: "expires too long", query: "X-Amz-Expires=604801", want: ErrPresignExpiry},
		{name: "expires negative", query: "X-Amz-Expires=-1000", want: ErrPresignExpiry},
		{name: "expires max", query: "X-Amz-Expires=604800"},
		{name: "expires text", query: "X-Amz-Expires=abc", want: ErrQueryParamsMalformed},
		{name: "expires missing", query: "", want: ErrQueryParamsMalformed},
		{name: "no signature", query: "X-Amz-Expires=60", edit: dropParam("X-Amz-Signature"), want: ErrQueryParamsMalformed},
		{name: "no credential", query: "X-Amz-Expires=60", edit: dropParam("X-Amz-Credential"), want: ErrQueryParamsMalformed},
		{name: "duplicate date", query: "X-Amz-Expires=60", edit: func(q string) string { return q + "&X-Amz-Date=20250101T120000Z" }, want: ErrQueryParamsMalformed},
		{name: "bad date", query: "X-Amz-Expires=60", edit: replaceParam("X-Amz-Date", "yesterday"), want: ErrQueryParamsMalformed},
		{name: "sigv4a", query: "X-Amz-Expires=60", edit: replaceParam("X-Amz-Algorithm", algoV4a), want: ErrUnsupportedAlgorithm},
		{name: "short signature", query: "X-Amz-Expires=60", edit: replaceParam("X-Amz-Signature", "abcd"), want: ErrQueryParamsMalformed},
		{name: "tampered query", query: "X-Amz-Expires=60", edit: func(q string) string { return q + "&acl" }, want: ErrSignatureDoesNotMatch},
		{name: "tampered expires", query: "X-Amz-Expires=60", edit: replaceParam("X-Amz-Expires", "61"), want: ErrSignatureDoesNotMatch},
		{name: "content sha in query", query: "X-Amz-Expires=60&X-Amz-Content-Sha256=" + emptySHA256, hash: emptySHA256},
		{name: "content sha in query, signed unsigned", query: "X-Amz-Expires=60&X-Amz-Content-Sha256=" + emptySHA256, want: ErrSignatureDoesNotMatch},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := o
			o.payloadHash = c.hash
			r := sdkPresign(t, o, c.query)
			if c.edit != nil {
				r.URL.RawQuery = c.edit(r.URL.RawQuery)
			}
			now := c.now
			if now.IsZero() {
				now = testTime
			}
			_, err := newTestVerifier(now).Verify(r)
			wantErr(t, err, c.want)
		})
	}
}

func TestPresignedWrongRegionAndToken(t *testing.T) {
	v := newTestVerifier(testTime)
	_, err := v.Verify(sdkPresign(t, signOpts{url: objectURL("k"), region: "eu-west-1"}, "X-Amz-Expires=60"))
	wantErr(t, err, ErrInvalidRegion)
	_, err = v.Verify(sdkPresign(t, signOpts{url: objectURL("k"), ak: tokenAK, token: tokenValue}, "X-Amz-Expires=60"))
	wantErr(t, err, nil)
	r := sdkPresign(t, signOpts{url: objectURL("k"), ak: tokenAK, token: tokenValue}, "X-Amz-Expires=60")
	r.URL.RawQuery = dropParam("X-Amz-Security-Token")(r.URL.RawQuery)
	_, err = v.Verify(r)
	wantErr(t, err, ErrInvalidSecurityToken)
}

func dropParam(name string) func(string) string {
	return func(q string) string {
		var keep []string
		for _, p := range strings.Split(q, "&") {
			if !strings.HasPrefix(p, name+"=") {
				keep = append(keep, p)
			}
		}
		return strings.Join(keep, "&")
	}
}

func replaceParam(name, value string) func(string) string {
	return func(q string) string { return dropParam(name)(q) + "&" + name + "=" + value }
}

func TestKeyCacheBounded(t *testing.T) {
	var c keyCache
	for i := range keyCacheSize + 50 {
		k := c.get("secret", "20250101", "r", string(rune('a'+i%26))+strings.Repeat("x", i/26))
		if len(k) != 32 {
			t.Fatal("bad key length")
		}
	}
	if n := c.len(); n > keyCacheSize {
		t.Fatalf("cache holds %d entries, bound %d", n, keyCacheSize)
	}
	if !bytes.Equal(c.get("s", "d", "r", "x"), deriveSigningKey("s", "d", "r", "x")) {
		t.Fatal("cached key differs from derived key")
	}
}

// Without X-Amz-Date the Date header dates the request; the string to sign
// carries it in ISO 8601 basic form.
func TestVerifyDateHeader(t *testing.T) {
	date := "Wed, 01 Jan 2025 12:00:00 GMT"
	creq := "GET\n/bucket/key\n\ndate:" + date + "\nhost:h.test\nx-amz-content-sha256:UNSIGNED-PAYLOAD\n\n" +
		"date;host;x-amz-content-sha256\nUNSIGNED-PAYLOAD"
	sts := "AWS4-HMAC-SHA256\n20250101T120000Z\n20250101/us-east-1/s3/aws4_request\n" + sha256Hex([]byte(creq))
	sig := hmacSHA256(deriveSigningKey(testSecret, "20250101", testRegion, "s3"), sts)
	r := v2Request("GET", "/bucket/key", "h.test", map[string][]string{
		"Date": {date}, "X-Amz-Content-Sha256": {unsignedPayload},
		"Authorization": {fmt.Sprintf("AWS4-HMAC-SHA256 Credential=%s/20250101/us-east-1/s3/aws4_request,SignedHeaders=date;host;x-amz-content-sha256,Signature=%x", testAK, sig)},
	})
	a, err := newTestVerifier(testTime).Verify(r)
	if err != nil {
		t.Fatal(err)
	}
	if !a.SignedAt.Equal(testTime) {
		t.Fatalf("SignedAt %v", a.SignedAt)
	}
	r.Header.Set("Date", "Wed, 01 Jan 2025 12:00:01 GMT")
	_, err = newTestVerifier(testTime).Verify(r)
	wantErr(t, err, ErrSignatureDoesNotMatch)
}

func TestTrailerOnlyAfterEOF(t *testing.T) {
	data := []byte("some data")
	o := chunkOpts{chunkSize: 4, trailers: [][2]string{{"x-amz-checksum-crc32c", "sOO8/Q=="}}}
	r := chunkedRequest(t, streamingUnsignedTrail, data, o, "9")
	a, err := newTestVerifier(testTime).Verify(r)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 4)
	if _, err := a.Body.Read(buf); err != nil {
		t.Fatal(err)
	}
	if _, ok := a.Trailer("x-amz-checksum-crc32c"); ok {
		t.Fatal("trailer visible before EOF")
	}
	if _, err := io.ReadAll(a.Body); err != nil {
		t.Fatal(err)
	}
	if v, ok := a.Trailer("x-amz-checksum-crc32c"); !ok || v != "sOO8/Q==" {
		t.Fatalf("trailer %q %v", v, ok)
	}
}
