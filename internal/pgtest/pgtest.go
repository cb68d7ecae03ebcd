// Package pgtest runs throwaway PostgreSQL clusters for tests: initdb into
// a temporary directory, postgres on a random loopback port, no system
// service, stopped by PID. One cluster usually serves a whole test package
// (Main); each test gets a database of its own (NewDatabase).
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// binGlobs are where Debian's and upstream's packages put the server
// binaries (Debian keeps them off PATH, one directory per major version).
var binGlobs = []string{"/usr/lib/postgresql/*/bin", "/usr/local/pgsql/bin"}

// RequireEnv makes a missing PostgreSQL a failure instead of a skip.
const RequireEnv = "HOARD_TEST_REQUIRE_EXTERNAL"

// Bin returns the directory holding initdb and postgres, or "".
func Bin() string {
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p)
	}
	for _, g := range binGlobs {
		dirs, _ := filepath.Glob(g)
		for i := len(dirs) - 1; i >= 0; i-- { // the newest version first
			if _, err := os.Stat(filepath.Join(dirs[i], "initdb")); err == nil {
				return dirs[i]
			}
		}
	}
	return ""
}

// Cluster is a running PostgreSQL server.
type Cluster struct {
	bin, dir, data string
	Port           int
	cmd            *exec.Cmd
	exited         chan struct{}
	cred           *syscall.Credential
	dbs            atomic.Int64
	mu             sync.Mutex
}

// Start initialises and starts a cluster under a new temporary directory.
// fsync is off unless durable: tests restart the server cleanly, which
// loses nothing, and fsync would only slow them.
func Start(durable bool) (*Cluster, error) {
	bin := Bin()
	if bin == "" {
		return nil, errMissing
	}
	dir, err := os.MkdirTemp("", "hoard-pg-")
	if err != nil {
		return nil, err
	}
	c := &Cluster{bin: bin, dir: dir, data: filepath.Join(dir, "data")}
	if err := c.setOwner(); err != nil {
		c.remove()
		return nil, err
	}
	if out, err := c.command("initdb", "-D", c.data, "-U", "hoard", "--auth=trust", "-E", "UTF8", "--no-sync").CombinedOutput(); err != nil {
		c.remove()
		return nil, fmt.Errorf("initdb: %w: %s", err, out)
	}
	c.Port, err = freePort()
	if err == nil {
		err = c.startServer(durable)
	}
	if err != nil {
		c.remove()
		return nil, err
	}
	return c, nil
}

var errMissing = errors.New("PostgreSQL's initdb not found (install Debian's postgresql package)")

// setOwner makes the cluster belong to the postgres (or nobody) user when
// running as root, which initdb and postgres refuse.
func (c *Cluster) setOwner() error {
	if os.Geteuid() != 0 {
		return nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		if u, err = user.Lookup("nobody"); err != nil {
			return fmt.Errorf("running as root and no postgres user: %w", err)
		}
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	c.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
	if err := os.Chmod(c.dir, 0o755); err != nil {
		return err
	}
	return os.Chown(c.dir, uid, gid)
}

func (c *Cluster) command(name string, args ...string) *exec.Cmd {
	cmd := exec.Command(filepath.Join(c.bin, name), args...)
	cmd.Dir = c.dir
	if c.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred}
	}
	return cmd
}

func (c *Cluster) startServer(durable bool) error {
	fsync := "off"
	if durable {
		fsync = "on"
	}
	log, err := os.Create(filepath.Join(c.dir, "postgres.log"))
	if err != nil {
		return err
	}
	defer log.Close()
	c.cmd = c.command("postgres", "-D", c.data, "-p", strconv.Itoa(c.Port), "-k", c.dir,
		"-c", "listen_addresses=127.0.0.1", "-c", "fsync="+fsync, "-c", "max_connections=300",
		"-c", "shared_buffers=64MB", "-c", "max_pred_locks_per_transaction=256")
	c.cmd.Stdout, c.cmd.Stderr = log, log
	if err := c.cmd.Start(); err != nil {
		return fmt.Errorf("start postgres: %w", err)
	}
	c.exited = make(chan struct{})
	go func() { _ = c.cmd.Wait(); close(c.exited) }()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-c.exited:
			out, _ := os.ReadFile(filepath.Join(c.dir, "postgres.log"))
			return fmt.Errorf("postgres exited at start: %s", out)
		default:
		}
		if conn, err := pgx.Connect(context.Background(), c.URL("postgres")); err == nil {
			conn.Close(context.Background())
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	c.stopServer()
	return errors.New("postgres did not accept connections within 30 s")
}

