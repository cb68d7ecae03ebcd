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

func TestSizedRows(t *testing.T) {
	rec := func(server, w string, p50, cpu float64) result.Record {
		return result.Record{Server: server, Workload: w, Round: 1, Unit: "ops/s", Throughput: 1, Ops: 10, P50Ms: p50, ServerCPUSeconds: cpu / 100}
	}
	recs := []result.Record{
		rec("hoard", "put-0B-load-1M", 1, 1),
		rec("hoard", "list-page-1000-at-1M", 6, 5), rec("minio", "list-page-1000-at-1M", 40, 30),
		rec("hoard", "list-page-1000-raw-at-1M", 4, 3), rec("minio", "list-page-1000-raw-at-1M", 30, 30),
		rec("hoard", "list-full-1M", 10, 5),
		rec("hoard", "list-page-1000-at-1k", 5, 5), rec("minio", "list-page-1000-at-1k", 20, 10),
		rec("hoard", "list-page-1000-raw-at-1k", 2, 3),
	}
	tb := build(recs, "hoard", "minio")
	var order []string
	for _, r := range tb.rows {
		order = append(order, r.workload)
	}
	want := []string{"put-0B-load-1M", "list-page-1000-at-1k", "list-page-1000-at-1M",
		"list-page-1000-raw-at-1k", "list-page-1000-raw-at-1M", "list-full-1M"}
	if strings.Join(order, " ") != strings.Join(want, " ") {
		t.Errorf("rows %q, want %q", order, want)
	}
	var buf bytes.Buffer
	tb.printScale(&buf, "Hoard", "MinIO")
	out := buf.String()
	for _, w := range []string{
		"| list-page-1000 | Hoard | 1k / 1M | 5.00 | 6.00 | 1.20 | 5.00 | 5.00 | 1.00 |",
		"| list-page-1000 | MinIO | 1k / 1M | 20.0 | 40.0 | 2.00 | 10.0 | 30.0 | 3.00 |",
		"| list-page-1000-raw | Hoard | 1k / 1M | 2.00 | 4.00 | 2.00 | 3.00 | 3.00 | 1.00 |",
		"| list-page-1000-raw | MinIO | 1k / 1M | n/a | 30.0 | n/a |",
	} {
		if !strings.Contains(out, w) {
			t.Errorf("scale table lacks %q:\n%s", w, out)
		}
	}
	if strings.Contains(out, "list-full") {
		t.Errorf("unsized workload in the scale table:\n%s", out)
	}
}

func TestSplitSized(t *testing.T) {
	tests := map[string]float64{"a-at-1k": 1e3, "a-at-1M": 1e6, "a-at-250": 250, "a-at-100k": 1e5}
	for in, want := range tests {
		if b, k, ok := splitSized(in); !ok || b != "a" || k != want {
			t.Errorf("splitSized(%q) = %q, %v, %v; want a, %v", in, b, k, ok, want)
		}
	}
	for _, in := range []string{"list-full-1M", "a-at-", "a-at-xk"} {
		if _, _, ok := splitSized(in); ok {
			t.Errorf("splitSized(%q) ok", in)
		}
	}
}
