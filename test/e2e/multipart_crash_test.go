package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

const (
	mpCrashBucket  = "mpcrash"
	mpCrashUploads = 4  // uploads receiving parts when the kill comes
	mpCrashParts   = 8  // parts offered per upload, 5 MiB each
	mpCrashWorkers = 6  // UploadPart calls in flight
	mpCrashAcked   = 10 // acknowledged parts before the kill
)

// mpUpload follows one multipart upload through the crash: which parts
// were sent and which were acknowledged.
type mpUpload struct {
	key, id string
	seed    int
	mu      sync.Mutex
	begun   map[int]bool
	acked   map[int]string // part number -> ETag answered
}

func (u *mpUpload) spec(n int) mpPartSpec { return mpPartSpec{seed: u.seed, number: n, size: 5 << 20} }

// mpCompletion is an upload whose parts are all in, completed before or
// around the kill; acked says whether CompleteMultipartUpload answered 200.
type mpCompletion struct {
	key, id string
	parts   []mpPartSpec
	etags   []string
	acked   atomic.Bool
}

// TestMultipartCrashRecovery SIGKILLs the server while six UploadPart calls
// run against four uploads and two CompleteMultipartUpload calls are under
// way. After a restart every acknowledged part is listed with its ETag and
// size, nothing partial is listed, completed objects read back intact, no
// half-completed object is visible, every upload can be completed with its
// acknowledged parts, and no data file is left over.
func TestMultipartCrashRecovery(t *testing.T) {
	p := startHoard(t, startOpts{})
	c := p.client()
	createBucket(t, c, mpCrashBucket)
	uploads := make([]*mpUpload, mpCrashUploads)
	for i := range uploads {
		key := fmt.Sprintf("inflight-%d", i)
		uploads[i] = &mpUpload{key: key, id: createUpload(t, c, mpCrashBucket, key), seed: 10 + i,
			begun: map[int]bool{}, acked: map[int]string{}}
	}
	// Two objects are completed before any concurrency starts; four more
	// uploads have their parts in and are completed around the kill.
	var comps []*mpCompletion
	for i := range 6 {
		comps = append(comps, prepareCompletion(t, c, fmt.Sprintf("complete-%d", i), 100+i))
	}
	for _, cp := range comps[:2] {
		completeUpload(t, c, mpCrashBucket, cp.key, cp.id, cp.parts, cp.etags)
		cp.acked.Store(true)
	}
	crashPartsAndKill(t, p, uploads, comps[2:])

	p2 := startHoard(t, startOpts{dataDir: p.DataDir, args: []string{"--orphan-grace", "1ns"}})
	c = p2.client()
	if tmp, _ := countBlobFiles(t, p.DataDir); tmp != 0 {
		t.Errorf("%d temporary files left after restart", tmp)
	}
	for _, u := range uploads {
		verifyListedParts(t, c, u)
	}
	files := verifyCompletions(t, c, comps)
	for _, u := range uploads {
		files += completeAfterRestart(t, c, u)
	}
	listed, err := c.ListMultipartUploads(testContext(t), &s3.ListMultipartUploadsInput{Bucket: aws.String(mpCrashBucket)})
	if err != nil {
		t.Fatalf("ListMultipartUploads: %v", err)
	}
	for _, up := range listed.Uploads {
		t.Errorf("upload %s of %s still listed after completing", aws.ToString(up.UploadId), aws.ToString(up.Key))
	}
	// Every part is a data file; parts sent but not acknowledged and
	// parts left out of Complete must not keep one.
	waitFor(t, 15*time.Second, fmt.Sprintf("%d data files for the objects' parts", files), func() bool {
		_, n := countBlobFiles(t, p.DataDir)
		return n == files
	})
}

// prepareCompletion starts an upload of two parts (5 MiB and 1 MiB) and
// sends them, ready to complete.
func prepareCompletion(t *testing.T, c *s3.Client, key string, seed int) *mpCompletion {
	cp := &mpCompletion{key: key, id: createUpload(t, c, mpCrashBucket, key),
		parts: []mpPartSpec{{seed: seed, number: 1, size: 5 << 20}, {seed: seed, number: 2, size: 1 << 20}}}
	for _, s := range cp.parts {
		cp.etags = append(cp.etags, uploadPart(t, c, mpCrashBucket, key, cp.id, s))
	}
	return cp
}

