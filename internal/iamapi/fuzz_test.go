package iamapi

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"
)

// FuzzDecodeParams feeds hostile query strings and bodies to the query
// decoder and the scope sniffer: they must never panic, and whatever they
// accept is valid UTF-8 within the body bound.
func FuzzDecodeParams(f *testing.F) {
	f.Add("Action=ListUsers&Version=2010-05-08", "UserName=a&PolicyDocument=%7B%7D", "AWS4-HMAC-SHA256 Credential=AK/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=00")
	f.Add("x=%zz", "a=%ff%fe", "AWS4-HMAC-SHA256 Credential=////")
	f.Add("X-Amz-Credential=AK%2F20260101%2Fus-east-1%2Fsts%2Faws4_request", ";;&&==", "")
	f.Fuzz(func(t *testing.T, query, body, authz string) {
		r := httptest.NewRequest(http.MethodPost, "/", nil)
		r.URL.RawQuery = query
		r.Header.Set("Authorization", authz)
		_ = IsIAM(r)
		params, err := decodeParams(r, bytes.NewReader([]byte(body)))
		if err != nil {
			return
		}
		if c := (&call{params: params}); c.get("Action") != params.Get("Action") {
			t.Fatal("get disagrees with the decoded values")
		}
	})
}
