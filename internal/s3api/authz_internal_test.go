package s3api

import (
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hoard-s3/hoard/internal/sigv4"

	"github.com/hoard-s3/hoard/internal/policy"
)

// TestEveryRouteHasAPermission walks every request shape the router can
// tell apart (methods, subresources, service/bucket/object targets, copy
// headers, list types, the control API) and fails if an operation it
// produces has no permission: none can run unauthorized.
func TestEveryRouteHasAPermission(t *testing.T) {
	h, _ := testHandler("s3.example.com")
	methods := []string{"GET", "HEAD", "PUT", "POST", "DELETE", "OPTIONS", "PATCH"}
	queries := []string{"", "list-type=2", "partNumber=1", "partNumber=1&uploadId=x", "intelligent-tiering&id=x", "inventory&id=x"}
	for _, s := range subresources {
		queries = append(queries, s, s+"&uploadId=x")
	}
	seen := map[string]bool{}
	for _, m := range methods {
		for _, target := range []string{"/", "/b", "/b/k"} {
			for _, q := range queries {
				for _, copySrc := range []bool{false, true} {
					url := target
					if q != "" {
						url += "?" + q
					}
					r := httptest.NewRequest(m, url, nil)
					r.Host = "127.0.0.1"
					if copySrc {
						r.Header.Set("X-Amz-Copy-Source", "a/b")
					}
					req := newRequest(httptest.NewRecorder(), r)
					req.bucket, req.key = h.resolve(r)
					req.op = h.pick(r, req.bucket, req.key)
					h.pickControl(req)
					seen[req.op.name] = true
				}
			}
		}
	}
	for _, path := range []string{controlPABPath, "/v20180820/accesspoint/x"} {
		for _, m := range methods {
			r := httptest.NewRequest(m, path, nil)
			r.Header.Set("X-Amz-Account-Id", "123456789012")
			req := newRequest(httptest.NewRecorder(), r)
			req.op = h.pick(r, "v20180820", "x")
			h.pickControl(req)
			seen[req.op.name] = true
		}
	}
	for name := range seen {
		p, ok := permissionOf(name)
		if !ok {
			t.Errorf("operation %s has no permission", name)
			continue
		}
		if p.none && name != opPreflight.name && name != opMethodNotAllowed.name {
			t.Errorf("operation %s is exempt from authorization", name)
		}
		for _, a := range append(append([]string{}, p.actions...), p.versioned...) {
			if _, known := policy.Actions[a]; !known {
				t.Errorf("operation %s asks for unknown action %s", name, a)
			}
		}
		if !p.none && !strings.HasPrefix(name, "Unsupported(") && len(p.actions) == 0 {
			t.Errorf("operation %s asks for no action", name)
		}
	}
	// The table names no operation the router cannot produce.
	for name := range permissions {
		if !seen[name] {
			t.Errorf("permission for %s, which no route produces", name)
		}
	}
}

func TestACLHeaders(t *testing.T) {
	cases := []struct {
		hdr    map[string]string
		grants int
		public bool
		err    bool
	}{
		{map[string]string{"X-Amz-Acl": "private"}, 0, false, false},
		{map[string]string{"X-Amz-Acl": "public-read"}, 1, true, false},
		{map[string]string{"X-Amz-Acl": "public-read-write"}, 2, true, false},
		{map[string]string{"X-Amz-Acl": "authenticated-read"}, 1, true, false},
		{map[string]string{"X-Amz-Acl": "bucket-owner-full-control"}, 0, false, false},
		{map[string]string{"X-Amz-Acl": "bogus"}, 0, false, true},
		{map[string]string{"X-Amz-Grant-Read": `id="abc", uri="http://acs.amazonaws.com/groups/global/AllUsers"`}, 2, true, false},
		{map[string]string{"X-Amz-Grant-Full-Control": `emailAddress="a@b.c"`}, 0, false, true}, // no account has one
		{map[string]string{"X-Amz-Grant-Read": `uri="http://example.com/x"`}, 0, false, true},
		{map[string]string{"X-Amz-Grant-Read": `nonsense`}, 0, false, true},
		{map[string]string{"X-Amz-Acl": "private", "X-Amz-Grant-Read": `id="a"`}, 0, false, true},
	}
	for _, c := range cases {
		r := httptest.NewRequest("PUT", "/b/k", nil)
		for k, v := range c.hdr {
			r.Header.Set(k, v)
		}
		a, err := aclFromHeaders(r.Header)
		if (err != nil) != c.err {
			t.Errorf("%v: err %v", c.hdr, err)
			continue
		}
		if err != nil {
			continue
		}
		if len(a.Grants) != c.grants || a.public() != c.public {
			t.Errorf("%v: grants %+v public %v", c.hdr, a.Grants, a.public())
		}
	}
}

