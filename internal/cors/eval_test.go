package cors

import (
	"net/http"
	"reflect"
	"strings"
	"testing"
)

func mustParse(t *testing.T, doc string) *Config {
	t.Helper()
	cfg, err := Parse(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// evalConfig has rules whose order matters: the first match wins.
const evalConfig = `<CORSConfiguration>
 <CORSRule><ID>exact</ID><AllowedOrigin>https://localhost:4200</AllowedOrigin>
  <AllowedMethod>GET</AllowedMethod><AllowedMethod>PUT</AllowedMethod>
  <AllowedHeader>x-amz-expected-bucket-owner</AllowedHeader><AllowedHeader>x-AMZ-server-SIDE-encryption</AllowedHeader>
  <MaxAgeSeconds>3000</MaxAgeSeconds></CORSRule>
 <CORSRule><ID>sub</ID><AllowedOrigin>http://*.example.com</AllowedOrigin>
  <AllowedMethod>PUT</AllowedMethod><AllowedMethod>POST</AllowedMethod><AllowedMethod>DELETE</AllowedMethod>
  <AllowedHeader>x-amz-*</AllowedHeader><AllowedHeader>content-type</AllowedHeader>
  <ExposeHeader>ETag</ExposeHeader><ExposeHeader>x-amz-version-id</ExposeHeader></CORSRule>
 <CORSRule><ID>suffix</ID><AllowedOrigin>https://app.*</AllowedOrigin><AllowedMethod>HEAD</AllowedMethod></CORSRule>
 <CORSRule><ID>any-get</ID><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod>
  <AllowedHeader>*</AllowedHeader><MaxAgeSeconds>0</MaxAgeSeconds></CORSRule>
</CORSConfiguration>`

func TestPreflight(t *testing.T) {
	cfg := mustParse(t, evalConfig)
	cases := []struct {
		name    string
		origin  string
		method  string
		headers []string
		rule    string // "" for no match
		origin2 string // Access-Control-Allow-Origin expected
		allowH  []string
	}{
		{"exact origin", "https://localhost:4200", "PUT", nil, "exact", "https://localhost:4200", nil},
		{"exact origin header case-insensitive", "https://localhost:4200", "GET",
			[]string{"x-AMZ-expected-BUCKET-owner", " x-amz-server-side-encryption"}, "exact", "https://localhost:4200",
			[]string{"x-amz-expected-bucket-owner", "x-amz-server-side-encryption"}},
		{"exact origin header not allowed falls through to *", "https://localhost:4200", "GET",
			[]string{"x-amz-request-payer"}, "any-get", "*", []string{"x-amz-request-payer"}},
		{"exact origin header not allowed, no later rule", "https://localhost:4200", "PUT",
			[]string{"x-amz-request-payer"}, "", "", nil},
		{"other scheme does not match", "http://localhost:4200", "PUT", nil, "", "", nil},
		{"trailing slash does not match", "https://localhost:4200/", "PUT", nil, "", "", nil},
		{"explicit port does not match", "https://localhost:4200:443", "PUT", nil, "", "", nil},
		{"origins are case-sensitive", "HTTPS://LOCALHOST:4200", "PUT", nil, "", "", nil},
		{"subdomain wildcard", "http://test.example.com", "POST", []string{"x-amz-meta-a", "Content-Type"}, "sub",
			"http://test.example.com", []string{"x-amz-meta-a", "content-type"}},
		{"deep subdomain wildcard", "http://a.b.example.com", "DELETE", nil, "sub", "http://a.b.example.com", nil},
		{"wildcard needs the dot", "http://example.com", "PUT", nil, "", "", nil},
		{"wildcard other domain", "http://evil-example.com", "PUT", nil, "", "", nil},
		{"wildcard suffix attack", "http://x.example.com.evil.net", "PUT", nil, "", "", nil},
		{"header wildcard prefix only", "http://a.example.com", "PUT", []string{"x-amzz"}, "", "", nil},
		{"method not in rule", "http://a.example.com", "HEAD", nil, "", "", nil},
		{"methods are case-sensitive", "http://a.example.com", "put", nil, "", "", nil},
		{"trailing wildcard", "https://app.whatever:8443", "HEAD", nil, "suffix", "https://app.whatever:8443", nil},
		{"any origin", "http://random:1234", "GET", nil, "any-get", "*", nil},
		{"null origin matches *", "null", "GET", nil, "any-get", "*", nil},
		{"any origin wrong method", "http://random:1234", "PUT", nil, "", "", nil},
		{"empty header names ignored", "http://random:1234", "GET", []string{"", " "}, "any-get", "*", nil},
		{"empty origin", "", "GET", nil, "", "", nil},
		{"empty method", "http://random", "", nil, "", "", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, ok := Preflight(cfg, tc.origin, tc.method, tc.headers)
			if tc.rule == "" {
				if ok {
					t.Fatalf("matched rule %q; want none", res.Rule.ID)
				}
				return
			}
			if !ok {
				t.Fatalf("no match; want rule %q", tc.rule)
			}
			if res.Rule.ID != tc.rule || res.AllowOrigin != tc.origin2 || !reflect.DeepEqual(res.AllowHeaders, tc.allowH) {
				t.Fatalf("got rule %q origin %q headers %q", res.Rule.ID, res.AllowOrigin, res.AllowHeaders)
			}
			if res.AllowCredentials != (tc.origin2 != "*") {
				t.Fatalf("credentials = %v for origin %q", res.AllowCredentials, tc.origin2)
			}
		})
	}
}

func TestPreflightNilConfig(t *testing.T) {
	if _, ok := Preflight(nil, "http://a", "GET", nil); ok {
		t.Fatal("nil config matched")
	}
	if _, ok := Actual(nil, "http://a", "GET"); ok {
		t.Fatal("nil config matched")
	}
}

func TestRuleWithoutAllowedHeaderRefusesRequestedHeaders(t *testing.T) {
	cfg := mustParse(t, `<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>`)
	if _, ok := Preflight(cfg, "http://a", "GET", []string{"x-amz-date"}); ok {
		t.Fatal("a rule without AllowedHeader allowed a requested header")
	}
	if _, ok := Preflight(cfg, "http://a", "GET", nil); !ok {
		t.Fatal("plain preflight refused")
	}
}

func TestActual(t *testing.T) {
	cfg := mustParse(t, evalConfig)
	res, ok := Actual(cfg, "https://localhost:4200", "GET")
	if !ok || res.Rule.ID != "exact" || res.AllowHeaders != nil {
		t.Fatalf("Actual = %+v, %v", res, ok)
	}
	if _, ok := Actual(cfg, "https://localhost:4200", "DELETE"); ok {
		t.Fatal("DELETE matched")
	}
}

func TestForRequest(t *testing.T) {
	cfg := mustParse(t, `<CORSConfiguration><CORSRule><AllowedOrigin>https://localhost:4200</AllowedOrigin>
	 <AllowedMethod>GET</AllowedMethod><AllowedHeader>x-amz-expected-bucket-owner</AllowedHeader></CORSRule></CORSConfiguration>`)
	cases := []struct {
		name string
		h    http.Header
		ok   bool
	}{
		{"plain GET", http.Header{"Origin": {"https://localhost:4200"}}, true},
		{"real headers are not checked", http.Header{"Origin": {"https://localhost:4200"}, "X-Amz-Request-Payer": {"requester"}}, true},
		{"request-method header overrides the method", http.Header{"Origin": {"https://localhost:4200"}, "Access-Control-Request-Method": {"PUT"}}, false},
		{"request-headers header is checked", http.Header{"Origin": {"https://localhost:4200"}, "Access-Control-Request-Headers": {"x-amz-request-payer"}}, false},
		{"allowed request-headers", http.Header{"Origin": {"https://localhost:4200"}, "Access-Control-Request-Headers": {"X-Amz-Expected-Bucket-Owner"}}, true},
		{"no origin", http.Header{}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if _, ok := ForRequest(cfg, "GET", tc.h); ok != tc.ok {
				t.Fatalf("ok = %v; want %v", ok, tc.ok)
			}
		})
	}
}

