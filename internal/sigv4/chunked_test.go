package sigv4

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// The example from the S3 documentation, "Signature Calculations for the
// Authorization Header: Transferring Payload in Multiple Chunks".
const docSeedSig = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"

var docChunkSigs = []string{
	"ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648",
	"0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497",
	"b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9",
}

func docChunkedRequest(sigs []string) *http.Request {
	var body bytes.Buffer
	for i, n := range []int{65536, 1024, 0} {
		fmt.Fprintf(&body, "%x;chunk-signature=%s\r\n%s\r\n", n, sigs[i], strings.Repeat("a", n))
	}
	r, _ := http.NewRequest(http.MethodPut, "http://s3.amazonaws.com/examplebucket/chunkObject.txt", &body)
	r.Header.Set("X-Amz-Date", "20130524T000000Z")
	r.Header.Set("X-Amz-Storage-Class", "REDUCED_REDUNDANCY")
	r.Header.Set("X-Amz-Content-Sha256", streamingSigned)
	r.Header.Set("Content-Encoding", "aws-chunked")
	r.Header.Set("X-Amz-Decoded-Content-Length", "66560")
	r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"+
		"SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class,"+
		"Signature="+docSeedSig)
	return r
}

func TestChunkedDocExample(t *testing.T) {
	v := newTestVerifier(time.Date(2013, 5, 24, 0, 5, 0, 0, time.UTC))
	r := serverSide(t, docChunkedRequest(docChunkSigs))
	if r.ContentLength != 66824 {
		t.Fatalf("encoded length %d, the example says 66824", r.ContentLength)
	}
	a, err := v.Verify(r)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(a.Body)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, bytes.Repeat([]byte("a"), 66560)) || a.Length != 66560 {
		t.Fatalf("decoded %d bytes, Length %d", len(got), a.Length)
	}
	// Every chunk signature counts, the final empty one included.
	for i := range docChunkSigs {
		sigs := append([]string(nil), docChunkSigs...)
		sigs[i] = strings.Repeat("0", 64)
		a, err := v.Verify(serverSide(t, docChunkedRequest(sigs)))
		if err != nil {
			t.Fatal(err)
		}
		_, err = io.ReadAll(a.Body)
		wantErr(t, err, ErrSignatureDoesNotMatch)
	}
}

// chunkedRequest signs a streaming upload with the SDK signer (the seed)
// and frames data with the test encoder.
func chunkedRequest(t testing.TB, mode string, data []byte, o chunkOpts, declared string) *http.Request {
	t.Helper()
	hdr := http.Header{"Content-Encoding": {"aws-chunked"}}
	if declared != "" {
		hdr.Set("X-Amz-Decoded-Content-Length", declared)
	}
	var names []string
	for _, tr := range o.trailers {
		names = append(names, tr[0])
	}
	if len(names) > 0 {
		hdr.Set("X-Amz-Trailer", strings.Join(names, ","))
	}
	req, _ := http.NewRequest(http.MethodPut, objectURL("stream/obj"), nil)
	req.Header = hdr
	req.Header.Set("X-Amz-Content-Sha256", mode)
	err := v4.NewSigner().SignHTTP(context.Background(), sdkCreds(signOpts{ak: testAK}), req, mode, "s3", testRegion, testTime, s3Opts)
	if err != nil {
		t.Fatal(err)
	}
	auth := req.Header.Get("Authorization")
	seedHex := auth[strings.LastIndex(auth, "=")+1:]
	o.seed = chunkSeed{key: deriveSigningKey(testSecret, "20250101", testRegion, "s3"),
		amzDate: testTime.Format(iso8601Basic), scope: "20250101/" + testRegion + "/s3/aws4_request"}
	o.seed.sig, _ = parseHexSig(seedHex)
	body := encodeChunked(data, o)
	req.Body = io.NopCloser(bytes.NewReader(body))
	req.ContentLength = int64(len(body))
	return serverSide(t, req)
}

