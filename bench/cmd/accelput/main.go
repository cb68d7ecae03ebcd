// Command accelput times one upload of a file to an S3 endpoint, as the
// transfer acceleration experiment needs: a single PutObject or a
// multipart upload (5 MiB parts, six in flight), straight to the origin
// or through an edge. It prints one JSON line with the result.
//
//	accelput -endpoint http://10.200.3.1:9000 -bucket b -key k -file F [-multipart]
//	accelput -endpoint http://s3-accelerate.bench.test:9001 -dial 10.200.2.1:9001 ...
//	accelput -endpoint http://10.200.3.1:9000 -bucket b -setup   (create, enable acceleration)
//
// Credentials come from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"sync"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

type options struct {
	endpoint, dial, bucket, key, file string
	multipart, setup, delete          bool
	partSize                          int64
	cc                                string
	parallel                          int
}

func main() {
	var o options
	flag.StringVar(&o.endpoint, "endpoint", "", "S3 endpoint URL; a host starting with s3-accelerate. is used virtual-host style")
	flag.StringVar(&o.dial, "dial", "", "connect to this host:port whatever the URL's host (stands in for DNS)")
	flag.StringVar(&o.bucket, "bucket", "accel", "bucket")
	flag.StringVar(&o.key, "key", "object", "object key")
	flag.StringVar(&o.file, "file", "", "file to upload")
	flag.BoolVar(&o.multipart, "multipart", false, "multipart upload")
	flag.Int64Var(&o.partSize, "part-size", 5<<20, "part size in bytes")
	flag.IntVar(&o.parallel, "parallel", 6, "parts in flight")
	flag.BoolVar(&o.setup, "setup", false, "create the bucket and enable its acceleration, then exit")
	flag.StringVar(&o.cc, "cc", "", "TCP congestion control of the client's sockets (e.g. cubic); empty: the kernel default")
	flag.BoolVar(&o.delete, "delete", false, "delete the object, then exit")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	c := client(o)
	if o.setup {
		if err := setup(ctx, c, o.bucket); err != nil {
			log.Fatalf("accelput: setup: %v", err)
		}
		return
	}
	if o.delete {
		if _, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &o.bucket, Key: &o.key}); err != nil {
			log.Fatalf("accelput: delete: %v", err)
		}
		return
	}
	f, err := os.Open(o.file)
	if err != nil {
		log.Fatalf("accelput: %v", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		log.Fatalf("accelput: %v", err)
	}
	start := time.Now()
	if o.multipart {
		err = multipart(ctx, c, o, f, st.Size())
	} else {
		_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: &o.bucket, Key: &o.key, Body: io.NewSectionReader(f, 0, st.Size()), ContentLength: aws.Int64(st.Size())})
	}
	elapsed := time.Since(start)
	res := map[string]any{"endpoint": o.endpoint, "multipart": o.multipart, "bytes": st.Size(),
		"seconds": elapsed.Seconds(), "mbit_per_s": float64(st.Size()*8) / elapsed.Seconds() / 1e6}
	if err != nil {
		res["error"] = err.Error()
	}
	json.NewEncoder(os.Stdout).Encode(res)
	if err != nil {
		os.Exit(1)
	}
}

func client(o options) *s3.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 64
	d := &net.Dialer{Control: func(_, _ string, rc syscall.RawConn) error {
		if o.cc == "" {
			return nil
		}
		var serr error
		err := rc.Control(func(fd uintptr) { serr = setCongestion(int(fd), o.cc) })
		return errors.Join(err, serr)
	}}
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		if o.dial != "" {
			addr = o.dial
		}
		return d.DialContext(ctx, network, addr)
	}
	return s3.New(s3.Options{
		Region:           "us-east-1",
		BaseEndpoint:     aws.String(o.endpoint),
		UsePathStyle:     o.dial == "",
		Credentials:      credentials.NewStaticCredentialsProvider(os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY"), ""),
		HTTPClient:       &http.Client{Transport: tr},
		RetryMaxAttempts: 1, // a retry would hide what the network did
	})
}

func setup(ctx context.Context, c *s3.Client, bucket string) error {
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &bucket})
	var owned *types.BucketAlreadyOwnedByYou
	if err != nil && !errors.As(err, &owned) {
		return err
	}
	_, err = c.PutBucketAccelerateConfiguration(ctx, &s3.PutBucketAccelerateConfigurationInput{
		Bucket: &bucket, AccelerateConfiguration: &types.AccelerateConfiguration{Status: types.BucketAccelerateStatusEnabled}})
	return err
}

// multipart uploads f in parts, o.parallel at a time, and completes.
func multipart(ctx context.Context, c *s3.Client, o options, f *os.File, size int64) error {
	up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: &o.bucket, Key: &o.key})
	if err != nil {
		return err
	}
	n := int((size + o.partSize - 1) / o.partSize)
	parts := make([]types.CompletedPart, n)
	next := make(chan int)
	errs := make(chan error, o.parallel)
	var wg sync.WaitGroup
	for range o.parallel {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				off := int64(i) * o.partSize
				l := min(o.partSize, size-off)
				out, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: &o.bucket, Key: &o.key, UploadId: up.UploadId,
					PartNumber: aws.Int32(int32(i + 1)), Body: io.NewSectionReader(f, off, l), ContentLength: aws.Int64(l)})
				if err != nil {
					errs <- fmt.Errorf("part %d: %w", i+1, err)
					return
				}
				parts[i] = types.CompletedPart{ETag: out.ETag, PartNumber: aws.Int32(int32(i + 1)), ChecksumCRC32: out.ChecksumCRC32}
			}
		}()
	}
	var ferr error
feed:
	for i := range n {
		select {
		case next <- i:
		case ferr = <-errs:
			break feed
		}
	}
	close(next)
	wg.Wait()
	if ferr == nil && len(errs) > 0 {
		ferr = <-errs
	}
	if ferr != nil {
		c.AbortMultipartUpload(context.Background(), &s3.AbortMultipartUploadInput{Bucket: &o.bucket, Key: &o.key, UploadId: up.UploadId})
		return ferr
	}
	_, err = c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: &o.bucket, Key: &o.key, UploadId: up.UploadId,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: parts}})
	return err
}
