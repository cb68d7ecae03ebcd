package s3api_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/hoard-s3/hoard/internal/testserver"
)

// BenchmarkListObjectsV2Page lists a 1,000-key page through the SDK, as
// bench/cmd/listbench does. Much of a page's time is the SDK parsing the
// XML on the client side; profile to separate the two.
func BenchmarkListObjectsV2Page(b *testing.B) {
	srv := testserver.Start(b)
	c := srv.Client()
	ctx := context.Background()
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("bench")}); err != nil {
		b.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < 2000; i += 8 {
				_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bench"),
					Key: aws.String(fmt.Sprintf("d%02d/obj-%07d", i%100, i)), Body: strings.NewReader("")})
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		out, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("bench")})
		if err != nil {
			b.Fatal(err)
		}
		if len(out.Contents) != 1000 {
			b.Fatalf("%d keys", len(out.Contents))
		}
	}
}
