package object

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hoard-s3/hoard/internal/blob"
)

// TestTransitionRacesOverwriteAndDelete runs transitions of multipart
// objects back and forth between two tiers, two at a time on the same
// keys, while each key is overwritten (multipart or not) and deleted.
// Afterwards every key reads back exactly what its last write stored,
// and the two tiers hold exactly the blobs the live objects name: no
// transition lost data or left a second copy behind.
func TestTransitionRacesOverwriteAndDelete(t *testing.T) {
	e := newTierEnv(t)
	e.minPartSize = testMinPart
	e.bucket(t, "bkt")
	e.cold.Grace, e.dir.Grace = 0, 0
	// Slow removals widen the window between a move's commit and the
	// removal of its source, where a move back of the same parts would
	// otherwise lose them.
	e.blobs = slowDelete{e.blobs}
	const keys, writes, movers = 4, 40, 2
	type state struct {
		data  []byte
		blobs int
		gone  bool
	}
	last := make([]state, keys)
	var wg sync.WaitGroup
	stop := make(chan struct{})
	var moved, refused atomic.Int64
	for m := range movers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(m), 1))
			for {
				select {
				case <-stop:
					return
				default:
				}
				class := ClassStandard
				if r.IntN(2) == 0 {
					class = ClassStandardIA
				}
				key := fmt.Sprintf("k%d", r.IntN(keys))
				_, err := e.Transition(ctx, TransitionInput{Bucket: "bkt", Key: key, StorageClass: class})
				switch {
				case err == nil:
					moved.Add(1)
				case errors.Is(err, ErrNoSuchKey), errors.Is(err, ErrConditionalConflict), errors.Is(err, blob.ErrNotFound),
					errors.Is(err, ErrMoveInProgress):
					refused.Add(1)
				default:
					t.Errorf("transition %s to %s: %v", key, class, err)
					return
				}
			}
		}()
	}
	var writers sync.WaitGroup
	for k := range keys {
		writers.Add(1)
		go func() {
			defer writers.Done()
			key := fmt.Sprintf("k%d", k)
			r := rand.New(rand.NewPCG(uint64(k), 2))
			for w := range writes {
				switch r.IntN(4) {
				case 0:
					if _, err := e.DeleteObject(ctx, DeleteInput{Bucket: "bkt", Key: key}); err != nil {
						t.Errorf("delete %s: %v", key, err)
						return
					}
					last[k] = state{gone: true}
				case 1:
					d := bytes.Repeat([]byte(fmt.Sprintf("%s single %d ", key, w)), 300)
					e.put(t, "bkt", key, d)
					last[k] = state{data: d, blobs: 1}
				default:
					p1 := bytes.Repeat([]byte(fmt.Sprintf("%s part1 %d ", key, w)), 100)
					p2 := bytes.Repeat([]byte(fmt.Sprintf("%s part2 %d ", key, w)), 150)
					p3 := []byte(fmt.Sprintf("%s tail %d", key, w))
					e.upload(t, key, p1, p2, p3)
					last[k] = state{data: concat(p1, p2, p3), blobs: 3}
				}
			}
		}()
	}
	writers.Wait()
	close(stop)
	wg.Wait()
	var n, want int
	for k, s := range last {
		key := fmt.Sprintf("k%d", k)
		r, err := e.GetObject(ctx, GetInput{Bucket: "bkt", Key: key})
		if s.gone {
			if !errors.Is(err, ErrNoSuchKey) {
				t.Errorf("%s was deleted last; GET: %v", key, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", key, err)
		}
		r.Body.Close()
		if got := e.read(t, "bkt", key); !bytes.Equal(got, s.data) {
			t.Errorf("%s reads %d bytes that are not its last write (%d bytes)", key, len(got), len(s.data))
		}
		want += s.blobs
	}
	n = countIn(t, e.dir) + countIn(t, e.cold)
	if n != want {
		t.Fatalf("the tiers hold %d blobs, the live objects name %d", n, want)
	}
	if moved.Load() == 0 {
		t.Fatal("no transition succeeded: the race was not exercised")
	}
	t.Logf("%d transitions, %d refused as stale", moved.Load(), refused.Load())
}

type slowDelete struct{ blob.Store }

func (s slowDelete) Delete(ctx context.Context, id string) error {
	time.Sleep(20 * time.Millisecond)
	return s.Store.Delete(ctx, id)
}