// TestWriteHeaders checks the exact headers S3 was recorded sending.
func TestWriteHeaders(t *testing.T) {
	cfg := mustParse(t, evalConfig)
	cases := []struct {
		name    string
		origin  string
		method  string
		headers []string
		want    http.Header
	}{
		{"echoed origin", "https://localhost:4200", "PUT", nil, http.Header{
			"Access-Control-Allow-Origin":      {"https://localhost:4200"},
			"Access-Control-Allow-Credentials": {"true"},
			"Access-Control-Allow-Methods":     {"GET, PUT"},
			"Access-Control-Max-Age":           {"3000"},
			"Vary":                             {Vary},
		}},
		{"two requested headers", "https://localhost:4200", "GET", []string{"x-amz-expected-bucket-owner", "X-Amz-Server-Side-Encryption"}, http.Header{
			"Access-Control-Allow-Origin":      {"https://localhost:4200"},
			"Access-Control-Allow-Credentials": {"true"},
			"Access-Control-Allow-Methods":     {"GET, PUT"},
			"Access-Control-Allow-Headers":     {"x-amz-expected-bucket-owner, x-amz-server-side-encryption"},
			"Access-Control-Max-Age":           {"3000"},
			"Vary":                             {Vary},
		}},
		{"expose headers", "http://a.example.com", "PUT", nil, http.Header{
			"Access-Control-Allow-Origin":      {"http://a.example.com"},
			"Access-Control-Allow-Credentials": {"true"},
			"Access-Control-Allow-Methods":     {"PUT, POST, DELETE"},
			"Access-Control-Expose-Headers":    {"ETag, x-amz-version-id"},
			"Vary":                             {Vary},
		}},
		{"wildcard origin, zero max age", "http://random:1234", "GET", nil, http.Header{
			"Access-Control-Allow-Origin":  {"*"},
			"Access-Control-Allow-Methods": {"GET"},
			"Access-Control-Max-Age":       {"0"},
			"Vary":                         {Vary},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, ok := Preflight(cfg, tc.origin, tc.method, tc.headers)
			if !ok {
				t.Fatal("no match")
			}
			h := http.Header{}
			res.WriteHeaders(h)
			if !reflect.DeepEqual(h, tc.want) {
				t.Fatalf("headers:\n got %v\nwant %v", h, tc.want)
			}
		})
	}
}

func TestSplitHeaderList(t *testing.T) {
	got := SplitHeaderList([]string{"a,B , ,c", "d"})
	if want := []string{"a", "B", "c", "d"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("got %q", got)
	}
}

func TestWildcardMatch(t *testing.T) {
	cases := []struct {
		pattern, s string
		want       bool
	}{
		{"*", "", true},
		{"*", "anything", true},
		{"a*", "a", true},
		{"a*b", "ab", true},
		{"a*b", "axxb", true},
		{"a*b", "axxbc", false},
		{"ab*ba", "aba", false}, // prefix and suffix may not overlap
		{"abc", "abc", true},
		{"abc", "abcd", false},
		{"a**", "abc", false}, // more than one star never matches
		{"", "", true},
	}
	for _, tc := range cases {
		if got := wildcardMatch(tc.pattern, tc.s); got != tc.want {
			t.Errorf("wildcardMatch(%q, %q) = %v", tc.pattern, tc.s, got)
		}
	}
}