// URL is the connection URL of database db.
func (c *Cluster) URL(db string) string {
	return fmt.Sprintf("postgres://hoard@127.0.0.1:%d/%s?sslmode=disable", c.Port, db)
}

// NewDatabase creates an empty database and returns its URL.
func (c *Cluster) NewDatabase() (string, error) {
	name := fmt.Sprintf("t%d_%d", os.Getpid(), c.dbs.Add(1))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, c.URL("postgres"))
	if err != nil {
		return "", err
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return "", err
	}
	return c.URL(name), nil
}

// Restart stops the server (fast shutdown: clients are disconnected, every
// committed transaction is kept) and starts it again on the same port
// after pause.
func (c *Cluster) Restart(pause time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stopServer()
	time.Sleep(pause)
	return c.startServer(false)
}

// stopServer asks the postmaster, by its PID, for a fast shutdown and waits.
func (c *Cluster) stopServer() {
	if c.cmd == nil || c.cmd.Process == nil {
		return
	}
	_ = c.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-c.exited:
	case <-time.After(20 * time.Second):
		_ = c.cmd.Process.Kill()
		<-c.exited
	}
}

// Stop stops the server and removes its directory.
func (c *Cluster) Stop() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stopServer()
	c.remove()
}

func (c *Cluster) remove() { _ = os.RemoveAll(c.dir) }

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// shared is the package-wide cluster Main starts.
var shared struct {
	c   *Cluster
	err error
}

// Main runs a test package's tests with one cluster for all of them,
// started only when want is true (a package whose PostgreSQL tests are
// switched off pays nothing).
func Main(m *testing.M, want bool) {
	stop := func() {}
	if want {
		stop = StartShared()
	}
	code := m.Run()
	stop()
	os.Exit(code)
}

// StartShared starts the package-wide cluster that Shared returns (a
// failure to start is reported by Shared) and returns its stop function.
func StartShared() (stop func()) {
	shared.c, shared.err = Start(false)
	return func() {
		if shared.c != nil {
			shared.c.Stop()
		}
	}
}

// Shared returns the cluster Main started. Without one it skips the test
// with the reason, or fails it when RequireEnv is set.
func Shared(tb testing.TB) *Cluster {
	tb.Helper()
	if shared.c == nil {
		err := shared.err
		if err == nil {
			err = errors.New("pgtest.Main did not start a cluster")
		}
		Unavailable(tb, err)
	}
	return shared.c
}

// Database returns the URL of a new database on the shared cluster.
func Database(tb testing.TB) string {
	tb.Helper()
	url, err := Shared(tb).NewDatabase()
	if err != nil {
		tb.Fatalf("create database: %v", err)
	}
	return url
}

// Unavailable skips (or, with RequireEnv=1, fails) a test that needs
// PostgreSQL.
func Unavailable(tb testing.TB, err error) {
	tb.Helper()
	if os.Getenv(RequireEnv) == "1" {
		tb.Fatalf("PostgreSQL is required (%s=1): %v", RequireEnv, err)
	}
	tb.Skipf("skipping: PostgreSQL unavailable: %v", err)
}

// MetaEnv switches the suites that honour it (the object service's, the
// SDK suite in internal/s3api through internal/testserver, the e2e
// harness) from the embedded engine to PostgreSQL: HOARD_TEST_META=postgres.
const MetaEnv = "HOARD_TEST_META"

// Enabled reports whether MetaEnv asks for PostgreSQL.
func Enabled() bool { return os.Getenv(MetaEnv) == "postgres" }
