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
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/hoard-s3/hoard/internal/testserver"
)

// What server access logging costs a request: the same 4 KiB PUT and GET
// as bench_test.go, on a bucket whose logging is on (each request adds a
// synced outbox commit).

func loggedBenchEnv(b *testing.B) *env {
	srv := testserver.Start(b)
	e := &env{c: srv.Client(), srv: srv, ctx: context.Background()}
	for _, name := range []string{"bench", "benchlogs"} {
		if _, err := e.c.CreateBucket(e.ctx, &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
			b.Fatal(err)
		}
	}
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"logging.s3.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::benchlogs/*"}]}`
	if _, err := e.c.PutBucketPolicy(e.ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("benchlogs"), Policy: aws.String(doc)}); err != nil {
		b.Fatal(err)
	}
	if _, err := e.c.PutBucketLogging(e.ctx, &s3.PutBucketLoggingInput{Bucket: aws.String("bench"), BucketLoggingStatus: &types.BucketLoggingStatus{
		LoggingEnabled: &types.LoggingEnabled{TargetBucket: aws.String("benchlogs"), TargetPrefix: aws.String("")}}}); err != nil {
		b.Fatal(err)
	}
	return e
}

func BenchmarkPutObject4KiBAccessLogged(b *testing.B) {
	e := loggedBenchEnv(b)
	data := make([]byte, 4<<10)
	rand.Read(data)
	b.SetBytes(int64(len(data)))
	for i := 0; b.Loop(); i++ {
		if _, err := e.c.PutObject(e.ctx, &s3.PutObjectInput{Bucket: aws.String("bench"), Key: aws.String(fmt.Sprintf("k%d", i%64)),
			Body: bytes.NewReader(data)}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkGetObject4KiBAccessLogged(b *testing.B) {
	e := loggedBenchEnv(b)
	data := make([]byte, 4<<10)
	rand.Read(data)
	if _, err := e.c.PutObject(e.ctx, &s3.PutObjectInput{Bucket: aws.String("bench"), Key: aws.String("k"), Body: bytes.NewReader(data)}); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		out, err := e.c.GetObject(e.ctx, &s3.GetObjectInput{Bucket: aws.String("bench"), Key: aws.String("k")})
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, out.Body)
		out.Body.Close()
	}
}
