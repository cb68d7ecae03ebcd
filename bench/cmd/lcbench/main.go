// Command lcbench measures the lifecycle worker at scale: it starts a
// Hoard server in-process on a fresh data directory, fills a bucket with
// -objects tiny objects through the object service (the fast path: no
// HTTP, 64 writers whose commits share fsyncs), measures listing and PUT
// throughput over HTTP with aws-sdk-go-v2, then sets one expiry rule that
// makes every object due and measures the same throughput while the
// worker's pass runs, until the bucket's prefix is empty. Memory (the
// process's RSS and Go heap) is sampled every second throughout.
//
//	go run ./bench/cmd/lcbench -objects 1000000
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/hoard-s3/hoard/internal/lifecycle"
	"github.com/hoard-s3/hoard/internal/object"
	"github.com/hoard-s3/hoard/internal/server"
)

const (
	accessKey = "LCBENCHROOTKEY000001"
	secretKey = "lcbench-secret-key-0123456789abcdefghijkl"
	bucket    = "aging"
)

type options struct {
	objects, loaders, putters int
	window                    time.Duration
	dir                       string
	rate, rounds              int
}

func main() {
	var o options
	flag.IntVar(&o.objects, "objects", 100000, "objects in the bucket the rule expires")
	flag.IntVar(&o.loaders, "loaders", 64, "concurrent writers filling the bucket")
	flag.IntVar(&o.putters, "putters", 16, "concurrent 4 KiB PUTs in the PUT measurement")
	flag.DurationVar(&o.window, "window", 10*time.Second, "length of one throughput measurement")
	flag.StringVar(&o.dir, "dir", "", "data directory (default: a new temporary one, removed at the end)")
	flag.IntVar(&o.rounds, "rounds", 8, "rounds of the worker running and paused before it runs to the end")
	flag.IntVar(&o.rate, "rate", 0, "worker's changes per second (default lifecycle.DefaultRate)")
	flag.Parse()
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "lcbench:", err)
		os.Exit(1)
	}
}

func run(o options) error {
	if o.dir == "" {
		d, err := os.MkdirTemp("", "lcbench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		o.dir = d
	}
	srv, err := server.Open(server.Config{
		DataDir: o.dir, Address: "127.0.0.1:0",
		Root:   server.RootCredentials{AccessKey: accessKey, SecretKey: secretKey},
		Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
		// A real day: the rule below is date-based and due at once.
		// The server's own loop never comes round again: the bench
		// drives the passes itself (see below).
		Lifecycle: lifecycle.Config{Every: 1000 * time.Hour, Rate: o.rate},
	})
	if err != nil {
		return err
	}
	go srv.Serve()
	defer srv.Shutdown()
	ctx := context.Background()
	cl := s3.New(s3.Options{
		Region: "us-east-1", BaseEndpoint: aws.String("http://" + srv.Addr()), UsePathStyle: true,
		Credentials: credentials.NewStaticCredentialsProvider(accessKey, secretKey, ""),
	})
	if _, err := cl.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		return err
	}
	mem := startMemory()
	start := time.Now()
	if err := fill(ctx, srv.Service(), o); err != nil {
		return err
	}
	fmt.Printf("filled %d objects in %s (%.0f objects/s, object service, %d writers)\n",
		o.objects, time.Since(start).Round(time.Second), float64(o.objects)/time.Since(start).Seconds(), o.loaders)

	mem.reset() // the fill's own peak is not the baseline
	baseList := measureList(ctx, cl, o.window)
	basePut := measurePut(ctx, cl, o, o.window, "base")
	baseMem := mem.reset()
	fmt.Printf("without a pass: list %.0f keys/s, PUT %.0f/s; RSS max %d MiB, heap max %d MiB\n",
		baseList, basePut, baseMem.rss>>20, baseMem.heap>>20)

	rule := types.LifecycleRule{ID: aws.String("old"), Status: types.ExpirationStatusEnabled,
		Filter:     &types.LifecycleRuleFilter{Prefix: aws.String("old/")},
		Expiration: &types.LifecycleExpiration{Date: aws.Time(time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC))}}
	if _, err := cl.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{Bucket: aws.String(bucket),
		LifecycleConfiguration: &types.BucketLifecycleConfiguration{Rules: []types.LifecycleRule{rule}}}); err != nil {
		return err
	}
	// First the worker alternates with itself paused for -rounds rounds:
	// each window with the pass running is compared with the windows
	// without it on either side, which cancels the drift of a shared
	// machine's load. A paused pass resumes from its cursor in the
	// metadata store. Then the pass runs to the end undisturbed.
	passStart := time.Now()
	var active time.Duration
	var lists, puts []float64
	offList, offPut := baseList, basePut
	w := srv.Lifecycle()
	for round := 0; round < o.rounds; round++ {
		on := time.Now()
		passCtx, stop := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() {
			defer close(done)
			w.Pass(passCtx)
		}()
		l := measureList(ctx, cl, o.window)
		p := measurePut(ctx, cl, o, o.window, fmt.Sprint("on", round))
		stop()
		<-done
		active += time.Since(on)
		l2 := measureList(ctx, cl, o.window)
		p2 := measurePut(ctx, cl, o, o.window, fmt.Sprint("off", round))
		refL, refP := (offList+l2)/2, (offPut+p2)/2
		offList, offPut = l2, p2
		lists, puts = append(lists, l/refL), append(puts, p/refP)
		_, at, _ := w.Cursor(ctx, bucket)
		fmt.Printf("  round %d (worker active %s, at %s): list %.0f keys/s vs %.0f paused (%.0f%%), PUT %.0f/s vs %.0f paused (%.0f%%)\n",
			round, active.Round(time.Second), at, l, refL, 100*l/refL, p, refP, 100*p/refP)
	}
	fmt.Printf("with the pass running: list mean %.0f%% min %.0f%%, PUT mean %.0f%% min %.0f%% of the paused figures\n",
		100*mean(lists), 100*minOf(lists), 100*mean(puts), 100*minOf(puts))
	rest := time.Now()
	for {
		st, err := w.Pass(ctx)
		if err != nil {
			return err
		}
		if left, err := remaining(ctx, cl); err != nil || left == 0 {
			if err != nil {
				return err
			}
			fmt.Printf("  the rest of the pass: %d scanned, %d expired in %s\n", st.Scanned, st.Expired, time.Since(rest).Round(time.Second))
			break
		}
		time.Sleep(time.Second) // a pass just finished by the loop above
	}
	active += time.Since(rest)
	passMem := mem.reset()
	// The same measurements with the worker idle again: what remains of
	// the difference is the engine's (tombstones of the deleted keys that
	// listings skip until compaction), not the worker's.
	afterList := measureList(ctx, cl, o.window)
	afterPut := measurePut(ctx, cl, o, o.window, "after")
	fmt.Printf("after the pass (worker idle): list %.0f keys/s (%.0f%%), PUT %.0f/s (%.0f%%)\n",
		afterList, 100*afterList/baseList, afterPut, 100*afterPut/basePut)
	fmt.Printf("pass over %d objects: worker active %s (%.0f objects/s), wall %s with the pauses\n", o.objects,
		active.Round(time.Second), float64(o.objects)/active.Seconds(), time.Since(passStart).Round(time.Second))
	fmt.Printf("memory during the pass: RSS max %d MiB (before %d MiB), heap max %d MiB (before %d MiB)\n",
		passMem.rss>>20, baseMem.rss>>20, passMem.heap>>20, baseMem.heap>>20)
	return nil
}

