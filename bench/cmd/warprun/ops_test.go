package main

import (
	"strings"
	"testing"
	"time"
)

func row(op string, bytes, errMsg, start, end string) string {
	return strings.Join([]string{"0", "1", op, "cid", "1", bytes, "http://127.0.0.1:1", "obj", errMsg,
		start, "", end, "1000", "0"}, "\t")
}

func TestParseOp(t *testing.T) {
	o, err := parseOp(row("GET", "4096", "", "2026-01-01T00:00:00.5Z", "2026-01-01T00:00:01Z"))
	if err != nil {
		t.Fatal(err)
	}
	if o.kind != "GET" || o.bytes != 4096 || o.end.Sub(o.start) != 500*time.Millisecond {
		t.Fatalf("parsed %+v", o)
	}
	bad := []string{
		"too\tfew",
		row("GET", "x", "", "2026-01-01T00:00:00Z", "2026-01-01T00:00:01Z"),
		row("GET", "1", "", "yesterday", "2026-01-01T00:00:01Z"),
		row("GET", "1", "", "2026-01-01T00:00:00Z", ""),
	}
	for _, line := range bad {
		if _, err := parseOp(line); err == nil {
			t.Errorf("parseOp(%q): want error", line)
		}
	}
}

func TestSummarize(t *testing.T) {
	t0 := time.Unix(0, 0)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	ops := []op{
		{kind: "PUT", bytes: 1 << 20, start: at(0), end: at(100)},
		{kind: "PUT", bytes: 1 << 20, start: at(100), end: at(300)},
		{kind: "PUT", bytes: 0, err: "boom", start: at(300), end: at(400)},
		{kind: "GET", bytes: 1 << 20, start: at(500), end: at(1000)},
	}
	s, err := summarize(filterOps(ops, "PUT"))
	if err != nil {
		t.Fatal(err)
	}
	if s.ops != 2 || s.errors != 1 || s.bytes != 2<<20 {
		t.Fatalf("summary %+v", s)
	}
	if s.seconds() != 0.4 {
		t.Errorf("window %v s, want 0.4", s.seconds())
	}
	if got := s.throughput("MiB/s"); got != 5 {
		t.Errorf("MiB/s = %v, want 5", got)
	}
	if got := s.throughput("ops/s"); got != 5 {
		t.Errorf("ops/s = %v, want 5", got)
	}
	if s.p50 != 100*time.Millisecond || s.p99 != 200*time.Millisecond {
		t.Errorf("p50 %v p99 %v", s.p50, s.p99)
	}
	if !strings.Contains(s.note, "boom") {
		t.Errorf("note %q lacks the first error", s.note)
	}
	all, err := summarize(ops)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(all.note, "GET=1 PUT=2") {
		t.Errorf("mixed note %q", all.note)
	}
	if _, err := summarize(ops[2:3]); err == nil {
		t.Error("only failed requests: want error")
	}
	if _, err := summarize(nil); err == nil {
		t.Error("no requests: want error")
	}
}
