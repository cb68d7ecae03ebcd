package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/hoard-s3/hoard/bench/internal/result"
)

func TestTable(t *testing.T) {
	recs := []result.Record{
		{Server: "hoard", Workload: "put", Round: 1, Unit: "ops/s", Throughput: 100, Ops: 10, ServerCPUSeconds: 0.01, PeakRSSKiB: 1024},
		{Server: "minio", Workload: "put", Round: 1, Unit: "ops/s", Throughput: 50, Ops: 10, ServerCPUSeconds: 0.02, PeakRSSKiB: 2048},
		{Server: "hoard", Workload: "put", Round: 2, Unit: "ops/s", Throughput: 300, Ops: 10, ServerCPUSeconds: 0.01, PeakRSSKiB: 4096},
		{Server: "hoard", Workload: "put", Round: 3, Unit: "ops/s", Throughput: 200, Ops: 10, ServerCPUSeconds: 0.01, PeakRSSKiB: 1024, Errors: 2},
		{Server: "minio", Workload: "list", Round: 1, Unit: "keys/s", Throughput: 1000, Ops: 1},
	}
	var buf bytes.Buffer
	build(recs, "hoard", "minio").print(&buf, "Hoard", "MinIO")
	out := buf.String()
	for _, want := range []string{
		"| put | ops/s | 200 | 50.0 | 4.00 |", // median of 100, 300, 200
		"| 1.00 | 2.00 | 0.50 |",              // CPU ms/op and ratio
		"| 4.00 / 2.00 | 3/1 |",               // largest peak RSS; unequal rounds
		"| list | keys/s | n/a | 1000 | n/a |",
		"put: Hoard had 2 failed requests",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
}

func TestFormat(t *testing.T) {
	tests := map[float64]string{0: "0", 0.1234: "0.123", 1.234: "1.23", 12.34: "12.3", 1234.5: "1234"}
	for in, want := range tests {
		if got := format(in); got != want {
			t.Errorf("format(%v) = %q, want %q", in, got, want)
		}
	}
}
