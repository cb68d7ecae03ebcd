package lograte

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func TestRepeatedLinesAreDropped(t *testing.T) {
	var buf bytes.Buffer
	h := New(slog.NewTextHandler(&buf, nil))
	log := slog.New(h).With("component", "pebble")
	start := time.Now()
	emit := func(at time.Time, msg string) {
		r := slog.NewRecord(at, slog.LevelError, msg, 0)
		if err := log.Handler().Handle(t.Context(), r); err != nil {
			t.Fatal(err)
		}
	}
	// 700 lines a second for 2 s, differing only by a file number.
	for i := range 1400 {
		emit(start.Add(time.Duration(i)*time.Second/700), fmt.Sprintf("background error: write %06d.sst: no space left on device", i))
	}
	emit(start.Add(time.Second), "another message")
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != Burst+1 {
		t.Fatalf("%d lines written, want %d:\n%s", len(lines), Burst+1, buf.String())
	}
	// The next window passes the kind again and says how many were dropped.
	buf.Reset()
	emit(start.Add(Window+time.Second), "background error: write 999999.sst: no space left on device")
	if got := buf.String(); !strings.Contains(got, fmt.Sprintf("suppressed=%d", 1400-Burst)) || !strings.Contains(got, "component=pebble") {
		t.Fatalf("first line of the next window: %q", got)
	}
}

func TestKindsAreBounded(t *testing.T) {
	h := New(slog.DiscardHandler)
	now := time.Now()
	for i := range 3 * maxKinds {
		h.st.admit(fmt.Sprintf("msg %c%c", 'a'+i%26, 'a'+i/26%26)+strings.Repeat("x", i/676), now)
	}
	if n := len(h.st.kinds); n > maxKinds {
		t.Fatalf("%d kinds remembered, want at most %d", n, maxKinds)
	}
}
