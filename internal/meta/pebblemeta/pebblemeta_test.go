package pebblemeta

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/hoard-s3/hoard/internal/meta"
)

func openTest(t testing.TB) *Store {
	t.Helper()
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func put(t testing.TB, s *Store, kv ...string) {
	t.Helper()
	err := s.Update(context.Background(), func(tx meta.Txn) error {
		for i := 0; i+1 < len(kv); i += 2 {
			if err := tx.Set([]byte(kv[i]), []byte(kv[i+1])); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// scan returns "k=v" for every key in [lower, upper), starting at seek when
// it is non-nil.
func scan(t testing.TB, r meta.Reader, lower, upper, seek []byte) []string {
	t.Helper()
	it, err := r.NewIter(context.Background(), lower, upper)
	if err != nil {
		t.Fatal(err)
	}
	defer it.Close()
	var out []string
	ok := it.First()
	if seek != nil {
		ok = it.SeekGE(seek)
	}
	for ; ok; ok = it.Next() {
		v, err := it.Value()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, string(it.Key())+"="+string(v))
	}
	if err := it.Error(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestCRUD(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	if _, err := s.Get(ctx, []byte("a")); !errors.Is(err, meta.ErrNotFound) {
		t.Fatalf("Get missing: %v", err)
	}
	put(t, s, "a", "1", "b", "", "big", string(bytes.Repeat([]byte{0xff}, 128<<10)))
	v, err := s.Get(ctx, []byte("a"))
	if err != nil || string(v) != "1" {
		t.Fatalf("Get a = %q, %v", v, err)
	}
	v[0] = 'x' // a copy: must not change what is stored
	if v, _ := s.Get(ctx, []byte("a")); string(v) != "1" {
		t.Fatalf("Get after caller mutation = %q", v)
	}
	if v, err := s.Get(ctx, []byte("b")); err != nil || v == nil || len(v) != 0 {
		t.Fatalf("empty value = %#v, %v", v, err)
	}
	if v, err := s.Get(ctx, []byte("big")); err != nil || len(v) != 128<<10 {
		t.Fatalf("big value: len %d, %v", len(v), err)
	}
	put(t, s, "a", "2")
	if v, _ := s.Get(ctx, []byte("a")); string(v) != "2" {
		t.Fatalf("overwrite = %q", v)
	}
	err = s.Update(ctx, func(tx meta.Txn) error { return tx.Delete([]byte("a")) })
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, []byte("a")); !errors.Is(err, meta.ErrNotFound) {
		t.Fatalf("Get deleted: %v", err)
	}
}

func TestIterOrderAndBounds(t *testing.T) {
	s := openTest(t)
	put(t, s, "b", "2", "a/2", "y", "a", "0", "a/1", "x", "c\x00", "n", "c", "3", "\xff\xff", "ff")
	tests := []struct {
		name               string
		lower, upper, seek string
		nilUpper           bool
		want               []string
	}{
		{name: "all", nilUpper: true, want: []string{"a=0", "a/1=x", "a/2=y", "b=2", "c=3", "c\x00=n", "\xff\xff=ff"}},
		{name: "prefix", lower: "a/", upper: string(meta.PrefixEnd([]byte("a/"))), want: []string{"a/1=x", "a/2=y"}},
		{name: "upper exclusive", lower: "a", upper: "b", want: []string{"a=0", "a/1=x", "a/2=y"}},
		{name: "seek inside", lower: "a", nilUpper: true, seek: "a/2", want: []string{"a/2=y", "b=2", "c=3", "c\x00=n", "\xff\xff=ff"}},
		{name: "seek between keys", lower: "a", upper: "c", seek: "a/3", want: []string{"b=2"}},
		{name: "seek below lower clamps", lower: "b", upper: "d", seek: "a", want: []string{"b=2", "c=3", "c\x00=n"}},
		{name: "seek past upper", lower: "a", upper: "b", seek: "z"},
		{name: "inverted bounds", lower: "c", upper: "a"},
		{name: "equal bounds", lower: "b", upper: "b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var upper []byte
			if !tt.nilUpper {
				upper = []byte(tt.upper)
			}
			var seek []byte
			if tt.seek != "" {
				seek = []byte(tt.seek)
			}
			got := scan(t, s, []byte(tt.lower), upper, seek)
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestIterBoundsCopied(t *testing.T) {
	s := openTest(t)
	put(t, s, "a", "1", "b", "2", "c", "3")
	lower, upper := []byte("a"), []byte("c")
	it, err := s.NewIter(context.Background(), lower, upper)
	if err != nil {
		t.Fatal(err)
	}
	defer it.Close()
	lower[0], upper[0] = 'z', 'z' // caller reuses its buffers
	var n int
	for ok := it.First(); ok; ok = it.Next() {
		n++
	}
	if n != 2 {
		t.Fatalf("saw %d keys, want 2", n)
	}
}

func TestReadYourWrites(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	put(t, s, "k/1", "old", "k/2", "gone")
	err := s.Update(ctx, func(tx meta.Txn) error {
		if err := tx.Set([]byte("k/1"), []byte("new")); err != nil {
			return err
		}
		if err := tx.Set([]byte("k/3"), []byte("added")); err != nil {
			return err
		}
		if err := tx.Delete([]byte("k/2")); err != nil {
			return err
		}
		if v, err := tx.Get(ctx, []byte("k/1")); err != nil || string(v) != "new" {
			return fmt.Errorf("txn Get k/1 = %q, %v", v, err)
		}
		if _, err := tx.Get(ctx, []byte("k/2")); !errors.Is(err, meta.ErrNotFound) {
			return fmt.Errorf("txn Get deleted k/2: %v", err)
		}
		got := scan(t, tx, []byte("k/"), []byte("k0"), nil)
		if want := []string{"k/1=new", "k/3=added"}; fmt.Sprint(got) != fmt.Sprint(want) {
			return fmt.Errorf("txn scan = %q, want %q", got, want)
		}
		// Outside the transaction nothing has changed yet.
		if v, _ := s.Get(ctx, []byte("k/1")); string(v) != "old" {
			return fmt.Errorf("store Get during txn = %q", v)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	got := scan(t, s, []byte("k/"), []byte("k0"), nil)
	if want := []string{"k/1=new", "k/3=added"}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("after commit = %q, want %q", got, want)
	}
}

func TestRollbackOnError(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	put(t, s, "a", "1")
	boom := errors.New("boom")
	err := s.Update(ctx, func(tx meta.Txn) error {
		_ = tx.Set([]byte("a"), []byte("2"))
		_ = tx.Set([]byte("b"), []byte("2"))
		return boom
	})
	if err != boom {
		t.Fatalf("Update returned %v, want the fn's error unchanged", err)
	}
	if got := scan(t, s, nil, nil, nil); fmt.Sprint(got) != "[a=1]" {
		t.Fatalf("state after rollback = %q", got)
	}
}

func TestContextCanceled(t *testing.T) {
	s := openTest(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	called := false
	err := s.Update(ctx, func(meta.Txn) error { called = true; return nil })
	if !errors.Is(err, context.Canceled) || called {
		t.Fatalf("Update on canceled ctx: err %v, fn called %v", err, called)
	}
	// Canceled while fn runs: nothing is committed.
	ctx, cancel = context.WithCancel(context.Background())
	err = s.Update(ctx, func(tx meta.Txn) error {
		cancel()
		return tx.Set([]byte("a"), []byte("1"))
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Update canceled during fn: %v", err)
	}
	if _, err := s.Get(context.Background(), []byte("a")); !errors.Is(err, meta.ErrNotFound) {
		t.Fatalf("write of a canceled txn is visible: %v", err)
	}
}

func TestTxnUnusableAfterFn(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	var kept meta.Txn
	var keptIter meta.Iterator
	err := s.Update(ctx, func(tx meta.Txn) error {
		kept = tx
		var err error
		keptIter, err = tx.NewIter(ctx, nil, nil) // left open on purpose
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := kept.Set([]byte("a"), []byte("1")); err == nil {
		t.Fatal("Set after the transaction finished succeeded")
	}
	if keptIter.First() {
		t.Fatal("iterator left open by fn still works")
	}
}

func TestConcurrentIncrement(t *testing.T) {
	const workers, each = 64, 20
	ctx := context.Background()
	s := openTest(t)
	key := []byte("counter")
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for range workers {
		wg.Go(func() {
			for range each {
				err := s.Update(ctx, func(tx meta.Txn) error {
					var n uint64
					v, err := tx.Get(ctx, key)
					switch {
					case err == nil:
						n = binary.BigEndian.Uint64(v)
					case !errors.Is(err, meta.ErrNotFound):
						return err
					}
					return tx.Set(key, binary.BigEndian.AppendUint64(nil, n+1))
				})
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	v, err := s.Get(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	if n := binary.BigEndian.Uint64(v); n != workers*each {
		t.Fatalf("counter = %d, want %d", n, workers*each)
	}
}

func TestReopen(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	put(t, s, "a", "1", "b", "2")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, []byte("a")); !errors.Is(err, ErrClosed) {
		t.Fatalf("Get after Close: %v", err)
	}
	if err := s.Update(ctx, func(meta.Txn) error { return nil }); !errors.Is(err, ErrClosed) {
		t.Fatalf("Update after Close: %v", err)
	}
	s, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := scan(t, s, nil, nil, nil); fmt.Sprint(got) != "[a=1 b=2]" {
		t.Fatalf("after reopen = %q", got)
	}
}

// TestReadOnlyUpdates runs read-only transactions alongside writers; they
// take the path that waits for in-flight fsyncs instead of committing.
func TestReadOnlyUpdates(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := range 50 {
				key := fmt.Appendf(nil, "k/%d/%d", w, i)
				err := s.Update(ctx, func(tx meta.Txn) error {
					if w%2 == 0 {
						return tx.Set(key, []byte("v"))
					}
					_, err := tx.Get(ctx, []byte("k/0/0"))
					if errors.Is(err, meta.ErrNotFound) {
						err = nil
					}
					return err
				})
				if err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if got := scan(t, s, []byte("k/"), []byte("k0"), nil); len(got) != 4*50 {
		t.Fatalf("%d keys, want %d", len(got), 4*50)
	}
}
