package notify_test

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// brokerProc is an external server the test started, in a process group
// of its own so that it and its children stop together, by its PID.
type brokerProc struct {
	cmd *exec.Cmd
	log string
}

func freePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// startBroker runs bin with args and env in dir, logging to dir, and
// waits until port accepts connections.
func startBroker(t testing.TB, dir, bin string, port int, env []string, args ...string) *brokerProc {
	t.Helper()
	logPath := filepath.Join(dir, filepath.Base(bin)+"-"+strconv.Itoa(port)+".log")
	logf, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	defer logf.Close()
	cmd := exec.Command(bin, args...)
	cmd.Dir, cmd.Stdout, cmd.Stderr = dir, logf, logf
	cmd.Env = append(os.Environ(), env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	p := &brokerProc{cmd: cmd, log: logPath}
	if err := waitPort(port, 60*time.Second, cmd); err != nil {
		p.stop()
		b, _ := os.ReadFile(logPath)
		t.Fatalf("%s: %v; log:\n%s", bin, err, b)
	}
	return p
}

func waitPort(port int, timeout time.Duration, cmd *exec.Cmd) error {
	deadline := time.Now().Add(timeout)
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	for time.Now().Before(deadline) {
		if c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond); err == nil {
			c.Close()
			return nil
		}
		if cmd.ProcessState != nil {
			return fmt.Errorf("exited")
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("port %d not listening after %v", port, timeout)
}

// stop kills the process group led by the broker's PID and reaps it.
func (p *brokerProc) stop() {
	if p.cmd.Process == nil || p.cmd.ProcessState != nil {
		return
	}
	syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
	p.cmd.Wait()
}

// terminate asks the broker to shut down cleanly (SIGTERM to its group)
// and kills it if it is still running after 30 s.
func (p *brokerProc) terminate() {
	if p.cmd.Process == nil || p.cmd.ProcessState != nil {
		return
	}
	syscall.Kill(-p.cmd.Process.Pid, syscall.SIGTERM)
	done := make(chan struct{})
	go func() { p.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
		<-done
	}
}
