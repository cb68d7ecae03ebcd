package e2e

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Root credentials handed to the server through the environment.
const (
	accessKey = "HOARDE2EROOTKEY00001"
	secretKey = "hoard-e2e-secret-key-0123456789abcdefghij"
	region    = "us-east-1"
)

const (
	startTimeout = 30 * time.Second
	stopTimeout  = 20 * time.Second // above the server's drain bound in tests
)

var listeningRE = regexp.MustCompile(`(?m)^hoard: listening on (https?://(\S+))$`)

// proc is a hoard server running as a subprocess.
type proc struct {
	URL     string // http://127.0.0.1:PORT (https:// with TLS)
	Addr    string // 127.0.0.1:PORT
	DataDir string
	CAFile  string // the CA clients trust, for a server with TLS
	cmd     *exec.Cmd
	stdout  *syncBuffer
	stderr  *syncBuffer
	done    chan struct{} // closed when the process has exited
	code    int           // exit code, valid after done
}

// startOpts adjusts how a server is started.
type startOpts struct {
	dataDir string   // reuse a data directory; empty means a new temp dir
	noCreds bool     // leave the root credentials to the server (generated)
	args    []string // extra flags
	caFile  string   // CA of the server's certificate (with --tls-cert)
}

// startHoard starts a server and fails the test unless it listens. The
// server is stopped (SIGTERM, then SIGKILL) when the test ends.
func startHoard(t testing.TB, o startOpts) *proc {
	t.Helper()
	p, err := launch(t, o)
	if err != nil {
		t.Fatalf("start hoard: %v", err)
	}
	return p
}

// launch starts a server and waits until it prints its listening line or
// exits; an early exit is an error and p still reports its code and output.
func launch(t testing.TB, o startOpts) (*proc, error) {
	t.Helper()
	if o.dataDir == "" {
		o.dataDir = filepath.Join(t.TempDir(), "data")
	}
	args := append([]string{"server", "--data", o.dataDir, "--address", "127.0.0.1:0", "--console-address", "127.0.0.1:0",
		"--shutdown-timeout", "10s"}, o.args...)
	p := &proc{DataDir: o.dataDir, CAFile: o.caFile, stdout: newSyncBuffer(), stderr: newSyncBuffer(), done: make(chan struct{})}
	p.cmd = exec.Command(hoardBin, args...)
	p.cmd.Env = serverEnv(o.noCreds)
	p.cmd.Stdout, p.cmd.Stderr = p.stdout, p.stderr
	dieWithParent(p.cmd)
	if err := p.cmd.Start(); err != nil {
		return nil, fmt.Errorf("exec %s: %w", hoardBin, err)
	}
	go p.wait()
	t.Cleanup(func() { p.cleanup(t) })
	return p, p.awaitListening()
}

func (p *proc) wait() {
	err := p.cmd.Wait()
	var exitErr *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exitErr):
		p.code = exitErr.ExitCode() // -1 when killed by a signal
	default:
		p.code = -2
	}
	close(p.done)
}

func (p *proc) awaitListening() error {
	deadline := time.After(startTimeout)
	for {
		changed := p.stdout.changed() // taken first so no write is missed
		if m := listeningRE.FindStringSubmatch(p.stdout.String()); m != nil {
			p.URL, p.Addr = m[1], m[2]
			return nil
		}
		select {
		case <-p.done:
			return fmt.Errorf("hoard exited with code %d before listening; stderr:\n%s", p.code, p.stderr)
		case <-deadline:
			return fmt.Errorf("hoard did not print its listening line within %v; stderr:\n%s", startTimeout, p.stderr)
		case <-changed:
		}
	}
}

// serverEnv is the test process's environment without any HOARD_ or AWS_
// settings of the machine, plus the test credentials unless noCreds.
func serverEnv(noCreds bool) []string {
	env := cleanEnv()
	if !noCreds {
		env = append(env, "HOARD_ROOT_ACCESS_KEY="+accessKey, "HOARD_ROOT_SECRET_KEY="+secretKey)
	}
	return env
}

func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "HOARD_") && !strings.HasPrefix(kv, "AWS_") && !strings.HasPrefix(kv, "RCLONE_") {
			env = append(env, kv)
		}
	}
	return env
}

// stop sends SIGTERM, waits for the exit (SIGKILL after stopTimeout) and
// returns the exit code.
func (p *proc) stop(t testing.TB) int {
	t.Helper()
	return p.stopWith(t, syscall.SIGTERM)
}

func (p *proc) stopWith(t testing.TB, sig syscall.Signal) int {
	t.Helper()
	if p.exited() {
		return p.code
	}
	_ = p.cmd.Process.Signal(sig)
	select {
	case <-p.done:
	case <-time.After(stopTimeout):
		t.Errorf("hoard did not exit within %v of %v; killing it", stopTimeout, sig)
		p.kill()
	}
	return p.code
}

// waitExit waits for the process to exit on its own and returns its code.
func (p *proc) waitExit(t testing.TB, timeout time.Duration) int {
	t.Helper()
	select {
	case <-p.done:
	case <-time.After(timeout):
		t.Errorf("hoard still running %v later; killing it", timeout)
		p.kill()
	}
	return p.code
}

// kill ends the server at once with SIGKILL, as a crash would.
func (p *proc) kill() {
	if !p.exited() {
		_ = p.cmd.Process.Kill()
	}
	<-p.done
}

func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

func (p *proc) cleanup(t testing.TB) {
	if !p.exited() {
		p.stop(t)
	}
	if t.Failed() {
		t.Logf("hoard (%s) stdout:\n%s\nstderr:\n%s", p.DataDir, p.stdout, p.stderr)
	}
}

// syncBuffer collects a subprocess's output and wakes waiters on writes.
type syncBuffer struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	wake chan struct{}
}

func newSyncBuffer() *syncBuffer { return &syncBuffer{wake: make(chan struct{})} }

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	close(b.wake)
	b.wake = make(chan struct{})
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// changed returns a channel closed at the next write.
func (b *syncBuffer) changed() <-chan struct{} {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.wake
}

// waitFor polls cond until it holds or the timeout passes.
func waitFor(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(timeout); !cond(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
	}
}
