// Command gwbench measures small-object PUT and GET and a 1,000-key
// listing page through one or more S3 endpoints (gateways of one store),
// spreading requests over them in turn. It prints one JSON line per
// workload: requests per second, p50 and p99 latency.
//
//	gwbench -endpoints http://127.0.0.1:9000,http://127.0.0.1:9002 -duration 10s -concurrency 16
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

type result struct {
	Label    string  `json:"label"`
	Workload string  `json:"workload"`
	Requests int     `json:"requests"`
	Errors   int64   `json:"errors"`
	PerSec   float64 `json:"per_second"`
	P50ms    float64 `json:"p50_ms"`
	P99ms    float64 `json:"p99_ms"`
}

func main() {
	endpoints := flag.String("endpoints", "", "comma-separated endpoint URLs")
	label := flag.String("label", "", "label of the results")
	duration := flag.Duration("duration", 10*time.Second, "time per PUT and GET workload")
	conc := flag.Int("concurrency", 16, "requests in flight")
	size := flag.Int("size", 4096, "object size in bytes")
	pages := flag.Int("list-pages", 50, "1,000-key listing pages to time")
	putOnly := flag.Bool("put-only", false, "run only the PUT workload")
	flag.Parse()
	ak, sk := os.Getenv("BENCH_ACCESS_KEY"), os.Getenv("BENCH_SECRET_KEY")
	var clients []*s3.Client
	tr := &http.Transport{MaxIdleConnsPerHost: 256}
	for _, e := range strings.Split(*endpoints, ",") {
		clients = append(clients, s3.New(s3.Options{
			Region: "us-east-1", BaseEndpoint: aws.String(e), UsePathStyle: true,
			Credentials: credentials.NewStaticCredentialsProvider(ak, sk, ""),
			HTTPClient:  &http.Client{Transport: tr, Timeout: time.Minute},
		}))
	}
	ctx := context.Background()
	bucket := fmt.Sprintf("gwbench-%d", time.Now().UnixNano()%1e9)
	must(clients[0].CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &bucket}))
	body := bytes.Repeat([]byte("x"), *size)
	var written atomic.Int64
	perW := make([]atomic.Int64, *conc) // each worker's keys are i < perW[w]
	emit(*label, "put-4KiB", run(*duration, *conc, func(w, i int) error {
		_, err := clients[(w+i)%len(clients)].PutObject(ctx, &s3.PutObjectInput{
			Bucket: &bucket, Key: aws.String(fmt.Sprintf("obj/%02d/%08d", w, i)), Body: bytes.NewReader(body),
		})
		if err == nil && perW[w].Load() == int64(i) {
			written.Add(1)
			perW[w].Add(1)
		}
		return err
	}))
	if *putOnly {
		return
	}
	emit(*label, "get-4KiB", run(*duration, *conc, func(w, i int) error {
		out, err := clients[(w+i)%len(clients)].GetObject(ctx, &s3.GetObjectInput{
			Bucket: &bucket, Key: aws.String(fmt.Sprintf("obj/%02d/%08d", w, i%max(int(perW[w].Load()), 1))),
		})
		if err != nil {
			return err
		}
		defer out.Body.Close()
		_, err = io.Copy(io.Discard, out.Body)
		return err
	}))
	listBucket := bucket + "-list"
	must(clients[0].CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &listBucket}))
	fill(ctx, clients[0], listBucket)
	var n atomic.Int64
	emit(*label, "list-page-1000", run(time.Hour, 1, func(w, i int) error {
		if n.Add(1) > int64(*pages) {
			return errDone
		}
		out, err := clients[i%len(clients)].ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: &listBucket, MaxKeys: aws.Int32(1000)})
		if err == nil && len(out.Contents) != 1000 {
			err = fmt.Errorf("listed %d keys", len(out.Contents))
		}
		return err
	}))
}

var errDone = fmt.Errorf("done")

// fill PUTs 1,000 empty objects.
func fill(ctx context.Context, c *s3.Client, bucket string) {
	var wg sync.WaitGroup
	for w := 0; w < 16; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < 1000; i += 16 {
				must(c.PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: aws.String(fmt.Sprintf("k%05d", i)), Body: bytes.NewReader(nil)}))
			}
		}()
	}
	wg.Wait()
}

// run calls op from conc workers until d passes (or op returns errDone)
// and returns the latencies of the requests that succeeded.
type stats struct {
	lat  []time.Duration
	took time.Duration
	errs int64
}

func run(d time.Duration, conc int, op func(w, i int) error) stats {
	var mu sync.Mutex
	var lat []time.Duration
	var errs atomic.Int64
	start := time.Now()
	deadline := start.Add(d)
	var wg sync.WaitGroup
	for w := 0; w < conc; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			for i := 0; time.Now().Before(deadline); i++ {
				t := time.Now()
				err := op(w, i)
				if err == errDone {
					break
				}
				if err != nil {
					errs.Add(1)
					continue
				}
				mine = append(mine, time.Since(t))
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	return stats{lat, time.Since(start), errs.Load()}
}

func emit(label, workload string, st stats) {
	lat, took, errs := st.lat, st.took, st.errs
	slices.Sort(lat)
	pct := func(p float64) float64 {
		if len(lat) == 0 {
			return 0
		}
		return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000
	}
	r := result{Label: label, Workload: workload, Requests: len(lat), Errors: errs,
		PerSec: float64(len(lat)) / took.Seconds(), P50ms: pct(0.5), P99ms: pct(0.99)}
	b, _ := json.Marshal(r)
	fmt.Println(string(b))
}

func must[T any](_ T, err error) {
	if err != nil {
		log.Fatal(err)
	}
}
