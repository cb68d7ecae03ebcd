package edge_test

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/hoard-s3/hoard/internal/edge"
	"github.com/hoard-s3/hoard/internal/testserver"
)

func randBytes(t *testing.T, n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

func get(t *testing.T, c *s3.Client, b, key string) []byte {
	t.Helper()
	out, err := c.GetObject(testserver.Context(t), &s3.GetObjectInput{Bucket: aws.String(b), Key: aws.String(key)})
	if err != nil {
		t.Fatalf("get %s/%s: %v", b, key, err)
	}
	defer out.Body.Close()
	data, err := io.ReadAll(out.Body)
	if err != nil {
		t.Fatalf("read %s/%s: %v", b, key, err)
	}
	return data
}

func TestOperationsThroughEdge(t *testing.T) {
	e := newEnv(t)
	clients := map[string]*s3.Client{"accelerate-host": e.accelClient(), "path-style": e.pathClient()}
	for name, c := range clients {
		t.Run(name, func(t *testing.T) {
			ctx := testserver.Context(t)
			body := randBytes(t, 3<<20)
			key := name + "/dir/obj ü+%.bin"
			if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: bytes.NewReader(body)}); err != nil {
				t.Fatalf("put: %v", err)
			}
			if got := get(t, c, bucket, key); !bytes.Equal(got, body) {
				t.Fatalf("get returned %d bytes, want the %d put", len(got), len(body))
			}
			// The origin has the very bytes: read them directly.
			if got := get(t, e.origin.Client(), bucket, key); !bytes.Equal(got, body) {
				t.Fatal("origin holds different bytes")
			}
			head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
			if err != nil || aws.ToInt64(head.ContentLength) != int64(len(body)) {
				t.Fatalf("head: %v, length %d", err, aws.ToInt64(head.ContentLength))
			}
			copyKey := key + ".copy"
			if _, err := c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String(bucket), Key: aws.String(copyKey),
				CopySource: aws.String(bucket + "/" + strings.ReplaceAll(key, "%", "%25"))}); err != nil {
				t.Fatalf("copy: %v", err)
			}
			list, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String(name + "/")})
			if err != nil || len(list.Contents) != 2 {
				t.Fatalf("list: %v, %d keys", err, len(list.Contents))
			}
			multipart(t, c, name+"/mp")
			for _, k := range []string{key, copyKey, name + "/mp"} {
				if _, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String(k)}); err != nil {
					t.Fatalf("delete %s: %v", k, err)
				}
			}
			if _, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)}); err == nil {
				t.Fatal("object still there after delete")
			}
		})
	}
	if _, err := e.pathClient().ListBuckets(testserver.Context(t), &s3.ListBucketsInput{}); err != nil {
		t.Fatalf("list buckets through the edge: %v", err)
	}
}

// multipart uploads three parts (5 MiB, 5 MiB, 1 MiB) with the SDK's
// default checksums and checks the result.
func multipart(t *testing.T, c *s3.Client, key string) {
	t.Helper()
	ctx := testserver.Context(t)
	up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		t.Fatalf("create upload: %v", err)
	}
	var all []byte
	var parts []types.CompletedPart
	for i, size := range []int{5 << 20, 5 << 20, 1 << 20} {
		p := randBytes(t, size)
		all = append(all, p...)
		out, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String(bucket), Key: aws.String(key),
			UploadId: up.UploadId, PartNumber: aws.Int32(int32(i + 1)), Body: bytes.NewReader(p)})
		if err != nil {
			t.Fatalf("upload part %d: %v", i+1, err)
		}
		parts = append(parts, types.CompletedPart{ETag: out.ETag, PartNumber: aws.Int32(int32(i + 1)),
			ChecksumCRC32: out.ChecksumCRC32})
	}
	if _, err := c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String(bucket), Key: aws.String(key),
		UploadId: up.UploadId, MultipartUpload: &types.CompletedMultipartUpload{Parts: parts}}); err != nil {
		t.Fatalf("complete: %v", err)
	}
	if got := get(t, c, bucket, key); !bytes.Equal(got, all) {
		t.Fatalf("multipart object differs (%d bytes, want %d)", len(got), len(all))
	}
}

