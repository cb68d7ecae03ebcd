package e2e

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

const (
	crashWriters   = 8
	crashWriteTime = 2 * time.Second
	// crashMaxPuts ends the writing phase early on a fast machine, bounding
	// disk use (~0.5 MiB per PUT on average) while writers are still busy.
	crashMaxPuts = 600
	crashBucket  = "crash"
)

// crashSizes spans inline-sized objects, sizes around the usual inline
// threshold, and data files up to 2 MiB.
var crashSizes = []int{1 << 10, 4 << 10, 60 << 10, 64 << 10, 65<<10 + 1, 300 << 10, 1 << 20, 2 << 20}

// TestCrashRecovery: writers PUT concurrently, the server is SIGKILLed in
// the middle, and after a restart every acknowledged PUT reads back
// byte-identical (or is superseded by a concurrent one), nothing listed is
// partial, and temporary files of interrupted writes are gone.
func TestCrashRecovery(t *testing.T) {
	p := startHoard(t, startOpts{})
	createBucket(t, p.client(), crashBucket)
	h := newHistory()
	inflight := runWritersAndKill(t, p, h)
	acked, unacked := h.counts()
	t.Logf("killed with %d PUTs in flight; %d acknowledged, %d not", inflight, acked, unacked)
	if acked == 0 {
		t.Fatalf("no PUT was acknowledged before the kill")
	}
	tmpBefore, blobsBefore := countBlobFiles(t, p.DataDir)

	// No grace for orphans: every data file no record references is
	// reclaimed by the collection that runs at start.
	p2 := startHoard(t, startOpts{dataDir: p.DataDir, args: []string{"--orphan-grace", "1ns"}})
	// OpenDir discards temporary files before the server listens.
	if tmp, _ := countBlobFiles(t, p.DataDir); tmp != 0 {
		t.Errorf("%d temporary files left after restart (%d before)", tmp, tmpBefore)
	}
	c := p2.client()
	verifyKeys(t, c, h)
	withFile := verifyListing(t, c, h)
	// Every single-PUT object above the inline threshold owns exactly one
	// data file; anything more is an orphan that GC has to reclaim.
	deadline := time.Now().Add(20 * time.Second)
	_, blobsAfter := countBlobFiles(t, p.DataDir)
	for blobsAfter != withFile && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
		_, blobsAfter = countBlobFiles(t, p.DataDir)
	}
	t.Logf("data files: %d temporary and %d committed at the kill, %d committed after restart for %d objects",
		tmpBefore, blobsBefore, blobsAfter, withFile)
	if blobsAfter != withFile {
		t.Errorf("%d data files remain for %d objects that need one: orphans not reclaimed", blobsAfter, withFile)
	}
}

// inlineThreshold is the server's default: objects up to it live inside
// their metadata record.
const inlineThreshold = 64 << 10

// runWritersAndKill runs the writers for crashWriteTime, SIGKILLs the
// server while they are busy and returns how many PUTs were in flight.
func runWritersAndKill(t *testing.T, p *proc, h *history) int64 {
	var killed atomic.Bool
	var inflight, started atomic.Int64
	errs := make(chan error, crashMaxPuts+crashWriters)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var wg sync.WaitGroup
	for w := range crashWriters {
		wg.Add(1)
		go func() {
			defer wg.Done()
			crashWriter(ctx, w, p.client(), h, &killed, &inflight, &started, errs)
		}()
	}
	for end := time.Now().Add(crashWriteTime); time.Now().Before(end) && started.Load() < crashMaxPuts; {
		time.Sleep(10 * time.Millisecond)
	}
	holdPartialUpload(t, p)
	n := inflight.Load()
	killed.Store(true)
	p.kill()
	cancel()
	wg.Wait()
	close(errs)
	reported := 0
	for err := range errs {
		if reported++; reported <= 5 {
			t.Errorf("PUT failed before the kill: %v", err)
		}
	}
	return n
}

