package main

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// Workloads measured on buckets of different sizes are named BASE-at-SIZE
// (list-page-1000-raw-at-1k, list-page-1000-raw-at-1M). The table keeps
// the sizes of one base together, and a second table sets the cost of a
// request at each size beside its cost at the smallest: a listing that
// seeks to its first key costs the same at any size (ratio about 1).

const sizeSep = "-at-"

// splitSized returns the base and the size of a BASE-at-SIZE name, with
// the size in keys; ok is false for other names.
func splitSized(workload string) (base string, keys float64, ok bool) {
	i := strings.LastIndex(workload, sizeSep)
	if i < 0 {
		return workload, 0, false
	}
	s := workload[i+len(sizeSep):]
	mult := 1.0
	switch {
	case strings.HasSuffix(s, "k"):
		s, mult = strings.TrimSuffix(s, "k"), 1e3
	case strings.HasSuffix(s, "M"):
		s, mult = strings.TrimSuffix(s, "M"), 1e6
	}
	n, err := strconv.ParseFloat(s, 64)
	if err != nil || n <= 0 {
		return workload, 0, false
	}
	return workload[:i], n * mult, true
}

// groupSized moves the sizes of each base next to the first of them,
// smallest first; other rows keep their order.
func groupSized(order []string) []string {
	first := map[string]int{}
	for i, w := range order {
		b, _, _ := splitSized(w)
		if _, seen := first[b]; !seen {
			first[b] = i
		}
	}
	out := slices.Clone(order)
	slices.SortStableFunc(out, func(x, y string) int {
		bx, kx, _ := splitSized(x)
		by, ky, _ := splitSized(y)
		if c := cmp.Compare(first[bx], first[by]); c != 0 {
			return c
		}
		return cmp.Compare(kx, ky)
	})
	return out
}

// printScale prints, for every sized workload and server, p50 latency and
// server CPU per request at each size against the smallest size.
func (t table) printScale(w io.Writer, an, bn string) {
	type sizedRow struct {
		size string
		row  row
	}
	var bases []string
	by := map[string][]sizedRow{}
	for _, r := range t.rows {
		b, _, ok := splitSized(r.workload)
		if !ok {
			continue
		}
		if by[b] == nil {
			bases = append(bases, b)
		}
		by[b] = append(by[b], sizedRow{r.workload[len(b)+len(sizeSep):], r})
	}
	var lines []string
	for _, b := range bases {
		sizes := by[b]
		if len(sizes) < 2 {
			continue
		}
		small := sizes[0] // groupSized put the smallest first
		for _, big := range sizes[1:] {
			for _, s := range []struct {
				name   string
				lo, hi *agg
			}{{an, small.row.a, big.row.a}, {bn, small.row.b, big.row.b}} {
				lines = append(lines, fmt.Sprintf("| %s | %s | %s | %s | %s | %s | %s | %s | %s |",
					b, s.name, small.size+" / "+big.size,
					num(s.lo, p50), num(s.hi, p50), ratio(s.hi, s.lo, p50),
					num(s.lo, cpuMs), num(s.hi, cpuMs), ratio(s.hi, s.lo, cpuMs)))
			}
		}
	}
	if len(lines) == 0 {
		return
	}
	fmt.Fprintln(w, "\nCost of one request against bucket size (medians over rounds; ratio = larger bucket / smaller, 1.00 = the same cost):")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| Workload | Server | Keys | p50 ms small | p50 ms large | p50 ratio | CPU ms/op small | CPU ms/op large | CPU ratio |")
	fmt.Fprintln(w, "|---|---|---|--:|--:|--:|--:|--:|--:|")
	for _, l := range lines {
		fmt.Fprintln(w, l)
	}
}

func p50(g *agg) float64   { return g.p50 }
func cpuMs(g *agg) float64 { return g.cpuMsPerOp }
