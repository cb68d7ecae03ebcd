// Package procstat reads a server process's CPU time and memory peak from
// /proc so that benchmarks can charge each workload the server work it
// caused, independent of how busy the rest of the machine is.
package procstat

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// ticksPerSecond is USER_HZ, the unit of utime/stime in /proc/PID/stat.
// It is 100 on every Linux architecture Go supports (it is fixed by the
// kernel ABI, unlike CONFIG_HZ), so no sysconf call is needed.
const ticksPerSecond = 100

// CPU returns the user+system CPU time the process has used so far.
func CPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, fmt.Errorf("read stat of %d: %w", pid, err)
	}
	// The command name (field 2) may contain spaces and parentheses; the
	// remaining fields start after the last ')'.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, fmt.Errorf("stat of %d: malformed", pid)
	}
	f := strings.Fields(string(b[i+1:]))
	// f[0] is field 3 (state); utime is field 14, stime field 15.
	if len(f) < 13 {
		return 0, fmt.Errorf("stat of %d: too few fields", pid)
	}
	ut, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("stat of %d: bad utime/stime", pid)
	}
	return time.Duration(ut+st) * time.Second / ticksPerSecond, nil
}

// PeakRSSKiB returns VmHWM, the resident set high-water mark, in KiB.
func PeakRSSKiB(pid int) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, fmt.Errorf("open status of %d: %w", pid, err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			v := strings.Fields(rest)
			if len(v) == 0 {
				break
			}
			return strconv.ParseInt(v[0], 10, 64)
		}
	}
	return 0, fmt.Errorf("status of %d: no VmHWM", pid)
}

// ResetPeakRSS sets the process's VmHWM back to its current RSS, so the
// next reading is the peak of the coming workload alone. It needs the
// right to write /proc/PID/clear_refs (same user or root); failure only
// means the peak covers the process lifetime, so it is reported, not fatal.
func ResetPeakRSS(pid int) error {
	err := os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0)
	if err != nil {
		return fmt.Errorf("reset peak RSS of %d: %w", pid, err)
	}
	return nil
}

// Sample is one reading of a process's cumulative CPU time.
type Sample struct {
	At  time.Time
	CPU time.Duration
}

// Sampler records CPU samples of one process at a fixed interval, so the
// CPU spent inside any sub-window (the measured part of a benchmark,
// without its preparation and cleanup) can be computed afterwards.
type Sampler struct {
	pid  int
	stop chan struct{}
	done chan struct{}
	once sync.Once

	mu      sync.Mutex
	samples []Sample
	err     error
}

// StartSampler begins sampling pid every interval.
func StartSampler(pid int, interval time.Duration) *Sampler {
	s := &Sampler{pid: pid, stop: make(chan struct{}), done: make(chan struct{})}
	s.take()
	go s.loop(interval)
	return s
}

func (s *Sampler) loop(interval time.Duration) {
	defer close(s.done)
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			s.take()
			return
		case <-t.C:
			s.take()
		}
	}
}

func (s *Sampler) take() {
	c, err := CPU(s.pid)
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		if s.err == nil {
			s.err = err
		}
		return
	}
	s.samples = append(s.samples, Sample{At: now, CPU: c})
}

// Stop ends sampling and returns the samples in time order, or the first
// read error (the process died, most likely). It may be called again.
func (s *Sampler) Stop() ([]Sample, error) {
	s.once.Do(func() { close(s.stop) })
	<-s.done
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.samples, s.err
}

// CPUBetween estimates the CPU time used between from and to by linear
// interpolation of the samples around each end.
func CPUBetween(samples []Sample, from, to time.Time) (time.Duration, error) {
	if len(samples) < 2 {
		return 0, fmt.Errorf("need at least two CPU samples, have %d", len(samples))
	}
	a, err := cpuAt(samples, from)
	if err != nil {
		return 0, err
	}
	b, err := cpuAt(samples, to)
	if err != nil {
		return 0, err
	}
	return b - a, nil
}

func cpuAt(samples []Sample, t time.Time) (time.Duration, error) {
	first, last := samples[0], samples[len(samples)-1]
	if t.Before(first.At) || t.After(last.At) {
		return 0, fmt.Errorf("time %s outside sampled range %s..%s",
			t.Format(time.RFC3339Nano), first.At.Format(time.RFC3339Nano), last.At.Format(time.RFC3339Nano))
	}
	for i := 1; i < len(samples); i++ {
		p, n := samples[i-1], samples[i]
		if t.After(n.At) {
			continue
		}
		span := n.At.Sub(p.At)
		if span <= 0 {
			return n.CPU, nil
		}
		frac := float64(t.Sub(p.At)) / float64(span)
		return p.CPU + time.Duration(frac*float64(n.CPU-p.CPU)), nil
	}
	return last.CPU, nil
}
