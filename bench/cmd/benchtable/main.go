// Command benchtable prints the results file of a benchmark run as one
// markdown table comparing two servers: the median over rounds of
// throughput, latency and server CPU per request, and the largest peak RSS.
package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"strings"

	"github.com/hoard-s3/hoard/bench/internal/result"
)

func main() {
	path := flag.String("results", "results.jsonl", "results file (JSON lines)")
	a := flag.String("a", "hoard", "server label of the first column")
	b := flag.String("b", "minio", "server label of the second column")
	an := flag.String("a-name", "Hoard", "heading of the first server")
	bn := flag.String("b-name", "MinIO", "heading of the second server")
	flag.Parse()
	recs, err := result.Load(*path)
	if err != nil {
		slog.Error("benchtable", "err", err)
		os.Exit(1)
	}
	t := build(recs, *a, *b)
	t.print(os.Stdout, *an, *bn)
	t.printScale(os.Stdout, *an, *bn)
}

// agg is the per-server summary of one workload over its rounds.
type agg struct {
	rounds     int
	errors     int
	unit       string
	throughput float64
	p50, p99   float64
	cpuMsPerOp float64
	peakMiB    float64
	rssReset   bool
}

type row struct {
	workload string
	a, b     *agg
}

type table struct{ rows []row }

func build(recs []result.Record, a, b string) table {
	var order []string
	by := map[string]map[string][]result.Record{}
	for _, r := range recs {
		if by[r.Workload] == nil {
			by[r.Workload] = map[string][]result.Record{}
			order = append(order, r.Workload)
		}
		by[r.Workload][r.Server] = append(by[r.Workload][r.Server], r)
	}
	var t table
	for _, w := range groupSized(order) {
		t.rows = append(t.rows, row{workload: w, a: summarize(by[w][a]), b: summarize(by[w][b])})
	}
	return t
}

func summarize(rs []result.Record) *agg {
	if len(rs) == 0 {
		return nil
	}
	g := &agg{rounds: len(rs), unit: rs[0].Unit, rssReset: true}
	var thr, p50, p99, cpu []float64
	for _, r := range rs {
		g.errors += r.Errors
		thr = append(thr, r.Throughput)
		p50 = append(p50, r.P50Ms)
		p99 = append(p99, r.P99Ms)
		cpu = append(cpu, r.CPUMsPerOp())
		g.peakMiB = max(g.peakMiB, float64(r.PeakRSSKiB)/1024)
		g.rssReset = g.rssReset && r.PeakRSSReset
	}
	g.throughput = result.Median(thr)
	g.p50, g.p99 = result.Median(p50), result.Median(p99)
	g.cpuMsPerOp = result.Median(cpu)
	return g
}

func (t table) print(w io.Writer, an, bn string) {
	fmt.Fprintf(w, "| Workload | Unit | %[1]s | %[2]s | %[1]s/%[2]s | p50 ms %[1]s / %[2]s | p99 ms %[1]s / %[2]s | CPU ms/op %[1]s | CPU ms/op %[2]s | CPU %[1]s/%[2]s | Peak RSS MiB %[1]s / %[2]s | Rounds |\n", an, bn)
	fmt.Fprintln(w, "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
	var notes []string
	for _, r := range t.rows {
		a, b := r.a, r.b
		unit := ""
		if a != nil {
			unit = a.unit
		} else if b != nil {
			unit = b.unit
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s / %s | %s / %s | %s | %s | %s | %s / %s | %s |\n",
			r.workload, unit,
			num(a, func(g *agg) float64 { return g.throughput }), num(b, func(g *agg) float64 { return g.throughput }),
			ratio(a, b, func(g *agg) float64 { return g.throughput }),
			num(a, func(g *agg) float64 { return g.p50 }), num(b, func(g *agg) float64 { return g.p50 }),
			num(a, func(g *agg) float64 { return g.p99 }), num(b, func(g *agg) float64 { return g.p99 }),
			num(a, func(g *agg) float64 { return g.cpuMsPerOp }), num(b, func(g *agg) float64 { return g.cpuMsPerOp }),
			ratio(a, b, func(g *agg) float64 { return g.cpuMsPerOp }),
			num(a, func(g *agg) float64 { return g.peakMiB }), num(b, func(g *agg) float64 { return g.peakMiB }),
			rounds(a, b))
		for name, g := range map[string]*agg{an: a, bn: b} {
			if g != nil && g.errors > 0 {
				notes = append(notes, fmt.Sprintf("%s: %s had %d failed requests (not counted).", r.workload, name, g.errors))
			}
		}
	}
	slices.Sort(notes)
	for _, n := range notes {
		fmt.Fprintf(w, "\n%s", n)
	}
	if len(notes) > 0 {
		fmt.Fprintln(w)
	}
}

func num(g *agg, f func(*agg) float64) string {
	if g == nil {
		return "n/a"
	}
	return format(f(g))
}

func ratio(a, b *agg, f func(*agg) float64) string {
	if a == nil || b == nil || f(b) == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.2f", f(a)/f(b))
}

func rounds(a, b *agg) string {
	var parts []string
	for _, g := range []*agg{a, b} {
		if g == nil {
			parts = append(parts, "0")
		} else {
			parts = append(parts, fmt.Sprint(g.rounds))
		}
	}
	if parts[0] == parts[1] {
		return parts[0]
	}
	return strings.Join(parts, "/")
}

// format keeps three significant figures, which is all these runs support.
func format(v float64) string {
	switch {
	case v == 0:
		return "0"
	case v >= 100:
		return fmt.Sprintf("%.0f", v)
	case v >= 10:
		return fmt.Sprintf("%.1f", v)
	case v >= 1:
		return fmt.Sprintf("%.2f", v)
	default:
		return fmt.Sprintf("%.3f", v)
	}
}
