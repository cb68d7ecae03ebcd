// Command invbench measures inventory reports at scale: it fills a
// bucket with -objects tiny objects through the object service (64
// writers whose commits share fsyncs), then writes one report in each
// format (gzip CSV and Parquet, current versions, every optional field)
// and prints, per format, the time, the rows per second, the report's
// size (data files and manifest) and the process's peak RSS during the
// report (VmHWM, reset before each report) beside the RSS before it,
// and the Go heap's peak (sampled every 50 ms), which is what stays flat
// whatever the bucket's size.
//
//	go run ./bench/cmd/invbench -objects 100000
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hoard-s3/hoard/bench/internal/procstat"
	"github.com/hoard-s3/hoard/internal/blob"
	"github.com/hoard-s3/hoard/internal/inventory"
	"github.com/hoard-s3/hoard/internal/meta/pebblemeta"
	"github.com/hoard-s3/hoard/internal/object"
)

const (
	src = "source"
	dst = "reports"
)

func main() {
	objects := flag.Int("objects", 100000, "objects in the source bucket")
	loaders := flag.Int("loaders", 64, "concurrent writers filling the bucket")
	dir := flag.String("dir", "", "data directory (default: a new temporary one, removed at the end)")
	rounds := flag.Int("rounds", 2, "reports of each format, alternating formats (the first round may share the machine with compactions of the fill)")
	flag.Parse()
	if err := run(*objects, *loaders, *rounds, *dir); err != nil {
		fmt.Fprintln(os.Stderr, "invbench:", err)
		os.Exit(1)
	}
}

func run(objects, loaders, rounds int, dir string) error {
	if dir == "" {
		d, err := os.MkdirTemp("", "invbench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		dir = d
	}
	ctx := context.Background()
	store, err := pebblemeta.OpenWith(filepath.Join(dir, "meta"), pebblemeta.Options{})
	if err != nil {
		return err
	}
	defer store.Close()
	blobs, err := blob.OpenDir(filepath.Join(dir, "blobs"), blob.OS)
	if err != nil {
		return err
	}
	svc := object.New(store, blobs, object.Config{})
	for _, b := range []string{src, dst} {
		if err := svc.CreateBucket(ctx, b, "us-east-1", "owner"); err != nil {
			return err
		}
	}
	start := time.Now()
	if err := fill(ctx, svc, objects, loaders); err != nil {
		return fmt.Errorf("fill: %w", err)
	}
	fmt.Printf("filled %d objects in %s (%.0f/s)\n", objects, time.Since(start).Round(time.Millisecond),
		float64(objects)/time.Since(start).Seconds())
	fmt.Println("| format | objects | time | rows/s | report bytes | data files | RSS before | peak RSS during | Go heap peak |")
	fmt.Println("|---|---|---|---|---|---|---|---|---|")
	for range rounds {
		for _, format := range []string{object.InventoryCSV, object.InventoryParquet} {
			if err := report(ctx, svc, objects, format, filepath.Join(dir, "tmp")); err != nil {
				return fmt.Errorf("%s: %w", format, err)
			}
		}
	}
	return nil
}

func fill(ctx context.Context, svc *object.Service, n, loaders int) error {
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, loaders)
	for range loaders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= int64(n) {
					return
				}
				body := fmt.Sprintf("object %d", i)
				key := fmt.Sprintf("logs/%03d/%02d/object-%08d.json", i%1000, i%97, i)
				if _, err := svc.PutObject(ctx, object.PutInput{Bucket: src, Key: key,
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

func report(ctx context.Context, svc *object.Service, objects int, format, tmp string) error {
	if err := os.MkdirAll(tmp, 0o700); err != nil {
		return err
	}
	c := &object.InventoryConfiguration{ID: "bench-" + strings.ToLower(format), Enabled: true,
		Versions: object.InventoryCurrent, Frequency: object.InventoryDaily, Fields: object.InventoryFields,
		Destination: object.InventoryDestination{BucketARN: "arn:aws:s3:::" + dst, Bucket: dst, Format: format}}
	gen := inventory.NewGenerator(svc, inventory.Config{TempDir: tmp,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	debug.FreeOSMemory()
	pid := os.Getpid()
	if err := procstat.ResetPeakRSS(pid); err != nil {
		fmt.Fprintln(os.Stderr, "invbench:", err)
	}
	before, _ := procstat.PeakRSSKiB(pid)
	heap := &heapPeak{stop: make(chan struct{})}
	heap.wg.Add(1)
	go heap.sample()
	start := time.Now()
	rep, err := gen.Run(ctx, src, c)
	elapsed := time.Since(start)
	heap.done()
	if err != nil {
		return err
	}
	peak, _ := procstat.PeakRSSKiB(pid)
	var size int64
	for _, f := range rep.Files {
		size += f.Size
	}
	if rep.Rows != int64(objects) {
		return fmt.Errorf("report has %d rows for %d objects", rep.Rows, objects)
	}
	fmt.Printf("| %s | %d | %s | %.0f | %s | %d | %d MiB | %d MiB | %d MiB |\n", format, objects,
		elapsed.Round(time.Millisecond), float64(rep.Rows)/elapsed.Seconds(), mib(size), len(rep.Files),
		before/1024, peak/1024, heap.max.Load()>>20)
	return nil
}

func mib(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }

// heapPeak samples the Go heap in use every 50 ms.
type heapPeak struct {
	max  atomic.Uint64
	stop chan struct{}
	wg   sync.WaitGroup
}

func (h *heapPeak) sample() {
	defer h.wg.Done()
	t := time.NewTicker(50 * time.Millisecond)
	defer t.Stop()
	for {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		if ms.HeapInuse > h.max.Load() {
			h.max.Store(ms.HeapInuse)
		}
		select {
		case <-h.stop:
			return
		case <-t.C:
		}
	}
}

func (h *heapPeak) done() { close(h.stop); h.wg.Wait() }
