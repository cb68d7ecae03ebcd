package diskfull

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/hoard-s3/hoard/internal/testserver"
)

func client(url string) *s3.Client {
	return s3.New(s3.Options{
		Region: testserver.Region, BaseEndpoint: aws.String(url), UsePathStyle: true,
		Credentials: credentials.NewStaticCredentialsProvider(testserver.AccessKey, testserver.SecretKey, ""),
	})
}

// A server killed with metadata still in its log, restarted on a disk
// that is now full, exits at once with a message that says so (Pebble
// would retry the flush of that log for ever, hundreds of lines a second,
// and never listen), and starts again once space is freed.
func TestRestartOnFullDisk(t *testing.T) {
	mnt := mountTmpfs(t, 64<<20)
	data := filepath.Join(mnt, "data")
	p := startProc(t, data)
	c := client(p.url(t))
	ctx := testserver.Context(t)
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("full")}); err != nil {
		t.Fatal(err)
	}
	// 12 MiB of small objects, kept in the metadata: several memtables
	// of log to replay.
	body := func(i int) []byte { return bytes.Repeat([]byte{byte(i)}, 60<<10) }
	keys := make(chan int)
	errs := make(chan error, 8)
	for range 8 {
		go func() {
			var err error
			for i := range keys {
				if _, perr := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("full"), Key: aws.String(fmt.Sprintf("k%03d", i)), Body: bytes.NewReader(body(i))}); perr != nil && err == nil {
					err = perr
				}
			}
			errs <- err
		}()
	}
	for i := range 200 {
		keys <- i
	}
	close(keys)
	for range 8 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	p.cmd.Process.Kill()
	<-p.done

	filler := filepath.Join(mnt, "filler")
	fillDisk(t, filler)
	p = startProc(t, data)
	code := p.exitWithin(t, 20*time.Second)
	stderr := p.stderr.String()
	if code == 0 || !strings.Contains(stderr, "no space left on device") || !strings.Contains(stderr, "is full: free space") {
		t.Fatalf("restart on a full disk: exit code %d, stderr:\n%.4096s", code, stderr)
	}
	if n := strings.Count(stderr, "\n"); n > 20 {
		t.Errorf("restart on a full disk wrote %d lines", n)
	}
	if strings.Contains(p.stdout.String(), "listening") {
		t.Errorf("listening line printed on a full disk")
	}

	// Space freed: the server starts and every object is there.
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	p = startProc(t, data)
	c = client(p.url(t))
	for _, i := range []int{0, 99, 199} {
		out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("full"), Key: aws.String(fmt.Sprintf("k%03d", i))})
		if err != nil {
			t.Fatalf("get k%03d after freeing space: %v", i, err)
		}
		got, err := io.ReadAll(out.Body)
		out.Body.Close()
		if err != nil || !bytes.Equal(got, body(i)) {
			t.Fatalf("k%03d after freeing space: %d bytes, %v", i, len(got), err)
		}
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	if code := p.exitWithin(t, 20*time.Second); code != 0 {
		t.Fatalf("SIGTERM after serving: exit code %d", code)
	}
}

// fillDisk writes path until the file system is full.
func fillDisk(t *testing.T, path string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, size := range []int{1 << 20, 4 << 10} {
		buf := make([]byte, size)
		for {
			if _, err := f.Write(buf); err != nil {
				if !errors.Is(err, syscall.ENOSPC) {
					t.Fatalf("fill the disk: %v", err)
				}
				break
			}
		}
	}
}

// SIGTERM ends a start-up that does not finish (here a root key file that
// is a FIFO nobody writes, as a hung network file system would be).
func TestSignalDuringStartup(t *testing.T) {
	data := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(data, "root-keys.json"), 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	p := startProc(t, data)
	// Give the start-up time to reach the key file; a signal earlier is
	// honoured all the same.
	time.Sleep(500 * time.Millisecond)
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	code := p.exitWithin(t, 10*time.Second)
	if code != 128+int(syscall.SIGTERM) || !strings.Contains(p.stderr.String(), "signal during start-up") {
		t.Fatalf("SIGTERM during start-up: exit code %d, stderr:\n%s", code, p.stderr.String())
	}
}
