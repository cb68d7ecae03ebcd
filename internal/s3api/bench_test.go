package s3api_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"syscall"
	"testing"
	"time"

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

// What --encrypt-metadata costs as a client sees it: a ListObjectsV2 page
// of 1,000 keys, and HEAD and GET of a 1 KiB object, every object with a
// content type, three user metadata pairs and two tags.
func benchMetadata(b *testing.B, op string, opts ...testserver.Option) {
	srv := testserver.Start(b, opts...)
	c := srv.Client()
	ctx := context.Background()
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("bench")}); err != nil {
		b.Fatal(err)
	}
	data := make([]byte, 1024)
	n := 1
	if op == "list" {
		n = 1000
	}
	for i := range n {
		_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bench"), Key: aws.String(fmt.Sprintf("photos/img-%04d.jpg", i)),
			Body: bytes.NewReader(data), ContentType: aws.String("image/jpeg"), Tagging: aws.String("project=atlas&retention=7y"),
			Metadata: map[string]string{"owner": "alice@example.com", "camera": "X100V", "album": "holidays-2026"}})
		if err != nil {
			b.Fatal(err)
		}
	}
	start := cpuTime()
	for b.Loop() {
		switch op {
		case "list":
			out, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("bench")})
			if err != nil || len(out.Contents) != n {
				b.Fatalf("list: %v", err)
			}
		case "head":
			out, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("bench"), Key: aws.String("photos/img-0000.jpg")})
			if err != nil || out.Metadata["owner"] == "" {
				b.Fatalf("head: %v", err)
			}
		case "get":
			out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("bench"), Key: aws.String("photos/img-0000.jpg")})
			if err != nil || out.Metadata["owner"] == "" {
				b.Fatalf("get: %v", err)
			}
			io.Copy(io.Discard, out.Body)
			out.Body.Close()
		}
	}
	// Client and server share the process: this is the CPU of both.
	b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
}

// cpuTime is the process's CPU time so far. On a machine shared with
// other work, wall time mostly measures the others, CPU time less so.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

var plainMetadata testserver.Option = func(c *server.Config) { c.MetadataEncryption = object.EncryptionOff }

func BenchmarkMetadataList1000(b *testing.B)       { benchMetadata(b, "list", plainMetadata) }
func BenchmarkMetadataList1000Sealed(b *testing.B) { benchMetadata(b, "list") }
func BenchmarkMetadataHead(b *testing.B)           { benchMetadata(b, "head", plainMetadata) }
func BenchmarkMetadataHeadSealed(b *testing.B)     { benchMetadata(b, "head") }
func BenchmarkMetadataGet1KiB(b *testing.B)        { benchMetadata(b, "get", plainMetadata) }
func BenchmarkMetadataGet1KiBSealed(b *testing.B)  { benchMetadata(b, "get") }
