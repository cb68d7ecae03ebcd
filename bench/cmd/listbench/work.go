package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/hoard-s3/hoard/bench/internal/procstat"
	"github.com/hoard-s3/hoard/bench/internal/result"
)

const pageSize = 1000

// key names spread over 100 "directories" so listings cross prefixes the
// way real buckets do; zero-padded so lexical order is numeric order.
func key(i int) string { return fmt.Sprintf("d%02d/obj-%07d", i%100, i) }

// sized names a workload after the bucket size, so the rows of a 1,000-key
// and a 1,000,000-key bucket sit side by side: list-page-1000-at-1k,
// list-page-1000-at-1M.
func sized(workload, sep string, keys int) string {
	var n string
	switch {
	case keys >= 1_000_000 && keys%1_000_000 == 0:
		n = fmt.Sprintf("%dM", keys/1_000_000)
	case keys >= 1000 && keys%1000 == 0:
		n = fmt.Sprintf("%dk", keys/1000)
	default:
		n = fmt.Sprint(keys)
	}
	return workload + sep + n
}

// createBucket creates bucket unless it is already ours.
func createBucket(ctx context.Context, c *s3.Client, bucket string) error {
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)})
	var owned *types.BucketAlreadyOwnedByYou
	if err != nil && !errors.As(err, &owned) {
		return fmt.Errorf("create bucket %s: %w", bucket, err)
	}
	return nil
}

// forEachKey calls fn(w, i) for every key index i from first up to
// o.keys, on o.concurrency workers (w is the worker's number); it stops at
// the first error or when ctx ends.
func forEachKey(ctx context.Context, o options, first int, fn func(w, i int) error) error {
	var next atomic.Int64
	next.Store(int64(first))
	errs := make([]error, o.concurrency)
	var wg sync.WaitGroup
	for w := range o.concurrency {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= o.keys || ctx.Err() != nil {
					return
				}
				if err := fn(w, i); err != nil {
					errs[w] = err
					return
				}
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	if ctx.Err() != nil {
		return fmt.Errorf("interrupted: %w", ctx.Err())
	}
	return nil
}

// load creates the bucket and PUTs o.keys empty objects.
func load(ctx context.Context, c *s3.Client, o options, m *measure) error {
	if err := createBucket(ctx, c, o.bucket); err != nil {
		return err
	}
	if o.versions > 1 {
		if err := enableVersioning(ctx, c, o.bucket); err != nil {
			return err
		}
	}
	lat := make([][]time.Duration, o.concurrency)
	m.begin()
	err := forEachKey(ctx, o, 0, func(w, i int) error {
		for range max(o.versions, 1) {
			t := time.Now()
			_, err := c.PutObject(ctx, &s3.PutObjectInput{
				Bucket: aws.String(o.bucket), Key: aws.String(key(i)),
				Body: bytes.NewReader(nil), ContentLength: aws.Int64(0),
			})
			if err != nil {
				return fmt.Errorf("put %s: %w", key(i), err)
			}
			lat[w] = append(lat[w], time.Since(t))
		}
		return nil
	})
	m.finish()
	if err != nil {
		return err
	}
	puts := o.keys * max(o.versions, 1)
	return m.record(sized("put-0B-load", "-", puts), result.OpsPerSec, puts, slices.Concat(lat...), float64(puts))
}

// morePages says whether to time another single page after i of them:
// until both -pages and -min-time are reached. Server CPU is read in clock
// ticks (10 ms), so a phase of fast pages needs some length for its CPU
// per page to mean anything.
func (o options) morePages(i int, m *measure) bool {
	return i < o.pages || time.Since(m.start) < o.minTime
}

// list times single first pages, then -full complete listings.
func list(ctx context.Context, c *s3.Client, o options) error {
	err := withMeasure(o, func(m *measure) error {
		lat := make([]time.Duration, 0, o.pages)
		m.begin()
		for i := 0; o.morePages(i, m); i++ {
			t := time.Now()
			n, _, err := page(ctx, c, o.bucket, nil)
			if err != nil {
				return err
			}
			// S3 may return fewer keys than asked for (MinIO sometimes
			// does); an empty or oversized page is an error.
			if n == 0 || n > pageSize {
				return fmt.Errorf("first page has %d keys, want 1..%d", n, pageSize)
			}
			lat = append(lat, time.Since(t))
		}
		m.finish()
		return m.record(sized("list-page-1000", "-at-", o.keys), result.OpsPerSec, len(lat), lat, float64(len(lat)))
	})
	if err != nil {
		return err
	}
	if err := listRaw(ctx, o); err != nil {
		return err
	}
	if o.full == 0 {
		return nil
	}
	if err := listFullRaw(ctx, o); err != nil {
		return err
	}
	return withMeasure(o, func(m *measure) error {
		var lat []time.Duration
		m.begin()
		for range o.full {
			n, l, err := fullListing(ctx, c, o.bucket)
			if err != nil {
				return err
			}
			if n != o.keys {
				return fmt.Errorf("full listing returned %d keys, want %d", n, o.keys)
			}
			lat = append(lat, l...)
		}
		m.finish()
		// Throughput is keys/s; latency and CPU are per page request.
		return m.record(sized("list-full", "-", o.keys), result.KeysPerSec, len(lat), lat, float64(o.full*o.keys))
	})
}

func fullListing(ctx context.Context, c *s3.Client, bucket string) (int, []time.Duration, error) {
	var token *string
	total := 0
	var lat []time.Duration
	for {
		t := time.Now()
		n, next, err := page(ctx, c, bucket, token)
		if err != nil {
			return total, lat, err
		}
		lat = append(lat, time.Since(t))
		total += n
		if next == nil {
			return total, lat, nil
		}
		token = next
	}
}

// page lists one page and returns its key count and continuation token
// (nil at the end).
func page(ctx context.Context, c *s3.Client, bucket string, token *string) (int, *string, error) {
	out, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{
		Bucket: aws.String(bucket), MaxKeys: aws.Int32(pageSize), ContinuationToken: token,
	})
	if err != nil {
		return 0, nil, fmt.Errorf("list %s: %w", bucket, err)
	}
	if aws.ToBool(out.IsTruncated) {
		if out.NextContinuationToken == nil {
			return 0, nil, errors.New("truncated page without continuation token")
		}
		return len(out.Contents), out.NextContinuationToken, nil
	}
	return len(out.Contents), nil, nil
}

