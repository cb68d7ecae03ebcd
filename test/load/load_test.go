// Package load runs a bounded load test against an in-process server on
// loopback: 256 concurrent clients mixing PUT, GET, LIST, DELETE and
// multipart uploads. It asserts that no request fails, that goroutines and
// file descriptors return to their baseline afterwards, and that heap use
// stays flat. The default run is short; HOARD_LOAD=1 runs for minutes
// (HOARD_LOAD_DURATION, e.g. 5m, overrides the length).
package load

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/hoard-s3/hoard/internal/server"
	"github.com/hoard-s3/hoard/internal/testserver"
)

const (
	clients     = 256
	metricToken = "load-test-token"
	bucket      = "load"
)

func duration(t *testing.T) time.Duration {
	if v := os.Getenv("HOARD_LOAD_DURATION"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			t.Fatalf("HOARD_LOAD_DURATION: %v", err)
		}
		return d
	}
	if os.Getenv("HOARD_LOAD") == "1" {
		return 3 * time.Minute
	}
	if testing.Short() {
		return 5 * time.Second
	}
	return 20 * time.Second
}

func TestLoad(t *testing.T) {
	run := duration(t)
	srv := testserver.Start(t, func(c *server.Config) { c.MetricsToken = metricToken })
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = clients
	httpc := &http.Client{Transport: transport, Timeout: 2 * time.Minute}
	// No retries: every failure must surface.
	c := srv.Client(func(o *s3.Options) { o.HTTPClient = httpc; o.Retryer = aws.NopRetryer{} })
	ctx := context.Background()
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatal(err)
	}

	settle()
	baseG, baseFD := runtime.NumGoroutine(), openFDs(t)

	stopMem := make(chan struct{})
	heap := sampleHeap(stopMem)
	var ops, failures atomic.Int64
	var firstErr sync.Once
	deadline := time.Now().Add(run)
	var wg sync.WaitGroup
	for id := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := &worker{c: c, id: id, rng: rand.New(rand.NewPCG(uint64(id), 7)), objects: map[string]string{}}
			for time.Now().Before(deadline) {
				if err := w.step(ctx); err != nil {
					failures.Add(1)
					firstErr.Do(func() { t.Errorf("client %d: %v", id, err) })
				}
				ops.Add(1)
			}
		}()
	}
	wg.Wait()
	close(stopMem)
	samples := <-heap
	t.Logf("%d operations in %v by %d clients, %d failed", ops.Load(), run, clients, failures.Load())
	if failures.Load() > 0 {
		t.Fatalf("%d of %d operations failed", failures.Load(), ops.Load())
	}
	checkHeapFlat(t, samples)
	checkMetrics(t, srv, httpc)

	transport.CloseIdleConnections()
	checkSettled(t, baseG, baseFD)
}

// worker is one client with the keys it wrote and their MD5s.
type worker struct {
	c       *s3.Client
	id      int
	rng     *rand.Rand
	objects map[string]string // key -> hex MD5
	seq     int
}

func (w *worker) step(ctx context.Context) error {
	switch p := w.rng.IntN(100); {
	case p < 30 || len(w.objects) == 0:
		return w.put(ctx)
	case p < 65:
		return w.get(ctx)
	case p < 80:
		return w.list(ctx)
	case p < 99:
		return w.delete(ctx)
	default:
		return w.multipart(ctx)
	}
}

func (w *worker) newKey() string {
	w.seq++
	return fmt.Sprintf("c%03d/o%06d", w.id, w.seq)
}

func (w *worker) payload(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(w.rng.Uint32())
	}
	return b
}

func (w *worker) put(ctx context.Context) error {
	size := w.rng.IntN(64 << 10)
	if w.rng.IntN(20) == 0 {
		size = 1<<20 + w.rng.IntN(1<<20) // past the inline threshold: a blob
	}
	data := w.payload(size)
	key := w.newKey()
	if _, err := w.c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: bytes.NewReader(data)}); err != nil {
		return fmt.Errorf("put %s: %w", key, err)
	}
	sum := md5.Sum(data)
	w.objects[key] = hex.EncodeToString(sum[:])
	return nil
}

func (w *worker) anyKey() string {
	for k := range w.objects {
		return k
	}
	return ""
}

func (w *worker) get(ctx context.Context) error {
	key := w.anyKey()
	out, err := w.c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		return fmt.Errorf("get %s: %w", key, err)
	}
	defer out.Body.Close()
	h := md5.New()
	if _, err := io.Copy(h, out.Body); err != nil {
		return fmt.Errorf("read %s: %w", key, err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != w.objects[key] {
		return fmt.Errorf("get %s: content MD5 %s, wrote %s", key, got, w.objects[key])
	}
	return nil
}

func (w *worker) list(ctx context.Context) error {
	out, err := w.c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String(fmt.Sprintf("c%03d/", w.id))})
	if err != nil {
		return fmt.Errorf("list: %w", err)
	}
	if len(out.Contents) != len(w.objects) {
		return fmt.Errorf("list: %d keys, have %d", len(out.Contents), len(w.objects))
	}
	return nil
}

func (w *worker) delete(ctx context.Context) error {
	key := w.anyKey()
	if _, err := w.c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)}); err != nil {
		return fmt.Errorf("delete %s: %w", key, err)
	}
	delete(w.objects, key)
	return nil
}

