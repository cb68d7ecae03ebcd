package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os/exec"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// TestUsageCountersAfterCrash: writers PUT, overwrite, delete and upload
// parts in a versioned bucket; the server is SIGKILLed while they are
// busy; after a restart `hoard admin usage --recount` finds the counters
// exact (every commit carried its own counter change).
func TestUsageCountersAfterCrash(t *testing.T) {
	p := startHoard(t, startOpts{})
	c := p.client()
	ctx := context.Background()
	createBucket(t, c, "usage-crash")
	if _, err := c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String("usage-crash"),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}}); err != nil {
		t.Fatal(err)
	}
	wctx, cancel := context.WithCancel(ctx)
	var ops atomic.Int64
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(w), 17))
			for wctx.Err() == nil {
				usageCrashOp(wctx, c, r)
				ops.Add(1)
			}
		}()
	}
	for end := time.Now().Add(1500 * time.Millisecond); time.Now().Before(end) && ops.Load() < 400; {
		time.Sleep(10 * time.Millisecond)
	}
	p.kill()
	cancel()
	wg.Wait()
	t.Logf("killed after %d operations", ops.Load())

	p2 := startHoard(t, startOpts{dataDir: p.DataDir})
	out := adminUsage(t, p2, "usage-crash", "--json")
	var rep struct {
		Total struct{ Objects, NoncurrentObjects, DeleteMarkers int64 }
	}
	if err := json.Unmarshal(out, &rep); err != nil {
		t.Fatalf("usage: %v: %s", err, out)
	}
	if rep.Total.Objects+rep.Total.NoncurrentObjects == 0 {
		t.Fatalf("no objects counted after the crash: %s", out)
	}
	out = adminUsage(t, p2, "--recount", "usage-crash", "--json")
	var rc struct {
		Recounts []struct {
			Bucket  string
			Changed bool
		}
	}
	if err := json.Unmarshal(out, &rc); err != nil || len(rc.Recounts) != 1 {
		t.Fatalf("recount: %v: %s", err, out)
	}
	if rc.Recounts[0].Changed {
		t.Fatalf("the recount after the crash corrected the counters: %s", out)
	}
}

func adminUsage(t *testing.T, p *proc, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(hoardBin, append([]string{"admin", "usage"}, args...)...)
	cmd.Env = append(serverEnv(false), "HOARD_ENDPOINT="+p.URL)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("hoard admin usage %q: %v: %s", args, err, stderr.String())
	}
	return out
}

// usageCrashOp does one random write; errors (the kill among them) are
// expected and ignored: only what committed must be counted.
func usageCrashOp(ctx context.Context, c *s3.Client, r *rand.Rand) {
	b := aws.String("usage-crash")
	key := aws.String(fmt.Sprintf("p%d/q%d/k%d", r.IntN(3), r.IntN(3), r.IntN(8)))
	switch r.IntN(6) {
	case 0, 1, 2:
		body := make([]byte, r.IntN(100<<10))
		_, _ = c.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: key, Body: bytes.NewReader(body)})
	case 3:
		_, _ = c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: b, Key: key})
	case 4:
		vs, err := c.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: b, Prefix: key, MaxKeys: aws.Int32(5)})
		if err == nil && len(vs.Versions) > 0 {
			v := vs.Versions[r.IntN(len(vs.Versions))]
			_, _ = c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: b, Key: v.Key, VersionId: v.VersionId})
		}
	default:
		up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: b, Key: key})
		if err != nil {
			return
		}
		part, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: b, Key: key, UploadId: up.UploadId, PartNumber: aws.Int32(1),
			Body: bytes.NewReader(make([]byte, 1000+r.IntN(5000)))})
		if err != nil || r.IntN(2) == 0 {
			return // left in progress
		}
		_, _ = c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: b, Key: key, UploadId: up.UploadId,
			MultipartUpload: &types.CompletedMultipartUpload{Parts: []types.CompletedPart{{ETag: part.ETag, PartNumber: aws.Int32(1),
				ChecksumCRC32: part.ChecksumCRC32}}}})
	}
}
