package e2e

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

const (
	vcrashBucket = "vcrash"
	vcrashKeys   = 6
	vcrashMaxOps = 500
)

// vcrashLog records what the server acknowledged during the versioned
// crash test: every version id a PUT or DELETE answered.
type vcrashLog struct {
	mu      sync.Mutex
	puts    map[string]*putVersion // version id -> what was written
	markers map[string]bool        // version ids of acknowledged delete markers
	keyOf   map[string]string      // version id -> key
}

func (l *vcrashLog) add(key, vid string, v *putVersion) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.keyOf[vid] = key
	if v == nil {
		l.markers[vid] = true
	} else {
		l.puts[vid] = v
	}
}

// TestVersionedCrashRecovery: writers overwrite and delete the same few
// keys of a versioned bucket concurrently, the server is SIGKILLed in the
// middle, and after a restart every acknowledged version and delete marker
// is listed and reads back by its id, every listed version is whole, each
// key has exactly one latest entry, GET agrees with it, and every data
// file left belongs to a listed version.
func TestVersionedCrashRecovery(t *testing.T) {
	p := startHoard(t, startOpts{})
	c := p.client()
	createBucket(t, c, vcrashBucket)
	_, err := c.PutBucketVersioning(testContext(t), &s3.PutBucketVersioningInput{Bucket: aws.String(vcrashBucket),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}})
	if err != nil {
		t.Fatal(err)
	}
	log := &vcrashLog{puts: map[string]*putVersion{}, markers: map[string]bool{}, keyOf: map[string]string{}}
	all := map[string][]*putVersion{} // every attempted body by key, for the listing check
	var allMu sync.Mutex
	var killed atomic.Bool
	var started atomic.Int64
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for w := range crashWriters {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 99))
			cl := p.client()
			for i := 0; ctx.Err() == nil; i++ {
				started.Add(1)
				key := fmt.Sprintf("k%d", rng.IntN(vcrashKeys))
				var vid string
				var v *putVersion
				var err error
				if rng.IntN(4) == 0 {
					var out *s3.DeleteObjectOutput
					if out, err = cl.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(vcrashBucket), Key: aws.String(key)}); err == nil {
						vid = aws.ToString(out.VersionId)
					}
				} else {
					size := crashSizes[rng.IntN(len(crashSizes)-2)] - rng.IntN(512)
					var body []byte
					v, body = newPutVersion(uint64(w)<<32|uint64(i), size)
					allMu.Lock()
					all[key] = append(all[key], v)
					allMu.Unlock()
					var out *s3.PutObjectOutput
					if out, err = cl.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(vcrashBucket), Key: aws.String(key), Body: bytes.NewReader(body)}); err == nil {
						vid = aws.ToString(out.VersionId)
					}
				}
				switch {
				case err == nil && vid == "":
					t.Errorf("%s: acknowledged without a version id", key)
				case err == nil:
					log.add(key, vid, v)
				case killed.Load():
					return
				default:
					select {
					case errs <- fmt.Errorf("%s: %w", key, err):
					default:
					}
				}
			}
		}()
	}
	for end := time.Now().Add(crashWriteTime); time.Now().Before(end) && started.Load() < vcrashMaxOps; {
		time.Sleep(10 * time.Millisecond)
	}
	killed.Store(true)
	p.kill()
	cancel()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("request failed before the kill: %v", err)
	}
	t.Logf("%d versions and %d delete markers acknowledged", len(log.puts), len(log.markers))
	if len(log.puts) == 0 || len(log.markers) == 0 {
		t.Fatal("nothing acknowledged before the kill")
	}

	p2 := startHoard(t, startOpts{dataDir: p.DataDir, args: []string{"--orphan-grace", "1ns"}})
	c = p2.client()
	listed, withFile := verifyVersionListing(t, c, all)
	for vid, key := range log.keyOf {
		e, ok := listed[vid]
		if !ok {
			t.Errorf("acknowledged version %s of %s is not listed", vid, key)
			continue
		}
		if e.key != key || e.marker != log.markers[vid] {
			t.Errorf("version %s listed as %+v, acknowledged for %s (marker %v)", vid, e, key, log.markers[vid])
		}
		if v := log.puts[vid]; v != nil {
			if err := readVersionMatches(t, c, key, vid, v); err != nil {
				t.Errorf("%s version %s: %v", key, vid, err)
			}
		}
	}
	deadline := time.Now().Add(20 * time.Second)
	_, files := countBlobFiles(t, p.DataDir)
	for files != withFile && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
		_, files = countBlobFiles(t, p.DataDir)
	}
	if files != withFile {
		t.Errorf("%d data files for %d listed versions that need one", files, withFile)
	}
}

