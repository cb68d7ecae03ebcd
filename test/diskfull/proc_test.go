package diskfull

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/hoard-s3/hoard/internal/testserver"
)

var (
	buildOnce sync.Once
	hoardBin  string
	buildErr  error
)

// binary builds the hoard command once for the tests that run it as a
// process (exit codes and signals belong to a process).
func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "hoard-diskfull-bin-")
		if err != nil {
			buildErr = err
			return
		}
		hoardBin = filepath.Join(dir, "hoard")
		out, err := exec.Command("go", "build", "-o", hoardBin, "github.com/hoard-s3/hoard/cmd/hoard").CombinedOutput()
		if err != nil {
			buildErr = &buildError{err, out}
		}
	})
	if buildErr != nil {
		t.Fatalf("build hoard: %v", buildErr)
	}
	return hoardBin
}

type buildError struct {
	err error
	out []byte
}

func (e *buildError) Error() string { return e.err.Error() + ": " + string(e.out) }

var listeningRE = regexp.MustCompile(`(?m)^hoard: listening on (http://\S+)$`)

// proc is a hoard server process.
type proc struct {
	cmd            *exec.Cmd
	stdout, stderr lockedBuffer
	done           chan struct{}
	code           int
}

func startProc(t *testing.T, dataDir string) *proc {
	t.Helper()
	p := &proc{done: make(chan struct{})}
	p.cmd = exec.Command(binary(t), "server", "--data", dataDir, "--address", "127.0.0.1:0", "--console-address", "")
	p.cmd.Env = append(os.Environ(), "HOARD_ROOT_ACCESS_KEY="+testserver.AccessKey, "HOARD_ROOT_SECRET_KEY="+testserver.SecretKey)
	p.cmd.Stdout, p.cmd.Stderr = &p.stdout, &p.stderr
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		p.cmd.Wait()
		p.code = p.cmd.ProcessState.ExitCode()
		close(p.done)
	}()
	t.Cleanup(func() {
		p.cmd.Process.Kill()
		<-p.done
		if t.Failed() {
			t.Logf("hoard stdout:\n%s\nstderr (first 4 KiB):\n%.4096s", p.stdout.String(), p.stderr.String())
		}
	})
	return p
}

// url waits for the listening line.
func (p *proc) url(t *testing.T) string {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if m := listeningRE.FindStringSubmatch(p.stdout.String()); m != nil {
			return m[1]
		}
		select {
		case <-p.done:
			t.Fatalf("hoard exited with %d before listening: %s", p.code, p.stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatal("hoard did not listen within 30 s")
	return ""
}

// exitWithin waits for the process to end on its own and returns its code.
func (p *proc) exitWithin(t *testing.T, d time.Duration) int {
	t.Helper()
	select {
	case <-p.done:
		return p.code
	case <-time.After(d):
		t.Fatalf("hoard still running %v later; stderr has %d lines", d, strings.Count(p.stderr.String(), "\n"))
		return 0
	}
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