func TestChunkedModes(t *testing.T) {
	data := bytes.Repeat([]byte("0123456789abcdef"), 5000) // 80000 bytes
	dl := strconv.Itoa(len(data))
	crc := [][2]string{{"x-amz-checksum-crc32", "AAAAAA=="}}
	type tc struct {
		name     string
		mode     string
		opts     chunkOpts
		declared string
		corrupt  func([]byte) []byte
		verr     error // from Verify
		rerr     error // from reading Body
		trailer  string
	}
	cases := []tc{
		{name: "signed", mode: streamingSigned, opts: chunkOpts{signed: true, chunkSize: 8192}},
		{name: "signed one chunk", mode: streamingSigned, opts: chunkOpts{signed: true, chunkSize: 1 << 20}},
		{name: "signed trailer", mode: streamingSignedTrail, opts: chunkOpts{signed: true, chunkSize: 65536, trailers: crc, sigTrail: true}, trailer: "AAAAAA=="},
		{name: "unsigned trailer", mode: streamingUnsignedTrail, opts: chunkOpts{chunkSize: 65536, trailers: crc}, trailer: "AAAAAA=="},
		{name: "unsigned trailer none", mode: streamingUnsignedTrail, opts: chunkOpts{chunkSize: 65536}},
		{name: "bad chunk signature", mode: streamingSigned, opts: chunkOpts{signed: true, chunkSize: 8192, badChunk: 3}, rerr: ErrSignatureDoesNotMatch},
		{name: "bad final signature", mode: streamingSigned, opts: chunkOpts{signed: true, chunkSize: 8192, badChunk: 11}, rerr: ErrSignatureDoesNotMatch},
		{name: "bad trailer signature", mode: streamingSignedTrail, opts: chunkOpts{signed: true, chunkSize: 65536, trailers: crc, sigTrail: true, badTrail: true}, rerr: ErrSignatureDoesNotMatch},
		{name: "trailer signature missing", mode: streamingSignedTrail, opts: chunkOpts{signed: true, chunkSize: 65536, trailers: crc}, rerr: ErrSignatureDoesNotMatch},
		{name: "declared trailer missing", mode: streamingUnsignedTrail, opts: chunkOpts{chunkSize: 65536, trailers: crc},
			corrupt: func(b []byte) []byte { return bytes.Replace(b, []byte("x-amz-checksum-crc32:AAAAAA==\r\n"), nil, 1) }, rerr: ErrTrailerChecksumMissing},
		{name: "undeclared trailer", mode: streamingUnsignedTrail, opts: chunkOpts{chunkSize: 65536, trailers: crc},
			corrupt: func(b []byte) []byte { return bytes.Replace(b, []byte("crc32:"), []byte("crc32c:"), 1) }, rerr: ErrMalformedChunk},
		{name: "truncated", mode: streamingSigned, opts: chunkOpts{signed: true, chunkSize: 8192},
			corrupt: func(b []byte) []byte { return b[:len(b)/2] }, rerr: ErrMalformedChunk},
		{name: "truncated before final", mode: streamingUnsignedTrail, opts: chunkOpts{chunkSize: 8192},
			corrupt: func(b []byte) []byte { return b[:len(b)-5] }, rerr: ErrMalformedChunk},
		{name: "trailing garbage", mode: streamingSigned, opts: chunkOpts{signed: true, chunkSize: 8192},
			corrupt: func(b []byte) []byte { return append(b, "junk"...) }, rerr: ErrMalformedChunk},
		{name: "oversize line", mode: streamingUnsignedTrail, opts: chunkOpts{chunkSize: 65536},
			corrupt: func(b []byte) []byte { return append([]byte(strings.Repeat("0", 100000)), b...) }, rerr: ErrMalformedChunk},
		{name: "size overflow", mode: streamingUnsignedTrail, opts: chunkOpts{chunkSize: 65536},
			corrupt: func(b []byte) []byte { return append([]byte("ffffffffffffffff1\r\n"), b...) }, rerr: ErrMalformedChunk},
		{name: "declared shorter", mode: streamingSigned, opts: chunkOpts{signed: true, chunkSize: 8192}, declared: strconv.Itoa(len(data) - 1), rerr: ErrMalformedChunk},
		{name: "declared longer", mode: streamingSigned, opts: chunkOpts{signed: true, chunkSize: 8192}, declared: strconv.Itoa(len(data) + 1), rerr: ErrMalformedChunk},
		{name: "declared missing", mode: streamingSigned, opts: chunkOpts{signed: true, chunkSize: 8192}, declared: "-", verr: ErrMissingDecodedLength},
		{name: "declared garbage", mode: streamingSigned, opts: chunkOpts{signed: true, chunkSize: 8192}, declared: "12x", verr: ErrMissingDecodedLength},
		{name: "signature in unsigned mode", mode: streamingUnsignedTrail, opts: chunkOpts{signed: true, chunkSize: 8192}, rerr: ErrMalformedChunk},
		{name: "bare LF", mode: streamingUnsignedTrail, opts: chunkOpts{chunkSize: 8192},
			corrupt: func(b []byte) []byte { return bytes.Replace(b, []byte("2000\r\n"), []byte("2000\n"), 1) }, rerr: ErrMalformedChunk},
		// minio-go ends trailer lines with a bare LF; the chunk framing
		// itself stays strict (above).
		{name: "trailer bare LF", mode: streamingUnsignedTrail, opts: chunkOpts{chunkSize: 65536, trailers: crc}, trailer: "AAAAAA==",
			corrupt: func(b []byte) []byte {
				return bytes.Replace(b, []byte("x-amz-checksum-crc32:AAAAAA==\r\n"), []byte("x-amz-checksum-crc32:AAAAAA==\n"), 1)
			}},
		{name: "signed trailer bare LF", mode: streamingSignedTrail, opts: chunkOpts{signed: true, chunkSize: 65536, trailers: crc, sigTrail: true}, trailer: "AAAAAA==",
			corrupt: func(b []byte) []byte { return bytes.ReplaceAll(b, []byte("==\r\n"), []byte("==\n")) }},
		// minio-go's exact form: LF, then CRLF after the last trailer line.
		{name: "signed trailer LF CRLF", mode: streamingSignedTrail, opts: chunkOpts{signed: true, chunkSize: 65536, trailers: crc, sigTrail: true}, trailer: "AAAAAA==",
			corrupt: func(b []byte) []byte { return bytes.ReplaceAll(b, []byte("==\r\n"), []byte("==\n\r\n")) }},
		{name: "unsigned trailer LF CRLF, final CRLF cut", mode: streamingUnsignedTrail, opts: chunkOpts{chunkSize: 65536, trailers: crc}, trailer: "AAAAAA==",
			corrupt: func(b []byte) []byte {
				b = bytes.ReplaceAll(b, []byte("==\r\n"), []byte("==\n\r\n"))
				return b[:len(b)-2]
			}},
		{name: "unknown mode", mode: "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD", opts: chunkOpts{chunkSize: 8192}, verr: ErrInvalidContentSHA256},
	}
	v := newTestVerifier(testTime)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			declared := c.declared
			switch declared {
			case "":
				declared = dl
			case "-":
				declared = ""
			}
			r := chunkedRequest(t, c.mode, data, c.opts, declared)
			if c.corrupt != nil {
				b, _ := io.ReadAll(r.Body)
				b = c.corrupt(b)
				r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(b)), int64(len(b))
			}
			a, err := v.Verify(r)
			wantErr(t, err, c.verr)
			if err != nil {
				return
			}
			got, err := io.ReadAll(a.Body)
			wantErr(t, err, c.rerr)
			if err != nil {
				if _, ok := a.Trailer("x-amz-checksum-crc32"); ok {
					t.Fatal("trailer visible after a failed read")
				}
				return
			}
			if !bytes.Equal(got, data) {
				t.Fatalf("decoded %d bytes, want %d", len(got), len(data))
			}
			if a.Length != int64(len(data)) {
				t.Fatalf("Length %d", a.Length)
			}
			v, ok := a.Trailer("X-Amz-Checksum-Crc32")
			if c.trailer != "" && (!ok || v != c.trailer) {
				t.Fatalf("trailer = %q, %v", v, ok)
			}
			if c.trailer != "" && (len(a.DeclaredTrailers) != 1 || a.DeclaredTrailers[0] != "x-amz-checksum-crc32") {
				t.Fatalf("DeclaredTrailers = %v", a.DeclaredTrailers)
			}
		})
	}
}

// oneByteReader forces every possible split of the framing.
type oneByteReader struct{ r io.Reader }

func (o oneByteReader) Read(p []byte) (int, error) {
	if len(p) > 1 {
		p = p[:1]
	}
	return o.r.Read(p)
}

func TestChunkedSmallReads(t *testing.T) {
	data := []byte(strings.Repeat("xyz", 3000))
	o := chunkOpts{signed: true, chunkSize: 1000, trailers: [][2]string{{"x-amz-checksum-sha256", "abc"}}, sigTrail: true}
	r := chunkedRequest(t, streamingSignedTrail, data, o, strconv.Itoa(len(data)))
	r.Body = io.NopCloser(oneByteReader{r.Body})
	a, err := newTestVerifier(testTime).Verify(r)
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	buf := make([]byte, 7)
	for {
		n, err := a.Body.Read(buf)
		got.Write(buf[:n])
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(got.Bytes(), data) {
		t.Fatal("decoded bytes differ")
	}
	if v, ok := a.Trailer("x-amz-checksum-sha256"); !ok || v != "abc" {
		t.Fatalf("trailer %q %v", v, ok)
	}
}
