// Command warprun runs one warp benchmark against one server and appends
// a result record: throughput, request latency and the server's CPU time
// and memory peak over the measured window.
//
// warp runs with --full so that every request is written to its
// benchmark data file (FILE.csv.zst); the figures are computed from those
// per-request rows rather than from warp's printed summary.
//
// Usage:
//
//	warprun -server hoard -pid 1234 -workload put-64MiB -round 1 \
//	    -unit MiB/s -benchdata out/put-64MiB-hoard-1 -out results.jsonl \
//	    -- put --host 127.0.0.1:9000 --obj.size 64MiB ...
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
	"time"

	"github.com/hoard-s3/hoard/bench/internal/procstat"
	"github.com/hoard-s3/hoard/bench/internal/result"
)

type options struct {
	warp      string
	server    string
	workload  string
	round     int
	pid       int
	unit      string
	benchdata string
	out       string
	timeout   time.Duration
	only      string
	warpArgs  []string
}

func main() {
	var o options
	flag.StringVar(&o.warp, "warp", "warp", "warp binary")
	flag.StringVar(&o.server, "server", "", "server label for the record")
	flag.StringVar(&o.workload, "workload", "", "workload label for the record")
	flag.IntVar(&o.round, "round", 1, "round number")
	flag.IntVar(&o.pid, "pid", 0, "server process id (for CPU and RSS)")
	flag.StringVar(&o.unit, "unit", result.OpsPerSec, "throughput unit: MiB/s or ops/s")
	flag.StringVar(&o.benchdata, "benchdata", "", "warp benchmark data file prefix (FILE.csv.zst, FILE.log)")
	flag.StringVar(&o.out, "out", "", "results file (JSON lines) to append to")
	flag.DurationVar(&o.timeout, "timeout", 5*time.Minute, "hard limit for the warp run")
	flag.StringVar(&o.only, "ops", "", "comma-separated request types to count (e.g. GET: warp get also records its preparation PUTs); empty counts all")
	flag.Parse()
	o.warpArgs = flag.Args()
	if o.server == "" || o.workload == "" || o.pid == 0 || o.benchdata == "" || o.out == "" || len(o.warpArgs) == 0 {
		fmt.Fprintln(os.Stderr, "usage: warprun -server S -workload W -pid PID -benchdata FILE -out RESULTS [-round N] [-unit U] -- WARP ARGS")
		os.Exit(2)
	}
	if err := run(o); err != nil {
		slog.Error("warprun failed", "workload", o.workload, "server", o.server, "err", err)
		os.Exit(1)
	}
}

func run(o options) error {
	resetOK := procstat.ResetPeakRSS(o.pid) == nil
	sampler := procstat.StartSampler(o.pid, 100*time.Millisecond)
	warpErr := runWarp(o)
	samples, sampleErr := sampler.Stop()
	if warpErr != nil {
		return warpErr
	}
	if sampleErr != nil {
		return fmt.Errorf("sample server CPU: %w", sampleErr)
	}
	rss, err := procstat.PeakRSSKiB(o.pid)
	if err != nil {
		return err
	}
	ops, err := readOps(o.benchdata + ".csv.zst")
	if err != nil {
		return err
	}
	ops = filterOps(ops, o.only)
	s, err := summarize(ops)
	if err != nil {
		return err
	}
	cpu, err := procstat.CPUBetween(samples, s.start, s.end)
	if err != nil {
		return fmt.Errorf("server CPU in window: %w", err)
	}
	rec := result.Record{
		Server: o.server, Workload: o.workload, Round: o.round,
		Ops: s.ops, Errors: s.errors, Bytes: s.bytes, Seconds: s.seconds(),
		Unit: o.unit, Throughput: s.throughput(o.unit),
		P50Ms: result.Ms(s.p50), P99Ms: result.Ms(s.p99),
		ServerCPUSeconds: cpu.Seconds(), PeakRSSKiB: rss, PeakRSSReset: resetOK,
		Note: s.note,
	}
	slog.Info("measured", "server", o.server, "workload", o.workload, "round", o.round,
		"ops", rec.Ops, "errors", rec.Errors, "throughput", fmt.Sprintf("%.1f %s", rec.Throughput, rec.Unit),
		"p50_ms", rec.P50Ms, "p99_ms", rec.P99Ms, "cpu_ms_per_op", rec.CPUMsPerOp(), "peak_rss_mib", rss/1024)
	return result.Append(o.out, rec)
}

// runWarp runs warp with its output in FILE.log and a hard time limit, so a
// hung server cannot stall the whole suite.
func runWarp(o options) error {
	logf, err := os.Create(o.benchdata + ".log")
	if err != nil {
		return fmt.Errorf("create warp log: %w", err)
	}
	defer logf.Close()
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()
	ctx, cancelT := context.WithTimeout(ctx, o.timeout)
	defer cancelT()
	args := append([]string{}, o.warpArgs...)
	args = append(args, "--full", "--quiet", "--no-color", "--benchdata", o.benchdata)
	cmd := exec.CommandContext(ctx, o.warp, args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 10 * time.Second
	if err := cmd.Run(); err != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return fmt.Errorf("warp exceeded %s (log %s.log): %w", o.timeout, o.benchdata, err)
		}
		return fmt.Errorf("warp (log %s.log): %w", o.benchdata, err)
	}
	return nil
}