// holdPartialUpload leaves a large PUT half-sent, so that the kill finds
// a temporary data file for certain. Its key is never acknowledged; the
// listing check fails if it ever shows up.
func holdPartialUpload(t *testing.T, p *proc) {
	sp := startSlowPut(t, p, crashBucket, "never-completed", 8<<20)
	writeOrFail(t, sp.body, make([]byte, 2<<20))
	t.Cleanup(func() { sp.body.CloseWithError(io.ErrUnexpectedEOF) })
	deadline := time.Now().Add(5 * time.Second)
	for tmp, _ := countBlobFiles(t, p.DataDir); tmp == 0; tmp, _ = countBlobFiles(t, p.DataDir) {
		if time.Now().After(deadline) {
			t.Log("no temporary data file seen for the half-sent PUT")
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// crashWriter PUTs objects of mixed sizes: mostly new keys, some
// overwrites of its own keys, and some keys shared with every writer.
func crashWriter(ctx context.Context, w int, c *s3.Client, h *history, killed *atomic.Bool, inflight, started *atomic.Int64, errs chan<- error) {
	rng := rand.New(rand.NewPCG(uint64(w), 42))
	for i := 0; ctx.Err() == nil; i++ {
		started.Add(1)
		key := pickKey(rng, w, i)
		size := crashSizes[rng.IntN(len(crashSizes))] - rng.IntN(512)
		v, body := newPutVersion(uint64(w)<<32|uint64(i), size)
		h.begin(key, v)
		inflight.Add(1)
		_, err := c.PutObject(ctx, &s3.PutObjectInput{
			Bucket: aws.String(crashBucket), Key: aws.String(key), Body: bytes.NewReader(body)})
		inflight.Add(-1)
		switch {
		case err == nil:
			h.ack(v)
		case killed.Load():
			return
		default:
			select {
			case errs <- fmt.Errorf("%s (%d bytes): %w", key, size, err):
			default: // enough reported
			}
		}
	}
}

func pickKey(rng *rand.Rand, w, i int) string {
	switch r := rng.IntN(8); {
	case r < 2:
		return fmt.Sprintf("shared/%d", rng.IntN(3))
	case r < 3 && i > 0:
		return fmt.Sprintf("w%d/obj-%04d", w, rng.IntN(i))
	default:
		return fmt.Sprintf("w%d/obj-%04d", w, i)
	}
}

// verifyKeys reads every key written and checks its content against the
// versions allowed after the crash.
func verifyKeys(t *testing.T, c *s3.Client, h *history) {
	failures := 0
	for _, key := range h.keys() {
		if err := verifyKey(t, c, h, key); err != nil {
			if failures++; failures <= 10 {
				t.Errorf("%s: %v", key, err)
			}
		}
	}
	if failures > 10 {
		t.Errorf("... %d keys failed in all", failures)
	}
}

func verifyKey(t *testing.T, c *s3.Client, h *history, key string) error {
	allowed, mayBeAbsent := h.allowed(key)
	out, err := c.GetObject(testContext(t), &s3.GetObjectInput{Bucket: aws.String(crashBucket), Key: aws.String(key)})
	var nsk *types.NoSuchKey
	if errors.As(err, &nsk) {
		if mayBeAbsent {
			return nil
		}
		return errors.New("acknowledged object is missing")
	}
	if err != nil {
		return fmt.Errorf("get: %w", err)
	}
	defer out.Body.Close()
	hash := sha256.New()
	n, err := io.Copy(hash, out.Body)
	if err != nil {
		return fmt.Errorf("read: %w", err)
	}
	var sum [32]byte
	copy(sum[:], hash.Sum(nil))
	for _, v := range allowed {
		if v.sha256 == sum && int64(v.size) == n {
			return nil
		}
	}
	return fmt.Errorf("content (%d bytes) matches none of the %d allowed versions (of %d written)",
		n, len(allowed), len(h.versions(key)))
}

// verifyListing checks that every listed object is one that was written,
// with the size and MD5 of one of its versions: nothing partial is listed.
// verifyListing checks every listed object and returns how many of them
// are large enough to live in a data file rather than inline.
func verifyListing(t *testing.T, c *s3.Client, h *history) (withFile int) {
	pages := s3.NewListObjectsV2Paginator(c, &s3.ListObjectsV2Input{Bucket: aws.String(crashBucket)})
	listed := 0
	for pages.HasMorePages() {
		page, err := pages.NextPage(testContext(t))
		if err != nil {
			t.Fatalf("list: %v", err)
		}
		for _, o := range page.Contents {
			listed++
			if aws.ToInt64(o.Size) > inlineThreshold {
				withFile++
			}
			if !matchesSomeVersion(h.versions(aws.ToString(o.Key)), aws.ToInt64(o.Size), aws.ToString(o.ETag)) {
				t.Errorf("listed %s (size %d, ETag %s) matches no written version",
					aws.ToString(o.Key), aws.ToInt64(o.Size), aws.ToString(o.ETag))
			}
		}
	}
	t.Logf("%d objects listed after restart, %d keys written", listed, len(h.keys()))
	return withFile
}

func matchesSomeVersion(vs []*putVersion, size int64, etag string) bool {
	etag = strings.Trim(etag, `"`)
	for _, v := range vs {
		if int64(v.size) == size && v.md5 == etag {
			return true
		}
	}
	return false
}

// countBlobFiles counts files under DATA/blobs: those in tmp/ (writes in
// progress) and the committed data files.
func countBlobFiles(t *testing.T, dataDir string) (tmp, committed int) {
	root := filepath.Join(dataDir, "blobs")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if filepath.Base(filepath.Dir(path)) == "tmp" {
			tmp++
		} else {
			committed++
		}
		return nil
	})
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("count data files: %v", err)
	}
	return tmp, committed
}
