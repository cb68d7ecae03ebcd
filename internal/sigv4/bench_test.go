package sigv4

import (
	"bytes"
	"io"
	"net/http"
	"testing"
)

func BenchmarkVerifyHeader(b *testing.B) {
	v := newTestVerifier(testTime)
	r := sdkRequest(b, signOpts{method: http.MethodGet, url: objectURL("some/object/key.txt") + "?versionId=3",
		header: http.Header{"X-Amz-Meta-A": {"b"}}})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Verify(r); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkChunkedReader(b *testing.B) {
	data := bytes.Repeat([]byte{'x'}, 8<<20)
	seed := chunkSeed{key: deriveSigningKey(testSecret, "20250101", testRegion, "s3"),
		amzDate: "20250101T120000Z", scope: "20250101/us-east-1/s3/aws4_request", sig: make([]byte, 32)}
	body := encodeChunked(data, chunkOpts{signed: true, seed: seed, chunkSize: 64 << 10})
	buf := make([]byte, 32<<10)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		cr := newChunkedReader(bytes.NewReader(body), chunkConfig{signed: true, declared: int64(len(data)), seed: seed})
		if _, err := io.CopyBuffer(io.Discard, struct{ io.Reader }{cr}, buf); err != nil {
			b.Fatal(err)
		}
	}
}
