package server_test

import (
	"bytes"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/hoard-s3/hoard/internal/server"
	"github.com/hoard-s3/hoard/internal/testserver"
)

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// Whatever modes the data directory and its parts had, everything under
// it is 0700 (directories) or 0600 (files) once a server has started and
// stored objects, and a data directory open to others is warned about.
func TestDataDirModes(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	for _, d := range []string{"meta", "blobs/tmp", "blobs/ab"} {
		if err := os.MkdirAll(filepath.Join(data, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chmod(data, 0o755); err != nil {
		t.Fatal(err)
	}
	var logs syncBuffer
	srv := testserver.Start(t, testserver.WithDataDir(data), func(c *server.Config) {
		c.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	})
	c := srv.Client()
	ctx := testserver.Context(t)
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("modes")}); err != nil {
		t.Fatal(err)
	}
	for key, size := range map[string]int{"small": 100, "large": 1 << 20} {
		if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("modes"), Key: aws.String(key),
			Body: bytes.NewReader(bytes.Repeat([]byte("m"), size))}); err != nil {
			t.Fatal(err)
		}
	}
	srv.Stop(t) // Pebble writes its last files on close
	if !strings.Contains(logs.String(), "data directory is accessible to other users") {
		t.Errorf("no warning about a data directory open to others; logs:\n%s", logs.String())
	}
	files := 0
	err := filepath.WalkDir(data, func(path string, d fs.DirEntry, err error) error {
		if err != nil || path == data {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		want := fs.FileMode(0o600)
		if d.IsDir() {
			want = 0o700
		} else {
			files++
		}
		if info.Mode().Perm() != want {
			t.Errorf("%s: mode %04o, want %04o", strings.TrimPrefix(path, data), info.Mode().Perm(), want)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 8 {
		t.Fatalf("only %d files under the data directory", files)
	}
}
