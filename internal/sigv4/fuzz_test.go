package sigv4

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/url"
	"testing"
)

func FuzzAuthorizationHeader(f *testing.F) {
	f.Add("AWS4-HMAC-SHA256 Credential=AKIDHOARDTEST/20250101/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=" + emptySHA256)
	f.Add("AWS4-HMAC-SHA256 Credential=a/b/c/d/e,SignedHeaders=,Signature=zz")
	f.Add("AWS4-ECDSA-P256-SHA256 Credential=x")
	f.Add("AWS AKIDHOARDTEST:c2WLPFtWHVgbEmeEG93a4cG37dM=")
	f.Add("AWS4-HMAC-SHA256 Credential=AKIDHOARDTEST/20250101/us-east-1/s3/aws4_request,Credential=x")
	v := newTestVerifier(testTime)
	f.Fuzz(func(t *testing.T, h string) {
		if s, err := parseV4Authorization(h); err == nil && len(s.signature) != 32 {
			t.Fatalf("accepted signature of %d bytes", len(s.signature))
		}
		r := &http.Request{Method: "GET", URL: &url.URL{Path: "/b/k"}, Host: "h",
			Header: http.Header{"Authorization": {h}, "X-Amz-Date": {"20250101T120000Z"},
				"X-Amz-Content-Sha256": {emptySHA256}}}
		if _, err := v.Verify(r); err == nil {
			t.Fatal("fuzzed header verified")
		}
	})
}

func FuzzChunkedReader(f *testing.F) {
	f.Add([]byte("5\r\nhello\r\n0\r\n\r\n"), false, true, int64(5))
	f.Add([]byte("5\r\nhello\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n"), false, true, int64(5))
	f.Add([]byte("3;chunk-signature="+emptySHA256+"\r\nabc\r\n0;chunk-signature="+emptySHA256+"\r\n\r\n"), true, false, int64(3))
	f.Add([]byte("ffffffffffffffff\r\n"), false, false, int64(1))
	f.Add([]byte("0\r\nx-amz-trailer-signature:00\r\n\r\n"), true, true, int64(0))
	seed := chunkSeed{key: deriveSigningKey(testSecret, "20250101", testRegion, "s3"),
		amzDate: "20250101T120000Z", scope: "20250101/us-east-1/s3/aws4_request", sig: make([]byte, 32)}
	f.Fuzz(func(t *testing.T, body []byte, signed, trailer bool, declared int64) {
		if declared < 0 {
			declared = -declared
		}
		cr := newChunkedReader(bytes.NewReader(body), chunkConfig{signed: signed, trailer: trailer,
			declared: declared, trailers: []string{"x-amz-checksum-crc32"}, seed: seed})
		var n int64
		buf := make([]byte, 13)
		for {
			m, err := cr.Read(buf)
			n += int64(m)
			if n > declared {
				t.Fatalf("decoded %d bytes past the declared %d", n, declared)
			}
			if err == io.EOF {
				if n != declared {
					t.Fatalf("clean EOF after %d bytes, declared %d", n, declared)
				}
				return
			}
			if err != nil {
				if !errors.Is(err, ErrMalformedChunk) && !errors.Is(err, ErrSignatureDoesNotMatch) &&
					!errors.Is(err, ErrTrailerChecksumMissing) {
					t.Fatalf("unexpected error class: %v", err)
				}
				return
			}
			if m == 0 {
				t.Fatal("Read returned 0, nil")
			}
		}
	})
}

func FuzzPresignedQuery(f *testing.F) {
	f.Add("X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDHOARDTEST%2F20250101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20250101T120000Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host&X-Amz-Signature=" + emptySHA256)
	f.Add("X-Amz-Expires=-1&X-Amz-Signature=00")
	f.Add("AWSAccessKeyId=AKIDHOARDTEST&Expires=1999999999&Signature=abc%2B")
	f.Add("X-Amz-Credential=%ZZ&&&=&X-Amz-Date=99999999T999999Z")
	f.Add("acl&uploads=&versionId=%00")
	v := newTestVerifier(testTime)
	f.Fuzz(func(t *testing.T, q string) {
		r := &http.Request{Method: "GET", URL: &url.URL{Path: "/b/k", RawQuery: q}, Host: "h", Header: http.Header{}}
		if _, err := v.Verify(r); err == nil {
			t.Fatal("fuzzed query verified")
		}
		pairs, _ := parseQuery(q)
		_ = canonicalQuery(pairs, "X-Amz-Signature")
	})
}
