package s3api_test

import (
	"bytes"
	"fmt"
	"hash/crc32"
	"io"
	"mime/multipart"
	"net/http"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/hoard-s3/hoard/internal/checksum"
	"github.com/hoard-s3/hoard/internal/testserver"
)

// minio-go is the S3 client many Go services embed (Thanos, Loki, Harbor,
// Velero); its wire habits differ from the AWS SDKs'. With tls it believes
// it talks HTTPS, and so sends STREAMING-UNSIGNED-PAYLOAD-TRAILER bodies
// (signed chunks otherwise), over plain HTTP to the test server.
func newMinio(t *testing.T, e *env, tls bool) *minio.Client {
	t.Helper()
	opts := &minio.Options{
		Creds:           credentials.NewStaticV4(testserver.AccessKey, testserver.SecretKey, ""),
		Region:          testserver.Region,
		TrailingHeaders: true,
	}
	if tls {
		opts.Secure, opts.Transport = true, schemeRewriter{http.DefaultTransport}
	}
	c, err := minio.New(e.srv.Addr, opts)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func crc32cB64(b []byte) string {
	return sumOf(checksum.CRC32C, string(b))
}

func TestMinioTrailingChecksums(t *testing.T) {
	e := newEnv(t)
	small := partBytes(1, 100_000)
	big := partBytes(2, 11*mib)
	tests := []struct {
		name string
		key  string
		data []byte
		opts minio.PutObjectOptions
		typ  string // expected x-amz-checksum-type
	}{
		// One PUT, aws-chunked with a trailing CRC32C whose line ends in LF.
		{"single put", "single", small, minio.PutObjectOptions{Checksum: minio.ChecksumCRC32C, DisableMultipart: true}, "FULL_OBJECT"},
		// Three parts, each with a trailing CRC32C, completed as a
		// full-object CRC32C.
		{"multipart full-object CRC32C", "multi", big, minio.PutObjectOptions{Checksum: minio.ChecksumFullObjectCRC32C, PartSize: 5 * mib}, "FULL_OBJECT"},
	}
	for _, tls := range []bool{false, true} {
		for _, tt := range tests {
			t.Run(fmt.Sprintf("%s tls=%v", tt.name, tls), func(t *testing.T) {
				minioRoundTrip(t, e, newMinio(t, e, tls), tt.key, tt.data, tt.opts, tt.typ)
			})
		}
	}
}

func minioRoundTrip(t *testing.T, e *env, mc *minio.Client, key string, data []byte, opts minio.PutObjectOptions, typ string) {
	t.Helper()
	info, err := mc.PutObject(e.ctx, e.bucket, key, bytes.NewReader(data), int64(len(data)), opts)
	if err != nil {
		t.Fatalf("put: %v", err)
	}
	if info.ChecksumCRC32C != crc32cB64(data) {
		t.Fatalf("put answered CRC32C %q, want %q", info.ChecksumCRC32C, crc32cB64(data))
	}
	obj, err := mc.GetObject(e.ctx, e.bucket, key, minio.GetObjectOptions{Checksum: true})
	if err != nil {
		t.Fatal(err)
	}
	defer obj.Close()
	got, err := io.ReadAll(obj)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("read back %d bytes, %v", len(got), err)
	}
	st, err := obj.Stat()
	if err != nil || st.ChecksumCRC32C != crc32cB64(data) || st.ChecksumMode != typ {
		t.Fatalf("stat: CRC32C %q type %q, %v", st.ChecksumCRC32C, st.ChecksumMode, err)
	}
}

func TestMinioPresignedPostChecksum(t *testing.T) {
	e := newEnv(t)
	mc := newMinio(t, e, false)
	data := []byte("posted with a checksum")
	post := func(sum []byte) *http.Response {
		t.Helper()
		p := minio.NewPostPolicy()
		must(t, p.SetBucket(e.bucket))
		must(t, p.SetKey("posted"))
		must(t, p.SetExpires(time.Now().Add(time.Hour)))
		must(t, p.SetChecksum(minio.NewChecksum(minio.ChecksumCRC32C, sum)))
		u, form, err := mc.PresignedPostPolicy(e.ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		var body bytes.Buffer
		w := multipart.NewWriter(&body)
		for k, v := range form {
			must(t, w.WriteField(k, v))
		}
		fw, err := w.CreateFormFile("file", "posted")
		must(t, err)
		fw.Write(data)
		must(t, w.Close())
		resp, err := http.Post(u.String(), w.FormDataContentType(), &body)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	good := crc32.Checksum(data, crc32.MakeTable(crc32.Castagnoli))
	sum := []byte{byte(good >> 24), byte(good >> 16), byte(good >> 8), byte(good)}
	if resp := post(sum); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("POST with the right CRC32C: %d", resp.StatusCode)
	}
	if e.mustGet("posted") != string(data) {
		t.Fatal("posted object differs")
	}
	bad := []byte{sum[0] ^ 1, sum[1], sum[2], sum[3]}
	if resp := post(bad); resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("POST with a wrong CRC32C: %d", resp.StatusCode)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
