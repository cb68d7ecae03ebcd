package result

import (
	"path/filepath"
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	d := func(ms ...int) []time.Duration {
		out := make([]time.Duration, len(ms))
		for i, m := range ms {
			out[i] = time.Duration(m) * time.Millisecond
		}
		return out
	}
	hundred := make([]int, 100)
	for i := range hundred {
		hundred[i] = i + 1
	}
	tests := []struct {
		name string
		in   []time.Duration
		p    float64
		want time.Duration
	}{
		{"empty", nil, 0.5, 0},
		{"single", d(7), 0.99, 7 * time.Millisecond},
		{"p50 of 100", d(hundred...), 0.5, 50 * time.Millisecond},
		{"p99 of 100", d(hundred...), 0.99, 99 * time.Millisecond},
		{"p100 of 100", d(hundred...), 1, 100 * time.Millisecond},
		{"p0", d(1, 2, 3), 0, 1 * time.Millisecond},
	}
	for _, tt := range tests {
		if got := Percentile(tt.in, tt.p); got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestMedian(t *testing.T) {
	tests := []struct {
		in   []float64
		want float64
	}{
		{nil, 0},
		{[]float64{3}, 3},
		{[]float64{5, 1, 3}, 3},
		{[]float64{4, 1, 3, 2}, 2.5},
	}
	for _, tt := range tests {
		if got := Median(tt.in); got != tt.want {
			t.Errorf("Median(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestAppendLoad(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.jsonl")
	in := []Record{
		{Server: "a", Workload: "w", Round: 1, Ops: 10, ServerCPUSeconds: 0.5},
		{Server: "b", Workload: "w", Round: 1, Ops: 0},
	}
	for _, r := range in {
		if err := Append(path, r); err != nil {
			t.Fatal(err)
		}
	}
	out, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 2 || out[0].Server != "a" || out[1].Server != "b" {
		t.Fatalf("loaded %+v", out)
	}
	if got := out[0].CPUMsPerOp(); got != 50 {
		t.Errorf("CPUMsPerOp = %v, want 50", got)
	}
	if got := out[1].CPUMsPerOp(); got != 0 {
		t.Errorf("CPUMsPerOp with no ops = %v, want 0", got)
	}
}
