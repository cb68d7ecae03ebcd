// Command listbench loads a bucket with many tiny objects and times
// ListObjectsV2 on it, recording the same figures as the warp runs (see
// package result). Modes:
//
//	wait  poll ListBuckets until the server answers (or -timeout)
//	load  create -bucket and PUT -keys empty objects with -concurrency workers
//	list  time -pages single pages of 1,000 keys, then -full complete listings
//	delete  remove the loaded keys with DeleteObjects, 1,000 a request
//	check   HEAD keys across the loaded range and check the bucket owner
//	load-hoard   fill -bucket in the Hoard data directory -data in-process,
//	             before the server starts on it (see hoardload.go)
//	clone-minio  fill -bucket in the stopped single-drive MinIO data
//	             directory -data by copying the xl.meta of the first key,
//	             PUT beforehand with -mode load -keys 1 (see minioclone.go)
//	list-versions  time ListObjectVersions pages (see versions.go)
//
// With -versions V > 1, load and load-hoard enable versioning and write
// every key V times (clone-minio copies a first key loaded that way).
//
// The fast loads print one line with the key count, time and rate.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

type options struct {
	mode        string
	endpoint    string
	accessKey   string
	secretKey   string
	region      string
	bucket      string
	keys        int
	concurrency int
	pages       int
	minTime     time.Duration
	full        int
	server      string
	round       int
	pid         int
	out         string
	timeout     time.Duration
	data        string
	versions    int
}

func main() {
	var o options
	flag.StringVar(&o.mode, "mode", "", "wait, load, list, delete, check, load-hoard, clone-minio or list-versions")
	flag.StringVar(&o.endpoint, "endpoint", "http://127.0.0.1:9000", "server URL")
	flag.StringVar(&o.accessKey, "access-key", os.Getenv("BENCH_ACCESS_KEY"), "access key (default $BENCH_ACCESS_KEY)")
	flag.StringVar(&o.secretKey, "secret-key", os.Getenv("BENCH_SECRET_KEY"), "secret key (default $BENCH_SECRET_KEY)")
	flag.StringVar(&o.region, "region", "us-east-1", "signing region")
	flag.StringVar(&o.bucket, "bucket", "listbench", "bucket")
	flag.IntVar(&o.keys, "keys", 100000, "objects to load / expected in a full listing")
	flag.IntVar(&o.concurrency, "concurrency", 32, "loader workers")
	flag.IntVar(&o.pages, "pages", 20, "single-page listings to time (at least)")
	flag.DurationVar(&o.minTime, "min-time", 0, "time single-page listings for at least this long")
	flag.IntVar(&o.full, "full", 1, "full listings to time (0: none)")
	flag.StringVar(&o.server, "server", "", "server label for the records")
	flag.IntVar(&o.round, "round", 1, "round number")
	flag.IntVar(&o.pid, "pid", 0, "server process id (for CPU and RSS)")
	flag.StringVar(&o.out, "out", "", "results file (JSON lines) to append to")
	flag.DurationVar(&o.timeout, "timeout", 10*time.Minute, "hard limit for this run")
	flag.StringVar(&o.data, "data", "", "data directory of the server (load-hoard, clone-minio)")
	flag.IntVar(&o.versions, "versions", 1, "versions per key (load, load-hoard); >1 enables versioning")
	flag.Parse()

	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()
	ctx, cancelT := context.WithTimeout(ctx, o.timeout)
	defer cancelT()

	client := newClient(o)
	var err error
	switch o.mode {
	case "wait":
		err = wait(ctx, client)
	case "load":
		err = withMeasure(o, func(m *measure) error { return load(ctx, client, o, m) })
	case "list":
		err = list(ctx, client, o)
	case "delete":
		err = deleteAll(ctx, client, o)
	case "check":
		err = check(ctx, client, o)
	case "load-hoard":
		err = fastLoad(ctx, o, loadHoard, "in-process PutObject")
	case "list-versions":
		err = listVersions(ctx, client, o)
	case "clone-minio":
		err = fastLoad(ctx, o, cloneMinio, "xl.meta copies")
	default:
		fmt.Fprintln(os.Stderr, "usage: listbench -mode wait|load|list|delete|check|load-hoard|clone-minio|list-versions [flags]")
		os.Exit(2)
	}
	if err != nil {
		slog.Error("listbench failed", "mode", o.mode, "server", o.server, "err", err)
		os.Exit(1)
	}
}

// fastLoad runs a loader on o.data and prints what it did.
func fastLoad(ctx context.Context, o options, f func(context.Context, options) (loadStats, error), how string) error {
	if o.data == "" {
		return fmt.Errorf("-mode %s needs -data", o.mode)
	}
	st, err := f(ctx, o)
	if err != nil {
		return err
	}
	if st.versions > 1 {
		fmt.Printf("%s: %d keys x %d versions in %.1f s, %.0f versions/s (%s, %d workers)\n",
			o.server, st.keys, st.versions, st.elapsed.Seconds(), st.rate(), how, o.concurrency)
		return nil
	}
	fmt.Printf("%s: %d keys in %.1f s, %.0f keys/s (%s, %d workers)\n",
		o.server, st.keys, st.elapsed.Seconds(), st.rate(), how, o.concurrency)
	return nil
}

// newClient builds an SDK client for path-style requests to a loopback
// server. Checksums are only sent when an operation requires them: the
// loader measures listing, not hashing.
func newClient(o options) *s3.Client {
	tr := &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
		MaxIdleConns:        256,
		MaxIdleConnsPerHost: 256,
		IdleConnTimeout:     30 * time.Second,
	}
	return s3.New(s3.Options{
		Region:                     o.region,
		BaseEndpoint:               aws.String(o.endpoint),
		UsePathStyle:               true,
		Credentials:                credentials.NewStaticCredentialsProvider(o.accessKey, o.secretKey, ""),
		HTTPClient:                 &http.Client{Transport: tr, Timeout: 2 * time.Minute},
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenRequired,
		RetryMaxAttempts:           1,
	})
}

// wait polls until the server answers an authenticated ListBuckets.
func wait(ctx context.Context, c *s3.Client) error {
	var last error
	for {
		rctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		_, err := c.ListBuckets(rctx, &s3.ListBucketsInput{})
		cancel()
		if err == nil {
			return nil
		}
		last = err
		select {
		case <-ctx.Done():
			return fmt.Errorf("server not ready: %w", last)
		case <-time.After(250 * time.Millisecond):
		}
	}
}
