package procstat

import (
	"os"
	"testing"
	"time"
)

func TestCPUBetween(t *testing.T) {
	t0 := time.Unix(1000, 0)
	samples := []Sample{
		{At: t0, CPU: 0},
		{At: t0.Add(100 * time.Millisecond), CPU: 50 * time.Millisecond},
		{At: t0.Add(200 * time.Millisecond), CPU: 50 * time.Millisecond},
		{At: t0.Add(300 * time.Millisecond), CPU: 250 * time.Millisecond},
	}
	tests := []struct {
		name     string
		from, to time.Duration
		want     time.Duration
		wantErr  bool
	}{
		{"whole range", 0, 300 * time.Millisecond, 250 * time.Millisecond, false},
		{"inside one interval", 10 * time.Millisecond, 60 * time.Millisecond, 25 * time.Millisecond, false},
		{"idle interval", 100 * time.Millisecond, 200 * time.Millisecond, 0, false},
		{"across intervals", 50 * time.Millisecond, 250 * time.Millisecond, 125 * time.Millisecond, false},
		{"before samples", -time.Millisecond, 100 * time.Millisecond, 0, true},
		{"after samples", 0, 301 * time.Millisecond, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := CPUBetween(samples, t0.Add(tt.from), t0.Add(tt.to))
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if err == nil && got != tt.want {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
		})
	}
	if _, err := CPUBetween(samples[:1], t0, t0); err == nil {
		t.Fatal("one sample: want error")
	}
}

func TestOwnProcess(t *testing.T) {
	pid := os.Getpid()
	if _, err := CPU(pid); err != nil {
		t.Fatal(err)
	}
	rss, err := PeakRSSKiB(pid)
	if err != nil || rss <= 0 {
		t.Fatalf("peak RSS = %d, %v", rss, err)
	}
	s := StartSampler(pid, 10*time.Millisecond)
	time.Sleep(30 * time.Millisecond)
	samples, err := s.Stop()
	if err != nil || len(samples) < 2 {
		t.Fatalf("samples = %d, %v", len(samples), err)
	}
	if _, err := s.Stop(); err != nil {
		t.Fatalf("second Stop: %v", err)
	}
	if _, err := CPU(-1); err == nil {
		t.Fatal("CPU of pid -1: want error")
	}
}
