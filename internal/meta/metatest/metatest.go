// Package metatest is the behaviour every meta.Store must have, as tests
// each engine runs against itself.
package metatest

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

// Run runs the suite; open returns an empty store.
func Run(t *testing.T, open func(t *testing.T) meta.Store) {
	for _, tc := range []struct {
		name string
		fn   func(*testing.T, meta.Store)
	}{
		{"CRUD", testCRUD},
		{"IterBounds", testIterBounds},
		{"IterLongRange", testIterLongRange},
		{"TxnSeesOwnWrites", testTxnOwnWrites},
		{"FnErrorWritesNothing", testFnError},
		{"ConcurrentIncrements", testIncrements},
		{"InsertIfAbsentOnce", testInsertOnce},
		{"Prefetch", testPrefetch},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, open(t)) })
	}
}

func put(t *testing.T, s meta.Store, kv ...string) {
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

// scan returns "k=v" for [lower, upper), from seek when non-nil.
func scan(t *testing.T, r meta.Reader, lower, upper, seek []byte) []string {
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

func testCRUD(t *testing.T, s meta.Store) {
	ctx := context.Background()
	if _, err := s.Get(ctx, []byte("a")); !errors.Is(err, meta.ErrNotFound) {
		t.Fatalf("Get missing: %v", err)
	}
	put(t, s, "a", "1", "b", "", "big", string(bytes.Repeat([]byte{0xff}, 128<<10)))
	if v, err := s.Get(ctx, []byte("a")); err != nil || string(v) != "1" {
		t.Fatalf("Get a = %q, %v", v, err)
	}
	if v, err := s.Get(ctx, []byte("b")); err != nil || v == nil || len(v) != 0 {
		t.Fatalf("empty value = %#v, %v", v, err)
	}
	if v, err := s.Get(ctx, []byte("big")); err != nil || len(v) != 128<<10 || v[0] != 0xff {
		t.Fatalf("big value: len %d, %v", len(v), err)
	}
	put(t, s, "a", "2")
	if v, _ := s.Get(ctx, []byte("a")); string(v) != "2" {
		t.Fatalf("overwrite = %q", v)
	}
	if err := s.Update(ctx, func(tx meta.Txn) error { return tx.Delete([]byte("a")) }); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, []byte("a")); !errors.Is(err, meta.ErrNotFound) {
		t.Fatalf("Get deleted: %v", err)
	}
}

func testIterBounds(t *testing.T, s meta.Store) {
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
			var upper, seek []byte
			if !tt.nilUpper {
				upper = []byte(tt.upper)
			}
			if tt.seek != "" {
				seek = []byte(tt.seek)
			}
			if got := scan(t, s, []byte(tt.lower), upper, seek); fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
			// The same inside a transaction that wrote nothing.
			err := s.Update(context.Background(), func(tx meta.Txn) error {
				if got := scan(t, tx, []byte(tt.lower), upper, seek); fmt.Sprint(got) != fmt.Sprint(tt.want) {
					t.Errorf("in txn: got %q, want %q", got, tt.want)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

func key(i int) []byte { return binary.BigEndian.AppendUint32([]byte("k/"), uint32(i)) }

// testIterLongRange walks more keys than an engine may fetch at once, with
// seeks forward inside and past what it holds.
func testIterLongRange(t *testing.T, s meta.Store) {
	const n = 3000
	err := s.Update(context.Background(), func(tx meta.Txn) error {
		for i := 0; i < n; i += 2 {
			if err := tx.Set(key(i), []byte{byte(i)}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	it, err := s.NewIter(context.Background(), []byte("k/"), meta.PrefixEnd([]byte("k/")))
	if err != nil {
		t.Fatal(err)
	}
	defer it.Close()
	count := 0
	for ok := it.First(); ok; ok = it.Next() {
		if want := key(2 * count); !bytes.Equal(it.Key(), want) {
			t.Fatalf("key %d = %x, want %x", count, it.Key(), want)
		}
		count++
	}
	if count != n/2 || it.Error() != nil {
		t.Fatalf("walked %d keys (%v), want %d", count, it.Error(), n/2)
	}
	for _, target := range []int{5, 7, 101, 2997, 1000, 4} {
		if !it.SeekGE(key(target)) || !bytes.Equal(it.Key(), key(target+target%2)) {
			t.Fatalf("SeekGE(%d) = %x", target, it.Key())
		}
	}
	if it.SeekGE(key(n)) {
		t.Fatalf("SeekGE past the end found %x", it.Key())
	}
}

func testTxnOwnWrites(t *testing.T, s meta.Store) {
	put(t, s, "p/1", "a", "p/2", "b", "p/3", "c")
	ctx := context.Background()
	err := s.Update(ctx, func(tx meta.Txn) error {
		if err := tx.Delete([]byte("p/2")); err != nil {
			return err
		}
		if err := tx.Set([]byte("p/1"), []byte("A")); err != nil {
			return err
		}
		if err := tx.Set([]byte("p/25"), []byte("new")); err != nil {
			return err
		}
		if _, err := tx.Get(ctx, []byte("p/2")); !errors.Is(err, meta.ErrNotFound) {
			t.Errorf("deleted key in txn: %v", err)
		}
		if v, err := tx.Get(ctx, []byte("p/1")); err != nil || string(v) != "A" {
			t.Errorf("own write = %q, %v", v, err)
		}
		got := scan(t, tx, []byte("p/"), []byte("p0"), nil)
		if want := "[p/1=A p/25=new p/3=c]"; fmt.Sprint(got) != want {
			t.Errorf("scan in txn = %v, want %s", got, want)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := scan(t, s, []byte("p/"), []byte("p0"), nil); fmt.Sprint(got) != "[p/1=A p/25=new p/3=c]" {
		t.Fatalf("after commit: %v", got)
	}
}

func testFnError(t *testing.T, s meta.Store) {
	boom := errors.New("boom")
	err := s.Update(context.Background(), func(tx meta.Txn) error {
		_ = tx.Set([]byte("x"), []byte("1"))
		return fmt.Errorf("wrapped: %w", boom)
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update = %v, want fn's error", err)
	}
	if _, err := s.Get(context.Background(), []byte("x")); !errors.Is(err, meta.ErrNotFound) {
		t.Fatalf("write of a failed fn is visible: %v", err)
	}
}

// testIncrements: read-modify-write from many goroutines loses no update.
func testIncrements(t *testing.T, s meta.Store) {
	const workers, each = 8, 10
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				errs <- s.Update(ctx, func(tx meta.Txn) error {
					v, err := tx.Get(ctx, []byte("ctr"))
					n := uint64(0)
					switch {
					case err == nil:
						n = binary.BigEndian.Uint64(v)
					case !errors.Is(err, meta.ErrNotFound):
						return err
					}
					return tx.Set([]byte("ctr"), binary.BigEndian.AppendUint64(nil, n+1))
				})
			}
		}()
	}
	wg.Wait()
	close(errs)
	failed := 0
	for err := range errs {
		if err != nil {
			if !errors.Is(err, meta.ErrConflict) {
				t.Fatalf("increment: %v", err)
			}
			failed++
		}
	}
	v, err := s.Get(ctx, []byte("ctr"))
	if err != nil {
		t.Fatal(err)
	}
	if got := binary.BigEndian.Uint64(v); got != uint64(workers*each-failed) {
		t.Fatalf("counter = %d, want %d (%d conflicts surfaced)", got, workers*each-failed, failed)
	}
}

// testInsertOnce: many transactions insert a key only if absent; exactly
// one succeeds.
func testInsertOnce(t *testing.T, s meta.Store) {
	ctx := context.Background()
	errExists := errors.New("exists")
	var wg sync.WaitGroup
	var mu sync.Mutex
	won := 0
	for w := 0; w < 16; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := s.Update(ctx, func(tx meta.Txn) error {
				if _, err := tx.Get(ctx, []byte("once")); err == nil {
					return errExists
				} else if !errors.Is(err, meta.ErrNotFound) {
					return err
				}
				return tx.Set([]byte("once"), []byte{1})
			})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				won++
			case !errors.Is(err, errExists) && !errors.Is(err, meta.ErrConflict):
				t.Errorf("insert: %v", err)
			}
		}()
	}
	wg.Wait()
	if won != 1 {
		t.Fatalf("%d inserts won, want 1", won)
	}
}

// testPrefetch: reads ahead change nothing a transaction sees.
func testPrefetch(t *testing.T, s meta.Store) {
	put(t, s, "a", "1", "d", "4")
	ctx := context.Background()
	err := s.Update(ctx, func(tx meta.Txn) error {
		if err := tx.Set([]byte("b"), []byte("2")); err != nil {
			return err
		}
		if err := tx.Delete([]byte("d")); err != nil {
			return err
		}
		if err := meta.Prefetch(ctx, tx, []byte("a"), []byte("b"), []byte("c"), []byte("d")); err != nil {
			return err
		}
		for k, want := range map[string]string{"a": "1", "b": "2", "c": "", "d": ""} {
			v, err := tx.Get(ctx, []byte(k))
			if want == "" && !errors.Is(err, meta.ErrNotFound) || want != "" && (err != nil || string(v) != want) {
				t.Errorf("Get %s after Prefetch = %q, %v; want %q", k, v, err, want)
			}
		}
		if err := tx.Set([]byte("c"), []byte("3")); err != nil {
			return err
		}
		if v, err := tx.Get(ctx, []byte("c")); err != nil || string(v) != "3" {
			t.Errorf("Get c after Set = %q, %v", v, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
