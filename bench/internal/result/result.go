// Package result is the record one benchmark measurement leaves in the
// results file (JSON lines), shared by the runners and the table printer.
package result

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"time"
)

// Units of a record's throughput figure.
const (
	MiBPerSec  = "MiB/s"
	OpsPerSec  = "ops/s"
	KeysPerSec = "keys/s"
)

// Record is one workload run against one server in one round.
type Record struct {
	Server   string `json:"server"`
	Workload string `json:"workload"`
	Round    int    `json:"round"`

	Ops     int     `json:"ops"`
	Errors  int     `json:"errors"`
	Bytes   int64   `json:"bytes"`
	Seconds float64 `json:"seconds"` // measured window: first request start to last end

	Unit       string  `json:"unit"`       // unit of Throughput
	Throughput float64 `json:"throughput"` // in Unit

	P50Ms float64 `json:"p50_ms"` // request latency; 0 when not measured
	P99Ms float64 `json:"p99_ms"`

	ServerCPUSeconds float64 `json:"server_cpu_seconds"` // utime+stime inside the window
	PeakRSSKiB       int64   `json:"peak_rss_kib"`       // VmHWM after the workload
	PeakRSSReset     bool    `json:"peak_rss_reset"`     // VmHWM was reset before it

	Note string    `json:"note,omitempty"`
	At   time.Time `json:"at"`
}

// CPUMsPerOp is the server CPU time per request in milliseconds.
func (r Record) CPUMsPerOp() float64 {
	if r.Ops == 0 {
		return 0
	}
	return r.ServerCPUSeconds * 1000 / float64(r.Ops)
}

// Append adds rec as one JSON line to the file at path.
func Append(path string, rec Record) error {
	if rec.At.IsZero() {
		rec.At = time.Now().UTC()
	}
	b, err := json.Marshal(rec)
	if err != nil {
		return fmt.Errorf("encode record: %w", err)
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("open results: %w", err)
	}
	if _, err := f.Write(append(b, '\n')); err != nil {
		f.Close()
		return fmt.Errorf("write results: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("close results: %w", err)
	}
	return nil
}

// Load reads every record of a results file.
func Load(path string) ([]Record, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open results: %w", err)
	}
	defer f.Close()
	var recs []Record
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for n := 1; sc.Scan(); n++ {
		var r Record
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return nil, fmt.Errorf("results line %d: %w", n, err)
		}
		recs = append(recs, r)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read results: %w", err)
	}
	return recs, nil
}

// Percentile returns the p-th percentile (0..1) of sorted durations, by the
// nearest-rank method.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(p*float64(len(sorted))+0.999999) - 1
	i = max(0, min(i, len(sorted)-1))
	return sorted[i]
}

// Median returns the median of xs (mean of the two middle values when
// even), or 0 for none.
func Median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	m := len(s) / 2
	if len(s)%2 == 1 {
		return s[m]
	}
	return (s[m-1] + s[m]) / 2
}

// Ms converts a duration to float milliseconds.
func Ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