func TestPresignedThroughEdge(t *testing.T) {
	e := newEnv(t)
	ctx := testserver.Context(t)
	ps := s3.NewPresignClient(e.accelClient())
	hc := dialer(e.addr)

	body := randBytes(t, 1<<20)
	req, err := ps.PresignPutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("single")})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(req.URL, "http://"+bucket+".s3-accelerate."+domain+":") {
		t.Fatalf("presigned URL %s is not for the accelerate host", req.URL)
	}
	put(t, hc, req.URL, body, http.StatusOK)
	if got := get(t, e.origin.Client(), bucket, "single"); !bytes.Equal(got, body) {
		t.Fatal("presigned PUT stored different bytes")
	}

	// A web app starts the upload and hands out part URLs.
	c := e.accelClient()
	up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String(bucket), Key: aws.String("parts")})
	if err != nil {
		t.Fatal(err)
	}
	var parts []types.CompletedPart
	var all []byte
	for n := int32(1); n <= 2; n++ {
		p := randBytes(t, 5<<20)
		all = append(all, p...)
		preq, err := ps.PresignUploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String(bucket), Key: aws.String("parts"),
			UploadId: up.UploadId, PartNumber: aws.Int32(n)})
		if err != nil {
			t.Fatal(err)
		}
		etag := put(t, hc, preq.URL, p, http.StatusOK)
		parts = append(parts, types.CompletedPart{ETag: aws.String(etag), PartNumber: aws.Int32(n)})
	}
	if _, err := c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String(bucket), Key: aws.String("parts"),
		UploadId: up.UploadId, MultipartUpload: &types.CompletedMultipartUpload{Parts: parts}}); err != nil {
		t.Fatalf("complete: %v", err)
	}
	if got := get(t, e.origin.Client(), bucket, "parts"); !bytes.Equal(got, all) {
		t.Fatal("presigned parts stored different bytes")
	}

	// Tampering with a presigned URL (another key) fails at the origin.
	tampered := strings.Replace(req.URL, "/single?", "/other?", 1)
	resp := put(t, hc, tampered, body, http.StatusForbidden)
	if !strings.Contains(resp, "SignatureDoesNotMatch") {
		t.Fatalf("tampered URL answered %q", resp)
	}
}

// put sends body to url and returns the ETag (or the error body).
func put(t *testing.T, hc *http.Client, url string, body []byte, want int) string {
	t.Helper()
	req, err := http.NewRequest(http.MethodPut, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatalf("PUT: %v", err)
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		t.Fatalf("PUT %s: status %d, want %d: %s", url, resp.StatusCode, want, msg)
	}
	if want == http.StatusOK {
		return resp.Header.Get("ETag")
	}
	return string(msg)
}

func TestSignatureTamperingRejected(t *testing.T) {
	e := newEnv(t)
	// A client that signs for one host but the edge reports another: the
	// signature covers Host, so the origin refuses it.
	c := e.accelClient(noRetry, func(o *s3.Options) {
		o.HTTPClient = &http.Client{Transport: hostRewriter{rt: dialer(e.addr).Transport, host: "other.s3-accelerate." + domain}}
	})
	_, err := c.PutObject(testserver.Context(t), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("k"), Body: strings.NewReader("x")})
	if code := apiCode(err); code != "SignatureDoesNotMatch" {
		t.Fatalf("request signed for another host: %v (code %q), want SignatureDoesNotMatch", err, code)
	}
	// A body changed after signing.
	c = e.pathClient(noRetry, func(o *s3.Options) {
		o.HTTPClient = &http.Client{Transport: bodyTamperer{rt: dialer(e.addr).Transport}}
	})
	_, err = c.PutObject(testserver.Context(t), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("k2"),
		Body: strings.NewReader("original"), ChecksumAlgorithm: ""})
	if err == nil {
		t.Fatal("tampered body accepted")
	}
	if _, err := e.origin.Client().HeadObject(testserver.Context(t), &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String("k2")}); err == nil {
		t.Fatal("tampered object was stored")
	}
}