// measure charges the server's CPU time and memory peak to one timed phase.
type measure struct {
	o          options
	sampler    *procstat.Sampler
	resetOK    bool
	start, end time.Time
}

func withMeasure(o options, f func(*measure) error) error {
	m := &measure{o: o, resetOK: procstat.ResetPeakRSS(o.pid) == nil}
	m.sampler = procstat.StartSampler(o.pid, 100*time.Millisecond)
	err := f(m)
	if _, serr := m.sampler.Stop(); err == nil && serr != nil {
		err = fmt.Errorf("sample server CPU: %w", serr)
	}
	return err
}

func (m *measure) begin()  { m.start = time.Now() }
func (m *measure) finish() { m.end = time.Now() }

// record writes one result; units counts what the throughput is made of
// (requests or keys).
func (m *measure) record(workload, unit string, ops int, lat []time.Duration, units float64) error {
	samples, err := m.sampler.Stop()
	if err != nil {
		return fmt.Errorf("sample server CPU: %w", err)
	}
	cpu, err := procstat.CPUBetween(samples, m.start, m.end)
	if err != nil {
		return fmt.Errorf("server CPU in window: %w", err)
	}
	rss, err := procstat.PeakRSSKiB(m.o.pid)
	if err != nil {
		return err
	}
	slices.Sort(lat)
	secs := m.end.Sub(m.start).Seconds()
	rec := result.Record{
		Server: m.o.server, Workload: workload, Round: m.o.round,
		Ops: ops, Seconds: secs, Unit: unit, Throughput: units / secs,
		P50Ms: result.Ms(result.Percentile(lat, 0.5)), P99Ms: result.Ms(result.Percentile(lat, 0.99)),
		ServerCPUSeconds: cpu.Seconds(), PeakRSSKiB: rss, PeakRSSReset: m.resetOK,
	}
	slog.Info("measured", "server", rec.Server, "workload", workload, "round", rec.Round,
		"ops", ops, "throughput", fmt.Sprintf("%.1f %s", rec.Throughput, unit), "seconds", secs,
		"p50_ms", rec.P50Ms, "p99_ms", rec.P99Ms, "cpu_ms_per_op", rec.CPUMsPerOp(), "peak_rss_mib", rss/1024)
	if m.o.out == "" {
		return nil
	}
	return result.Append(m.o.out, rec)
}