// multipart uploads two parts (5 MiB and a small last one) and completes.
func (w *worker) multipart(ctx context.Context) error {
	key := w.newKey()
	up, err := w.c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		return fmt.Errorf("create upload %s: %w", key, err)
	}
	parts := [][]byte{w.payload(5 << 20), w.payload(1000)}
	var done []types.CompletedPart
	all := md5.New()
	for i, p := range parts {
		n := int32(i + 1)
		out, err := w.c.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String(bucket), Key: aws.String(key),
			UploadId: up.UploadId, PartNumber: aws.Int32(n), Body: bytes.NewReader(p)})
		if err != nil {
			return fmt.Errorf("upload part %d of %s: %w", n, key, err)
		}
		done = append(done, types.CompletedPart{ETag: out.ETag, PartNumber: aws.Int32(n)})
		all.Write(p)
	}
	if _, err := w.c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String(bucket), Key: aws.String(key),
		UploadId: up.UploadId, MultipartUpload: &types.CompletedMultipartUpload{Parts: done}}); err != nil {
		return fmt.Errorf("complete %s: %w", key, err)
	}
	w.objects[key] = hex.EncodeToString(all.Sum(nil))
	return nil
}

// sampleHeap records HeapInuse every 250 ms until stop.
func sampleHeap(stop <-chan struct{}) <-chan []uint64 {
	out := make(chan []uint64, 1)
	go func() {
		var samples []uint64
		t := time.NewTicker(250 * time.Millisecond)
		defer t.Stop()
		for {
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			samples = append(samples, ms.HeapInuse)
			select {
			case <-stop:
				out <- samples
				return
			case <-t.C:
			}
		}
	}()
	return out
}

// checkHeapFlat: heap in the last third of the run is not far above the
// first third's (no growth with operations), and never past a fixed bound.
func checkHeapFlat(t *testing.T, s []uint64) {
	const bound = 1 << 30
	if len(s) < 6 {
		return
	}
	third := len(s) / 3
	first, last := peak(s[:third]), peak(s[len(s)-third:])
	t.Logf("heap in use: first third peak %d MiB, last third peak %d MiB, overall %d MiB", first>>20, last>>20, peak(s)>>20)
	if peak(s) > bound {
		t.Errorf("heap in use reached %d MiB (bound %d MiB)", peak(s)>>20, bound>>20)
	}
	if last > first+first/2+64<<20 {
		t.Errorf("heap grew: first third peak %d MiB, last third peak %d MiB", first>>20, last>>20)
	}
}

func peak(s []uint64) uint64 {
	var m uint64
	for _, v := range s {
		m = max(m, v)
	}
	return m
}

// checkMetrics scrapes /metrics: the requests were counted and none
// answered 5xx.
func checkMetrics(t *testing.T, srv *testserver.Server, c *http.Client) {
	req, _ := http.NewRequest("GET", srv.URL+"/metrics", nil)
	req.Header.Set("Authorization", "Bearer "+metricToken)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("scrape: %d %s", resp.StatusCode, body)
	}
	text := string(body)
	for _, want := range []string{`operation="PutObject",status="200"`, `operation="GetObject",status="200"`,
		`operation="ListObjectsV2",status="200"`, `operation="DeleteObject",status="204"`, "hoard_meta_disk_bytes ", "hoard_meta_block_cache_hits_total "} {
		if !strings.Contains(text, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if strings.Contains(text, `status="5`) {
		t.Errorf("metrics show 5xx answers")
	}
}

// settle gives finished connections and their goroutines time to go.
func settle() {
	runtime.GC()
	time.Sleep(200 * time.Millisecond)
}

// checkSettled waits up to 15 s for goroutines and descriptors to return
// to the baseline (with a small margin for runtime helpers).
func checkSettled(t *testing.T, baseG, baseFD int) {
	var g, fd int
	for range 75 {
		settle()
		g, fd = runtime.NumGoroutine(), openFDs(t)
		if g <= baseG+5 && fd <= baseFD+5 {
			t.Logf("settled: %d goroutines (baseline %d), %d descriptors (baseline %d)", g, baseG, fd, baseFD)
			return
		}
	}
	buf := make([]byte, 1<<20)
	t.Errorf("leak: %d goroutines (baseline %d), %d descriptors (baseline %d)\n%s\n%s",
		g, baseG, fd, baseFD, fdTargets(), buf[:runtime.Stack(buf, true)])
}

// openFDs counts open descriptors other than the metadata engine's own
// files: Pebble keeps sstables open in its table cache and rotates its
// log, so their number follows the data, not the requests.
func openFDs(t *testing.T) int {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skipf("cannot count descriptors: %v", err)
	}
	n := 0
	for _, e := range ents {
		target, err := os.Readlink("/proc/self/fd/" + e.Name())
		if err == nil && strings.Contains(target, string(os.PathSeparator)+"meta"+string(os.PathSeparator)) {
			continue
		}
		n++
	}
	return n
}

func fdTargets() string {
	ents, _ := os.ReadDir("/proc/self/fd")
	var b strings.Builder
	for _, e := range ents {
		target, _ := os.Readlink("/proc/self/fd/" + e.Name())
		fmt.Fprintf(&b, "%s -> %s\n", e.Name(), target)
	}
	return b.String()
}