// hostRewriter sends the request with another Host than it was signed for.
type hostRewriter struct {
	rt   http.RoundTripper
	host string
}

func (h hostRewriter) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Host = h.host
	return h.rt.RoundTrip(r)
}

// bodyTamperer flips the first byte of the body after signing.
type bodyTamperer struct{ rt http.RoundTripper }

func (b bodyTamperer) RoundTrip(r *http.Request) (*http.Response, error) {
	data, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, err
	}
	if len(data) > 0 {
		data[len(data)/2] ^= 0xff
	}
	r = r.Clone(r.Context())
	r.Body = io.NopCloser(bytes.NewReader(data))
	return b.rt.RoundTrip(r)
}

func TestUntrustedRelayRefused(t *testing.T) {
	o := startOrigin(t)
	ctx := testserver.Context(t)
	// An edge with the wrong secret.
	_, addr := startEdge(t, o.URL, []byte("not-the-shared-secret-0123456789"))
	bad := (&env{origin: o, addr: addr}).pathClient(noRetry)
	_, err := bad.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("k"), Body: strings.NewReader("x")})
	if code := apiCode(err); code != "AccessDenied" {
		t.Fatalf("wrong edge secret: %v (code %q), want AccessDenied", err, code)
	}
	// A relay that only claims the forwarded host, without a proof, and a
	// proof that is stale or for another path.
	for name, hdr := range map[string]http.Header{
		"host only":  {"X-Hoard-Edge-Host": {"accel.s3-accelerate." + domain}},
		"bad proof":  {"X-Hoard-Edge-Host": {"h"}, "X-Hoard-Edge-Id": {"e"}, "X-Hoard-Edge-Date": {fmt.Sprint(time.Now().Unix())}, "X-Hoard-Edge-Auth": {"00"}},
		"stale date": {"X-Hoard-Edge-Host": {"h"}, "X-Hoard-Edge-Id": {"e"}, "X-Hoard-Edge-Date": {"1000"}, "X-Hoard-Edge-Auth": {"00"}},
	} {
		c := o.Client(noRetry, func(opt *s3.Options) {
			opt.HTTPClient = &http.Client{Transport: headerAdder{rt: http.DefaultTransport, h: hdr}}
		})
		_, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(bucket)})
		if code := apiCode(err); code != "AccessDenied" {
			t.Errorf("%s: %v (code %q), want AccessDenied", name, err, code)
		}
	}
	// The same request without the claim works: only the claim is refused.
	if _, err := o.Client().ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(bucket)}); err != nil {
		t.Fatal(err)
	}
}

type headerAdder struct {
	rt http.RoundTripper
	h  http.Header
}

func (a headerAdder) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	for k, v := range a.h {
		r.Header[k] = v
	}
	return a.rt.RoundTrip(r)
}

// TestH2CToOrigin relays over HTTP/2 without TLS instead of HTTP/1.1.
func TestH2CToOrigin(t *testing.T) {
	o := startOrigin(t, testserver.WithH2C())
	e, addr := startEdge(t, o.URL, secret, func(c *edge.Config) { c.H2C = true })
	env := &env{origin: o, edge: e, addr: addr}
	c := env.accelClient()
	body := randBytes(t, 3<<20)
	if _, err := c.PutObject(testserver.Context(t), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("h2"), Body: bytes.NewReader(body)}); err != nil {
		t.Fatalf("put over h2c: %v", err)
	}
	if got := get(t, c, bucket, "h2"); !bytes.Equal(got, body) {
		t.Fatal("h2c round trip changed the bytes")
	}
	multipart(t, c, "h2-mp")
}