// crashPartsAndKill runs the part writers until enough parts are
// acknowledged, then SIGKILLs the server. Of comps, the first two are
// completed while parts are sent and the rest just before the kill, so
// that it may land inside a Complete.
func crashPartsAndKill(t *testing.T, p *proc, uploads []*mpUpload, comps []*mpCompletion) {
	type job struct{ u, n int }
	var jobs []job
	for n := 1; n <= mpCrashParts; n++ {
		for u := range uploads {
			jobs = append(jobs, job{u, n})
		}
	}
	// Out of order within each upload, interleaved across uploads.
	rand.New(rand.NewPCG(7, 7)).Shuffle(len(jobs), func(i, j int) { jobs[i], jobs[j] = jobs[j], jobs[i] })
	next := make(chan job, len(jobs))
	for _, j := range jobs {
		next <- j
	}
	close(next)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var killed atomic.Bool
	var acked, inflight atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, mpCrashWorkers+1)
	report := func(err error) {
		if !killed.Load() {
			select {
			case errs <- err:
			default:
			}
		}
	}
	for range mpCrashWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := p.client()
			for j := range next {
				if ctx.Err() != nil {
					return
				}
				u := uploads[j.u]
				inflight.Add(1)
				err := sendPart(ctx, c, u, j.n)
				inflight.Add(-1)
				if err != nil {
					report(err)
					return
				}
				acked.Add(1)
			}
		}()
	}
	complete := func(cp *mpCompletion) {
		defer wg.Done()
		if err := sendComplete(ctx, p.client(), cp); err != nil {
			report(err)
		}
	}
	wg.Add(1)
	go complete(comps[0])
	for acked.Load() < mpCrashAcked && len(errs) == 0 {
		if acked.Load() >= mpCrashAcked/2 && !comps[1].acked.Load() {
			wg.Add(1)
			complete(comps[1])
		}
		time.Sleep(5 * time.Millisecond)
	}
	for _, cp := range comps[2:] {
		wg.Add(1)
		go complete(cp)
	}
	time.Sleep(time.Millisecond)
	n := inflight.Load()
	killed.Store(true)
	p.kill()
	cancel()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("before the kill: %v", err)
	}
	ackedComps := 0
	for _, cp := range comps {
		if cp.acked.Load() {
			ackedComps++
		}
	}
	t.Logf("killed with %d UploadPart calls in flight, %d parts acknowledged; %d of %d completions acknowledged",
		n, acked.Load(), ackedComps, len(comps))
}

// sendPart uploads part n of u and records it as begun, then acknowledged.
func sendPart(ctx context.Context, c *s3.Client, u *mpUpload, n int) error {
	s := u.spec(n)
	u.mu.Lock()
	u.begun[n] = true
	u.mu.Unlock()
	out, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String(mpCrashBucket), Key: aws.String(u.key),
		UploadId: aws.String(u.id), PartNumber: aws.Int32(int32(n)), Body: bytes.NewReader(s.body())})
	if err != nil {
		return fmt.Errorf("UploadPart %s #%d: %w", u.key, n, err)
	}
	etag := aws.ToString(out.ETag)
	if etag != s.etag() {
		return fmt.Errorf("UploadPart %s #%d: ETag %s, want %s", u.key, n, etag, s.etag())
	}
	u.mu.Lock()
	u.acked[n] = etag
	u.mu.Unlock()
	return nil
}

// sendComplete completes cp with all its parts and records the answer.
func sendComplete(ctx context.Context, c *s3.Client, cp *mpCompletion) error {
	list := make([]types.CompletedPart, len(cp.parts))
	for i, s := range cp.parts {
		list[i] = types.CompletedPart{PartNumber: aws.Int32(int32(s.number)), ETag: aws.String(cp.etags[i])}
	}
	_, err := c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String(mpCrashBucket),
		Key: aws.String(cp.key), UploadId: aws.String(cp.id), MultipartUpload: &types.CompletedMultipartUpload{Parts: list}})
	if err != nil {
		return fmt.Errorf("CompleteMultipartUpload %s: %w", cp.key, err)
	}
	cp.acked.Store(true)
	return nil
}

