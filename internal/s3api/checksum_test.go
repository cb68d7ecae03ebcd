package s3api_test

import (
	"context"
	"crypto/md5"
	"encoding/base64"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/hoard-s3/hoard/internal/checksum"
)

func sumOf(alg checksum.Algorithm, body string) string {
	h := alg.New()
	h.Write([]byte(body))
	return checksum.Encode(h.Sum(nil))
}

var sdkAlgs = map[checksum.Algorithm]types.ChecksumAlgorithm{
	checksum.CRC32: types.ChecksumAlgorithmCrc32, checksum.CRC32C: types.ChecksumAlgorithmCrc32c,
	checksum.CRC64NVME: types.ChecksumAlgorithmCrc64nvme, checksum.SHA1: types.ChecksumAlgorithmSha1,
	checksum.SHA256: types.ChecksumAlgorithmSha256,
}

// checksumOf extracts the SDK's view of an object checksum.
func checksumOf(alg checksum.Algorithm, crc32, crc32c, crc64, sha1, sha256 *string) string {
	return aws.ToString(map[checksum.Algorithm]*string{
		checksum.CRC32: crc32, checksum.CRC32C: crc32c, checksum.CRC64NVME: crc64,
		checksum.SHA1: sha1, checksum.SHA256: sha256,
	}[alg])
}

// tlsLessClient is an SDK client that believes it talks HTTPS (so it sends
// aws-chunked bodies with trailing checksums, as against real S3) while its
// transport carries the requests over plain HTTP to the test server.
func tlsLessClient(e *env) *s3.Client {
	base := &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, "tcp", e.srv.Addr)
	}}
	return e.srv.Client(func(o *s3.Options) {
		o.BaseEndpoint = aws.String("https://" + e.srv.Addr)
		o.HTTPClient = &http.Client{Transport: schemeRewriter{base}}
	})
}

type schemeRewriter struct{ rt http.RoundTripper }

func (s schemeRewriter) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.URL.Scheme = "http"
	return s.rt.RoundTrip(r)
}

func TestChecksumsAllAlgorithms(t *testing.T) {
	e := newEnv(t)
	trailerClient := tlsLessClient(e)
	body := strings.Repeat("checksummed data ", 1000)
	for alg, sdkAlg := range sdkAlgs {
		for _, mode := range []string{"header", "trailer"} {
			key := fmt.Sprintf("%s-%s", alg, mode)
			c := e.c
			var in = &s3.PutObjectInput{Bucket: aws.String(e.bucket), Key: aws.String(key),
				Body: strings.NewReader(body), ChecksumAlgorithm: sdkAlg}
			if mode == "trailer" {
				c = trailerClient
				// A reader without Seek forces the streaming upload.
				in.Body = struct{ *strings.Reader }{strings.NewReader(body)}
				in.ContentLength = aws.Int64(int64(len(body)))
			}
			out, err := c.PutObject(e.ctx, in)
			wantNoErr(t, err)
			want := sumOf(alg, body)
			if got := checksumOf(alg, out.ChecksumCRC32, out.ChecksumCRC32C, out.ChecksumCRC64NVME, out.ChecksumSHA1, out.ChecksumSHA256); got != want {
				t.Errorf("%s: put answered checksum %q, want %q", key, got, want)
			}
			get, err := e.c.GetObject(e.ctx, &s3.GetObjectInput{Bucket: aws.String(e.bucket), Key: aws.String(key), ChecksumMode: types.ChecksumModeEnabled})
			wantNoErr(t, err)
			get.Body.Close()
			if got := checksumOf(alg, get.ChecksumCRC32, get.ChecksumCRC32C, get.ChecksumCRC64NVME, get.ChecksumSHA1, get.ChecksumSHA256); got != want || get.ChecksumType != types.ChecksumTypeFullObject {
				t.Errorf("%s: get checksum %q type %q, want %q", key, got, get.ChecksumType, want)
			}
		}
	}
}

