package main

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/klauspost/compress/zstd"

	"github.com/hoard-s3/hoard/bench/internal/result"
)

// op is one request from warp's per-request benchmark data.
type op struct {
	kind  string
	bytes int64
	err   string
	start time.Time
	end   time.Time
}

// Column positions in warp's CSV (tab-separated, one header line,
// comment lines start with '#'):
// idx thread op client_id n_objects bytes endpoint file error start first_byte end duration_ns cat
const (
	colOp    = 2
	colBytes = 5
	colErr   = 8
	colStart = 9
	colEnd   = 11
	nCols    = 14
)

func readOps(path string) ([]op, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open warp data: %w", err)
	}
	defer f.Close()
	zr, err := zstd.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("warp data %s: %w", path, err)
	}
	defer zr.Close()
	var ops []op
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 0, 64*1024), 4<<20)
	header := true
	for sc.Scan() {
		line := sc.Text()
		if header {
			header = false
			continue
		}
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		o, err := parseOp(line)
		if err != nil {
			return nil, fmt.Errorf("warp data %s: %w", path, err)
		}
		ops = append(ops, o)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read warp data %s: %w", path, err)
	}
	return ops, nil
}

func parseOp(line string) (op, error) {
	c := strings.Split(line, "\t")
	if len(c) != nCols {
		return op{}, fmt.Errorf("row with %d columns, want %d", len(c), nCols)
	}
	n, err := strconv.ParseInt(c[colBytes], 10, 64)
	if err != nil {
		return op{}, fmt.Errorf("bytes %q: %w", c[colBytes], err)
	}
	start, err := time.Parse(time.RFC3339Nano, c[colStart])
	if err != nil {
		return op{}, fmt.Errorf("start: %w", err)
	}
	end, err := time.Parse(time.RFC3339Nano, c[colEnd])
	if err != nil {
		return op{}, fmt.Errorf("end: %w", err)
	}
	return op{kind: c[colOp], bytes: n, err: c[colErr], start: start, end: end}, nil
}

// filterOps keeps the requests whose type is in the comma-separated list
// only (all when it is empty).
func filterOps(ops []op, only string) []op {
	if only == "" {
		return ops
	}
	keep := strings.Split(only, ",")
	var out []op
	for _, o := range ops {
		if slices.Contains(keep, o.kind) {
			out = append(out, o)
		}
	}
	return out
}

// summary holds the figures of one run. The window runs from the first
// request's start to the last one's end; warp lets requests in flight at
// the deadline finish, so every request counted lies inside it.
type summary struct {
	ops, errors int
	bytes       int64
	start, end  time.Time
	p50, p99    time.Duration
	note        string
}

func summarize(ops []op) (summary, error) {
	var s summary
	var lat []time.Duration
	kinds := map[string]int{}
	var firstErr string
	for _, o := range ops {
		if s.start.IsZero() || o.start.Before(s.start) {
			s.start = o.start
		}
		if o.end.After(s.end) {
			s.end = o.end
		}
		if o.err != "" {
			s.errors++
			if firstErr == "" {
				firstErr = o.err
			}
			continue
		}
		s.ops++
		s.bytes += o.bytes
		kinds[o.kind]++
		lat = append(lat, o.end.Sub(o.start))
	}
	if s.ops == 0 {
		if firstErr != "" {
			return s, fmt.Errorf("no successful requests (%d errors, first: %s)", s.errors, firstErr)
		}
		return s, errors.New("warp recorded no requests")
	}
	slices.Sort(lat)
	s.p50 = result.Percentile(lat, 0.50)
	s.p99 = result.Percentile(lat, 0.99)
	if len(kinds) > 1 {
		s.note = mixNote(kinds)
	}
	if firstErr != "" {
		s.note = strings.TrimSpace(s.note + " first error: " + firstErr)
	}
	return s, nil
}

func mixNote(kinds map[string]int) string {
	names := make([]string, 0, len(kinds))
	for k := range kinds {
		names = append(names, k)
	}
	slices.Sort(names)
	parts := make([]string, len(names))
	for i, k := range names {
		parts[i] = fmt.Sprintf("%s=%d", k, kinds[k])
	}
	return "mix " + strings.Join(parts, " ")
}

func (s summary) seconds() float64 { return s.end.Sub(s.start).Seconds() }

func (s summary) throughput(unit string) float64 {
	secs := s.seconds()
	if secs <= 0 {
		return 0
	}
	if unit == result.MiBPerSec {
		return float64(s.bytes) / (1 << 20) / secs
	}
	return float64(s.ops) / secs
}
