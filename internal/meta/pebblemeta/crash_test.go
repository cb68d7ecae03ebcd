package pebblemeta

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2/vfs"

	"github.com/hoard-s3/hoard/internal/meta"
)

// TestCrashKeepsAcknowledged simulates a power loss while 16 writers commit:
// the filesystem is cloned keeping only synced data (plus, in some rounds, a
// random part of the unsynced data), and the clone is reopened. Every Update
// that returned nil before the crash must be there, and each transaction's
// two keys must be both present or both absent.
func TestCrashKeepsAcknowledged(t *testing.T) {
	for round, unsynced := range []int{0, 0, 50, 50, 100} {
		t.Run(fmt.Sprintf("round%d-unsynced%d", round, unsynced), func(t *testing.T) {
			crashRound(t, int64(round), unsynced)
		})
	}
}

func crashRound(t *testing.T, seed int64, unsyncedPercent int) {
	ctx := context.Background()
	fs := vfs.NewCrashableMem()
	s, err := OpenWith("db", Options{FS: fs, MemTableSize: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu    sync.Mutex
		acked []string
		stop  = make(chan struct{})
		wg    sync.WaitGroup
	)
	for w := range 16 {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				id := fmt.Sprintf("w%02d-%06d", w, i)
				err := s.Update(ctx, func(tx meta.Txn) error {
					if err := tx.Set([]byte("a/"+id), []byte(id)); err != nil {
						return err
					}
					return tx.Set([]byte("b/"+id), []byte(id))
				})
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				acked = append(acked, id)
				mu.Unlock()
			}
		})
	}
	time.Sleep(150 * time.Millisecond)
	// Snapshot the acknowledgements first: each of them returned before the
	// clone below, so each must survive it.
	mu.Lock()
	mustHave := append([]string(nil), acked...)
	mu.Unlock()
	crashed := fs.CrashClone(vfs.CrashCloneCfg{UnsyncedDataPercent: unsyncedPercent, RNG: rand.New(rand.NewPCG(uint64(seed), 1))})
	close(stop)
	wg.Wait()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if len(mustHave) == 0 {
		t.Fatal("no Update was acknowledged before the crash")
	}

	s, err = OpenWith("db", Options{FS: crashed})
	if err != nil {
		t.Fatalf("reopen after crash: %v", err)
	}
	defer s.Close()
	for _, id := range mustHave {
		if _, err := s.Get(ctx, []byte("a/"+id)); err != nil {
			t.Fatalf("acknowledged %s lost: %v", id, err)
		}
	}
	a := keysUnder(t, s, "a/")
	b := keysUnder(t, s, "b/")
	if fmt.Sprint(a) != fmt.Sprint(b) {
		t.Fatalf("partial transaction visible: %d a/ keys, %d b/ keys", len(a), len(b))
	}
	t.Logf("%d acknowledged before the crash, %d present after", len(mustHave), len(a))
}

func keysUnder(t *testing.T, s *Store, prefix string) []string {
	t.Helper()
	var out []string
	for _, kv := range scan(t, s, []byte(prefix), meta.PrefixEnd([]byte(prefix)), nil) {
		out = append(out, kv[len(prefix):])
	}
	return out
}