func TestWrongChecksumStoresNothing(t *testing.T) {
	e := newEnv(t)
	for alg := range sdkAlgs {
		key := "bad-header-" + string(alg)
		r := e.signedDo("PUT", "/"+e.bucket+"/"+key, []byte("payload"), map[string]string{alg.Header(): sumOf(alg, "other")})
		r.wantError(t, 400, "BadDigest")
		if e.objectExists(key) {
			t.Fatalf("%s stored despite BadDigest", key)
		}
		key = "bad-trailer-" + string(alg)
		r = e.chunkedTrailerPut(key, "payload", alg, sumOf(alg, "other"))
		r.wantError(t, 400, "BadDigest")
		if e.objectExists(key) {
			t.Fatalf("%s stored despite BadDigest", key)
		}
	}
	r := e.chunkedTrailerPut("good-trailer", "payload", checksum.CRC32C, sumOf(checksum.CRC32C, "payload"))
	if r.status != 200 || r.header.Get("X-Amz-Checksum-Crc32c") != sumOf(checksum.CRC32C, "payload") {
		t.Fatalf("trailer put: %d %s %v", r.status, r.body, r.header)
	}
}

// chunkedTrailerPut sends an aws-chunked unsigned-payload upload whose
// checksum travels in a trailer.
func (e *env) chunkedTrailerPut(key, data string, alg checksum.Algorithm, value string) *rawResp {
	e.t.Helper()
	name := strings.ToLower(alg.Header())
	body := fmt.Sprintf("%x\r\n%s\r\n0\r\n%s:%s\r\n\r\n", len(data), data, name, value)
	req := e.newRaw("PUT", "/"+e.bucket+"/"+key, []byte(body))
	req.Header.Set("Content-Encoding", "aws-chunked")
	req.Header.Set("X-Amz-Decoded-Content-Length", strconv.Itoa(len(data)))
	req.Header.Set("X-Amz-Trailer", name)
	e.signWith(req, "STREAMING-UNSIGNED-PAYLOAD-TRAILER")
	return e.do(req)
}

func TestChecksumHeaderErrors(t *testing.T) {
	e := newEnv(t)
	path := "/" + e.bucket + "/k"
	body := []byte("abc")
	two := map[string]string{"X-Amz-Checksum-Crc32": sumOf(checksum.CRC32, "abc"), "X-Amz-Checksum-Sha1": sumOf(checksum.SHA1, "abc")}
	e.signedDo("PUT", path, body, two).wantError(t, 400, "InvalidRequest")
	conflict := map[string]string{"X-Amz-Checksum-Crc32": sumOf(checksum.CRC32, "abc"), "X-Amz-Sdk-Checksum-Algorithm": "SHA256"}
	e.signedDo("PUT", path, body, conflict).wantError(t, 400, "InvalidRequest")
	e.signedDo("PUT", path, body, map[string]string{"X-Amz-Checksum-Crc32": "not-base64!"}).wantError(t, 400, "InvalidRequest")
	e.signedDo("PUT", path, body, map[string]string{"X-Amz-Checksum-Algorithm": "MD4"}).wantError(t, 400, "InvalidRequest")
	if e.objectExists("k") {
		t.Fatal("object stored by a refused request")
	}
}

func TestContentMD5(t *testing.T) {
	e := newEnv(t)
	path := "/" + e.bucket + "/md5"
	good := md5.Sum([]byte("abc"))
	other := md5.Sum([]byte("xyz"))
	r := e.signedDo("PUT", path, []byte("abc"), map[string]string{"Content-MD5": base64.StdEncoding.EncodeToString(good[:])})
	if r.status != 200 {
		t.Fatalf("good md5: %d %s", r.status, r.body)
	}
	e.signedDo("PUT", path+"2", []byte("abc"), map[string]string{"Content-MD5": base64.StdEncoding.EncodeToString(other[:])}).wantError(t, 400, "BadDigest")
	e.signedDo("PUT", path+"2", []byte("abc"), map[string]string{"Content-MD5": "zzz"}).wantError(t, 400, "InvalidDigest")
	e.signedDo("PUT", path+"2", []byte("abc"), map[string]string{"Content-MD5": base64.StdEncoding.EncodeToString([]byte("short"))}).wantError(t, 400, "InvalidDigest")
	if e.objectExists("md52") {
		t.Fatal("object stored despite a bad Content-MD5")
	}
}