type listedVersion struct {
	key    string
	marker bool
}

// verifyVersionListing walks ListObjectVersions: each key has exactly one
// latest entry and GET agrees with it, and every version is one that was
// written, whole. It returns the entries by version id and how many
// versions live in a data file.
func verifyVersionListing(t *testing.T, c *s3.Client, all map[string][]*putVersion) (map[string]listedVersion, int) {
	listed := map[string]listedVersion{}
	latest := map[string][]string{}
	withFile := 0
	pages := s3.NewListObjectVersionsPaginator(c, &s3.ListObjectVersionsInput{Bucket: aws.String(vcrashBucket), MaxKeys: aws.Int32(37)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(testContext(t))
		if err != nil {
			t.Fatalf("list versions: %v", err)
		}
		for _, v := range page.Versions {
			key, vid := aws.ToString(v.Key), aws.ToString(v.VersionId)
			if _, dup := listed[vid]; dup {
				t.Errorf("version %s listed twice", vid)
			}
			listed[vid] = listedVersion{key: key}
			if aws.ToBool(v.IsLatest) {
				latest[key] = append(latest[key], vid)
			}
			if aws.ToInt64(v.Size) > inlineThreshold {
				withFile++
			}
			if !matchesSomeVersion(all[key], aws.ToInt64(v.Size), aws.ToString(v.ETag)) {
				t.Errorf("listed %s %s (size %d) matches no written body", key, vid, aws.ToInt64(v.Size))
			}
		}
		for _, m := range page.DeleteMarkers {
			key, vid := aws.ToString(m.Key), aws.ToString(m.VersionId)
			listed[vid] = listedVersion{key: key, marker: true}
			if aws.ToBool(m.IsLatest) {
				latest[key] = append(latest[key], vid)
			}
		}
	}
	for key, vids := range latest {
		if len(vids) != 1 {
			t.Errorf("%s has %d latest entries: %v", key, len(vids), vids)
			continue
		}
		out, err := c.HeadObject(testContext(t), &s3.HeadObjectInput{Bucket: aws.String(vcrashBucket), Key: aws.String(key)})
		switch {
		case listed[vids[0]].marker && err == nil:
			t.Errorf("%s: latest is a delete marker but HEAD answers %s", key, aws.ToString(out.VersionId))
		case !listed[vids[0]].marker && (err != nil || aws.ToString(out.VersionId) != vids[0]):
			t.Errorf("%s: latest is %s but HEAD answers %v", key, vids[0], err)
		}
	}
	return listed, withFile
}

func readVersionMatches(t *testing.T, c *s3.Client, key, vid string, v *putVersion) error {
	out, err := c.GetObject(testContext(t), &s3.GetObjectInput{Bucket: aws.String(vcrashBucket), Key: aws.String(key), VersionId: aws.String(vid)})
	if err != nil {
		return err
	}
	defer out.Body.Close()
	h := sha256.New()
	n, err := io.Copy(h, out.Body)
	if err != nil {
		return err
	}
	if n != int64(v.size) || !bytes.Equal(h.Sum(nil), v.sha256[:]) {
		return fmt.Errorf("read %d bytes that differ from the %d acknowledged", n, v.size)
	}
	return nil
}
