package s3api_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/hoard-s3/hoard/internal/object"
	"github.com/hoard-s3/hoard/internal/server"
	"github.com/hoard-s3/hoard/internal/testserver"
)

// End-to-end request benchmarks through the SDK over loopback: the whole
// stack (signature, hashing, engines, HTTP) as a client sees it. Profile
// with -cpuprofile to see where a request's time goes.

func benchPut(b *testing.B, size int, opts ...testserver.Option) {
	srv := testserver.Start(b, opts...)
	c := srv.Client()
	ctx := context.Background()
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("bench")}); err != nil {
		b.Fatal(err)
	}
	data := make([]byte, size)
	rand.Read(data)
	b.SetBytes(int64(size))
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		_, err := c.PutObject(ctx, &s3.PutObjectInput{
			Bucket: aws.String("bench"), Key: aws.String(fmt.Sprintf("k%d", i%64)),
			Body: bytes.NewReader(data),
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

func benchGet(b *testing.B, size int, opts ...testserver.Option) {
	srv := testserver.Start(b, opts...)
	c := srv.Client()
	ctx := context.Background()
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("bench")}); err != nil {
		b.Fatal(err)
	}
	data := make([]byte, size)
	rand.Read(data)
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bench"), Key: aws.String("k"), Body: bytes.NewReader(data)}); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(size))
	b.ResetTimer()
	for b.Loop() {
		out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("bench"), Key: aws.String("k")})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := io.Copy(io.Discard, out.Body); err != nil {
			b.Fatal(err)
		}
		out.Body.Close()
	}
}

func BenchmarkPutObject4KiB(b *testing.B)  { benchPut(b, 4<<10) }
func BenchmarkPutObject64MiB(b *testing.B) { benchPut(b, 64<<20) }
func BenchmarkGetObject4KiB(b *testing.B)  { benchGet(b, 4<<10) }
func BenchmarkGetObject64MiB(b *testing.B) { benchGet(b, 64<<20) }

// The same with encryption at rest switched off, to measure what SSE-S3
// costs.
var plaintext testserver.Option = func(c *server.Config) { c.Encryption = object.EncryptionOff }

func BenchmarkPutObject64MiBPlaintext(b *testing.B) { benchPut(b, 64<<20, plaintext) }
func BenchmarkGetObject64MiBPlaintext(b *testing.B) { benchGet(b, 64<<20, plaintext) }
func BenchmarkPutObject4KiBPlaintext(b *testing.B)  { benchPut(b, 4<<10, plaintext) }