// verifyListedParts checks ListParts of u after the restart: every
// acknowledged part is there with its ETag and size, and every listed part
// is one that was sent, whole.
func verifyListedParts(t *testing.T, c *s3.Client, u *mpUpload) {
	out, err := c.ListParts(testContext(t), &s3.ListPartsInput{Bucket: aws.String(mpCrashBucket),
		Key: aws.String(u.key), UploadId: aws.String(u.id)})
	if err != nil {
		t.Fatalf("ListParts %s: %v", u.key, err)
	}
	listed := map[int]types.Part{}
	for _, p := range out.Parts {
		n := int(aws.ToInt32(p.PartNumber))
		listed[n] = p
		if !u.begun[n] {
			t.Errorf("%s: part %d listed but never sent", u.key, n)
			continue
		}
		if s := u.spec(n); aws.ToString(p.ETag) != s.etag() || aws.ToInt64(p.Size) != int64(s.size) {
			t.Errorf("%s: part %d listed with ETag %s, size %d; sent %s, %d bytes",
				u.key, n, aws.ToString(p.ETag), aws.ToInt64(p.Size), s.etag(), s.size)
		}
	}
	for n, etag := range u.acked {
		if p, ok := listed[n]; !ok {
			t.Errorf("%s: acknowledged part %d (ETag %s) not listed after restart", u.key, n, etag)
		} else if aws.ToString(p.ETag) != etag {
			t.Errorf("%s: acknowledged part %d listed with ETag %s, acknowledged as %s", u.key, n, aws.ToString(p.ETag), etag)
		}
	}
	t.Logf("%s: %d parts sent, %d acknowledged, %d listed after restart", u.key, len(u.begun), len(u.acked), len(listed))
}

// verifyCompletions checks the listing and the completed objects after the
// restart: only completed objects are listed, whole; an acknowledged
// completion reads back intact; one cut short by the kill is either whole
// or absent, and then its upload completes now. It returns how many data
// files the objects own.
func verifyCompletions(t *testing.T, c *s3.Client, comps []*mpCompletion) (files int) {
	byKey := map[string]*mpCompletion{}
	for _, cp := range comps {
		byKey[cp.key] = cp
	}
	out, err := c.ListObjectsV2(testContext(t), &s3.ListObjectsV2Input{Bucket: aws.String(mpCrashBucket)})
	if err != nil {
		t.Fatalf("ListObjectsV2: %v", err)
	}
	for _, o := range out.Contents {
		cp, ok := byKey[aws.ToString(o.Key)]
		if !ok {
			t.Errorf("listed %s, which was never completed", aws.ToString(o.Key))
			continue
		}
		if _, etag, size := expectedObject(cp.parts); aws.ToInt64(o.Size) != size || aws.ToString(o.ETag) != etag {
			t.Errorf("listed %s with size %d, ETag %s; want %d, %s", cp.key, aws.ToInt64(o.Size), aws.ToString(o.ETag), size, etag)
		}
	}
	cut, unacked := 0, 0
	for _, cp := range comps {
		files += len(cp.parts)
		err := verifyObject(t, c, mpCrashBucket, cp.key, cp.parts)
		switch {
		case err == nil:
			if !cp.acked.Load() {
				unacked++
			}
		case cp.acked.Load() || !isNoSuchKey(err):
			t.Errorf("completed before the kill (acknowledged: %v): %v", cp.acked.Load(), err)
		default:
			cut++
			completeUpload(t, c, mpCrashBucket, cp.key, cp.id, cp.parts, cp.etags)
			if err := verifyObject(t, c, mpCrashBucket, cp.key, cp.parts); err != nil {
				t.Errorf("completed after the restart: %v", err)
			}
		}
	}
	t.Logf("%d objects listed after restart; of the completions not acknowledged, %d had committed, %d had not and were completed afterwards",
		len(out.Contents), unacked, cut)
	return files
}

func isNoSuchKey(err error) bool {
	var nsk *types.NoSuchKey
	return errors.As(err, &nsk)
}

// completeAfterRestart uploads one more (last, small) part to u and
// completes it from its acknowledged parts plus that one, then reads the
// object back. It returns the number of parts, each a data file.
func completeAfterRestart(t *testing.T, c *s3.Client, u *mpUpload) int {
	numbers := make([]int, 0, len(u.acked))
	for n := range u.acked {
		numbers = append(numbers, n)
	}
	slices.Sort(numbers)
	var parts []mpPartSpec
	var etags []string
	for _, n := range numbers {
		parts = append(parts, u.spec(n))
		etags = append(etags, u.acked[n])
	}
	extra := mpPartSpec{seed: u.seed, number: mpCrashParts + 1, size: 1 << 20}
	etags = append(etags, uploadPart(t, c, mpCrashBucket, u.key, u.id, extra))
	parts = append(parts, extra)
	completeUpload(t, c, mpCrashBucket, u.key, u.id, parts, etags)
	if err := verifyObject(t, c, mpCrashBucket, u.key, parts); err != nil {
		t.Error(err)
	}
	return len(parts)
}