// fill writes the objects through the object service with many writers.
func fill(ctx context.Context, svc *object.Service, o options) error {
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, o.loaders)
	for range o.loaders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= int64(o.objects) {
					return
				}
				body := fmt.Sprintf("object %d", i)
				if _, err := svc.PutObject(ctx, object.PutInput{Bucket: bucket, Key: fmt.Sprintf("old/%08d", i),
					Body: strings.NewReader(body), Size: int64(len(body))}); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	return <-errs
}

// measureList lists the bucket from the start, page after page, for d,
// and returns keys per second.
func measureList(ctx context.Context, cl *s3.Client, d time.Duration) float64 {
	keys, start := 0, time.Now()
	var token *string
	for time.Since(start) < d {
		out, err := cl.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), ContinuationToken: token})
		if err != nil {
			fmt.Fprintln(os.Stderr, "list:", err)
			return 0
		}
		keys += len(out.Contents)
		token = out.NextContinuationToken
	}
	return float64(keys) / time.Since(start).Seconds()
}

// measurePut PUTs 4 KiB objects outside the rule's prefix for d and
// returns PUTs per second.
func measurePut(ctx context.Context, cl *s3.Client, o options, d time.Duration, tag string) float64 {
	body := strings.Repeat("x", 4096)
	var n atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for w := range o.putters {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; time.Since(start) < d; i++ {
				_, err := cl.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket),
					Key: aws.String(fmt.Sprintf("new/%s/%d/%d", tag, w, i)), Body: strings.NewReader(body)})
				if err != nil {
					fmt.Fprintln(os.Stderr, "put:", err)
					return
				}
				n.Add(1)
			}
		}()
	}
	wg.Wait()
	return float64(n.Load()) / time.Since(start).Seconds()
}

func remaining(ctx context.Context, cl *s3.Client) (int, error) {
	out, err := cl.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String("old/"), MaxKeys: aws.Int32(1)})
	if err != nil {
		return 0, err
	}
	return len(out.Contents), nil
}

// memory samples the process's resident set and Go heap every second.
type memory struct {
	mu   sync.Mutex
	peak peaks
}

type peaks struct{ rss, heap uint64 }

func startMemory() *memory {
	m := &memory{}
	go func() {
		for range time.Tick(time.Second) {
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			rss := readRSS()
			m.mu.Lock()
			m.peak.rss, m.peak.heap = max(m.peak.rss, rss), max(m.peak.heap, ms.HeapInuse)
			m.mu.Unlock()
		}
	}()
	return m
}

// reset returns the maxima since the last reset.
func (m *memory) reset() peaks {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := m.peak
	m.peak = peaks{}
	return out
}

func readRSS() uint64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	b, _ := io.ReadAll(f)
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			var kb uint64
			fmt.Sscan(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), &kb)
			return kb << 10
		}
	}
	return 0
}

func mean(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

func minOf(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	m := xs[0]
	for _, x := range xs[1:] {
		m = min(m, x)
	}
	return m
}
