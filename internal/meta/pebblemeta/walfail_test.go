package pebblemeta

import (
	"context"
	"errors"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/cockroachdb/pebble/v2/vfs/errorfs"

	"github.com/hoard-s3/hoard/internal/meta"
)

// A commit whose log write fails (a full disk) reports ErrWALFailed to
// the caller and to OnWALFailure, which by default stops the process.
func TestWALFailureStops(t *testing.T) {
	enospc := errorfs.InjectorFunc(func(op errorfs.Op) error {
		if op.Kind.ReadOrWrite() == errorfs.OpIsWrite && len(op.Path) > 4 && op.Path[len(op.Path)-4:] == ".log" {
			return syscall.ENOSPC
		}
		return nil
	})
	toggle := &errorfs.Toggle{Injector: enospc}
	var failures atomic.Int32
	s, err := OpenWith("db", Options{FS: errorfs.Wrap(vfs.NewMem(), toggle), OnWALFailure: func(error) { failures.Add(1) }})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		toggle.Off()
		s.Close()
	}()
	ctx := context.Background()
	set := func(k string) error {
		return s.Update(ctx, func(tx meta.Txn) error { return tx.Set([]byte(k), []byte("v")) })
	}
	if err := set("before"); err != nil {
		t.Fatal(err)
	}
	toggle.On()
	err = set("during")
	if !errors.Is(err, ErrWALFailed) || !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("commit with a failing log: %v", err)
	}
	if failures.Load() == 0 {
		t.Fatal("OnWALFailure not called")
	}
}
