package pebblemeta

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/cockroachdb/pebble/v2/vfs/errorfs"

	"github.com/hoard-s3/hoard/internal/meta"
)

// noSpaceForTables fails every write of a table file, as a full disk does
// once the log is written.
var noSpaceForTables = errorfs.InjectorFunc(func(op errorfs.Op) error {
	if op.Kind.ReadOrWrite() == errorfs.OpIsWrite && strings.HasSuffix(op.Path, ".sst") {
		return syscall.ENOSPC
	}
	return nil
})

func fillValues(t *testing.T, s *Store, n int) {
	t.Helper()
	ctx := context.Background()
	val := []byte(strings.Repeat("v", 1000))
	for i := range n {
		err := s.Update(ctx, func(tx meta.Txn) error { return tx.Set([]byte(fmt.Sprintf("k%06d", i)), val) })
		if err != nil {
			t.Fatalf("set %d: %v", i, err)
		}
	}
}

// Reopening a store whose log must be flushed, with no space for the
// flush, fails at once with the disk's error instead of retrying the flush
// for ever inside Open.
func TestOpenFailsOnBackgroundError(t *testing.T) {
	mem := vfs.NewMem()
	opts := Options{FS: mem, MemTableSize: 256 << 10}
	s, err := OpenWith("db", opts)
	if err != nil {
		t.Fatal(err)
	}
	fillValues(t, s, 1000) // several memtables' worth, some still in the log
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	opts.FS = errorfs.Wrap(mem, noSpaceForTables)
	done := make(chan error, 1)
	go func() {
		s, err := OpenWith("db", opts)
		if err == nil {
			s.Close()
		}
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, ErrBackgroundFailed) || !errors.Is(err, syscall.ENOSPC) {
			t.Fatalf("open with no space for tables: %v; want ErrBackgroundFailed and ENOSPC", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("open still retrying its flush after 20 s")
	}
}

// A flush that fails while the store runs is reported once to
// OnBackgroundFailure, and the store refuses every call from then on.
func TestBackgroundFailureStops(t *testing.T) {
	toggle := &errorfs.Toggle{Injector: noSpaceForTables}
	failures := make(chan error, 10)
	s, err := OpenWith("db", Options{FS: errorfs.Wrap(vfs.NewMem(), toggle), MemTableSize: 256 << 10,
		OnBackgroundFailure: func(err error) { failures <- err }})
	if err != nil {
		t.Fatal(err)
	}
	toggle.On()
	ctx := context.Background()
	val := []byte(strings.Repeat("v", 1000))
	var failure error
	for i := 0; failure == nil; i++ {
		select {
		case failure = <-failures:
		default:
			if i > 100000 {
				t.Fatal("no background failure after 100,000 writes with no space for tables")
			}
			s.Update(ctx, func(tx meta.Txn) error { return tx.Set([]byte(fmt.Sprintf("k%06d", i)), val) })
		}
	}
	if !errors.Is(failure, ErrBackgroundFailed) || !errors.Is(failure, syscall.ENOSPC) {
		t.Fatalf("failure %v; want ErrBackgroundFailed and ENOSPC", failure)
	}
	if _, err := s.Get(ctx, []byte("k000000")); !errors.Is(err, ErrBackgroundFailed) {
		t.Fatalf("get after the failure: %v", err)
	}
	if err := s.Close(); !errors.Is(err, ErrBackgroundFailed) {
		t.Fatalf("close after the failure: %v", err)
	}
	select {
	case err := <-failures:
		t.Fatalf("second failure report: %v", err)
	case <-time.After(100 * time.Millisecond):
	}
}