func TestACLBodyRoundTrip(t *testing.T) {
	a := &acl{Grants: []grant{{"Group", groupAllUsers, permRead}, {"CanonicalUser", "abc", permWriteACP}}}
	doc, err := encodeXML(renderACL("owner", a))
	if err != nil {
		t.Fatal(err)
	}
	back, err := parseACLBody(doc, "owner")
	if err != nil {
		t.Fatalf("%v\n%s", err, doc)
	}
	if len(back.Grants) != 2 || back.Grants[0] != a.Grants[0] || back.Grants[1] != a.Grants[1] {
		t.Fatalf("round trip %+v\n%s", back.Grants, doc)
	}
	for _, bad := range []string{"", "<x/>", `<AccessControlPolicy><AccessControlList><Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="Nope"/><Permission>READ</Permission></Grant></AccessControlList></AccessControlPolicy>`,
		`<AccessControlPolicy><AccessControlList><Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser"><ID>a</ID></Grantee><Permission>ALL</Permission></Grant></AccessControlList></AccessControlPolicy>`} {
		if _, err := parseACLBody([]byte(bad), "owner"); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
}

func FuzzACLBody(f *testing.F) {
	doc, _ := encodeXML(renderACL("o", &acl{Grants: []grant{{"Group", groupAllUsers, permRead}}}))
	f.Add(doc)
	f.Add([]byte(`<AccessControlPolicy><AccessControlList><Grant/></AccessControlList></AccessControlPolicy>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := parseACLBody(b, "o")
		if err == nil && len(a.Grants) > maxGrants {
			t.Fatalf("%d grants accepted", len(a.Grants))
		}
	})
}

func FuzzACLHeaders(f *testing.F) {
	f.Add("public-read", `id="a", uri="http://acs.amazonaws.com/groups/global/AllUsers"`)
	f.Fuzz(func(t *testing.T, canned, grants string) {
		r := httptest.NewRequest("PUT", "/b/k", nil)
		r.Header["X-Amz-Acl"] = []string{canned}
		r.Header["X-Amz-Grant-Read"] = []string{grants}
		aclFromHeaders(r.Header)
	})
}

func TestConditionKeys(t *testing.T) {
	h, _ := testHandler("")
	r := httptest.NewRequest("GET", "/b?list-type=2&prefix=home%2F&max-keys=5", nil)
	r.RemoteAddr = "192.0.2.7:4567"
	r.Header.Set("X-Forwarded-For", "10.0.0.1")
	r.Header.Set("User-Agent", "ua")
	r.Header.Set("X-Amz-Tagging", "a=1&b=2")
	req := newRequest(httptest.NewRecorder(), r)
	req.op = opListObjectsV2
	req.authz = &authzState{}
	req.auth = &sigv4.Auth{Method: sigv4.V4Presigned, SignedAt: time.Now().Add(-2 * time.Second)}
	c := h.conditions(req)
	want := map[string]string{
		"aws:SourceIp": "192.0.2.7", "aws:SecureTransport": "false", "aws:UserAgent": "ua",
		"s3:prefix": "home/", "s3:max-keys": "5", "s3:authType": "REST-QUERY-STRING",
		"s3:signatureversion": "AWS4-HMAC-SHA256", "s3:RequestObjectTag/a": "1",
	}
	for k, v := range want {
		if got := c[k]; len(got) != 1 || got[0] != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if _, ok := c["s3:delimiter"]; ok {
		t.Error("s3:delimiter set without a delimiter")
	}
	if len(c["s3:RequestObjectTagKeys"]) != 2 {
		t.Errorf("tag keys %q", c["s3:RequestObjectTagKeys"])
	}
	if age := c["s3:signatureAge"]; len(age) != 1 || !atLeast(age[0], 2000) {
		t.Errorf("signature age %q", age)
	}
	// An anonymous listing without a prefix still has s3:prefix "".
	req = newRequest(httptest.NewRecorder(), httptest.NewRequest("GET", "/b", nil))
	req.op, req.authz = opListObjects, &authzState{}
	c = h.conditions(req)
	if p, ok := c["s3:prefix"]; !ok || p[0] != "" {
		t.Errorf("s3:prefix %q", p)
	}
	if _, ok := c["s3:authType"]; ok {
		t.Error("anonymous request has s3:authType")
	}
}

func atLeast(s string, n int64) bool {
	v, err := strconv.ParseInt(s, 10, 64)
	return err == nil && v >= n
}
