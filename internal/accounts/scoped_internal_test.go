package accounts

import (
	"context"
	"errors"
	"testing"

	"github.com/hoard-s3/hoard/internal/meta"
	"github.com/hoard-s3/hoard/internal/meta/pebblemeta"
)

// The scoped view keeps an account inside its prefix and keeps the access
// key index in step with the records it writes.
func TestScopedStore(t *testing.T) {
	ctx := context.Background()
	base, err := pebblemeta.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer base.Close()
	a, b := newScoped(base, "111111111111"), newScoped(base, "222222222222")
	err = base.Update(ctx, func(tx meta.Txn) error { return tx.Set([]byte("iam/user/root-level"), []byte("op")) })
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []*scoped{a, b} {
		err := s.Update(ctx, func(tx meta.Txn) error {
			for _, k := range []string{"iam/user/alice", "iam/user/bob", "iam/key/AKIA" + s.acct, "kms/key/k1"} {
				if err := tx.Set([]byte(k), []byte(s.acct)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	keys := func(s *scoped, lower, upper string) []string {
		var up []byte
		if upper != "" {
			up = []byte(upper)
		}
		it, err := s.NewIter(ctx, []byte(lower), up)
		if err != nil {
			t.Fatal(err)
		}
		defer it.Close()
		var out []string
		for ok := it.First(); ok; ok = it.Next() {
			v, _ := it.Value()
			if string(v) != s.acct {
				t.Errorf("%s sees %s's record %s", s.acct, v, it.Key())
			}
			out = append(out, string(it.Key()))
		}
		return out
	}
	if got := keys(a, "iam/user/", "iam/user0"); len(got) != 2 || got[0] != "iam/user/alice" || got[1] != "iam/user/bob" {
		t.Errorf("a's users: %v", got)
	}
	if got := keys(b, "", ""); len(got) != 4 {
		t.Errorf("b's whole view: %v", got)
	}
	it, _ := a.NewIter(ctx, []byte("iam/"), nil)
	if !it.SeekGE([]byte("iam/user/b")) || string(it.Key()) != "iam/user/bob" {
		t.Errorf("SeekGE: %q", it.Key())
	}
	it.Close()
	if _, err := a.Get(ctx, []byte("iam/user/root-level")); !errors.Is(err, meta.ErrNotFound) {
		t.Errorf("a reads the operator's record: %v", err)
	}
	// The index names each key's account, and goes with the record.
	if v, err := base.Get(ctx, []byte(pAccessKey+"AKIA222222222222")); err != nil || string(v) != "222222222222" {
		t.Errorf("index of b's key: %q, %v", v, err)
	}
	if err := a.Update(ctx, func(tx meta.Txn) error { return tx.Delete([]byte("iam/key/AKIA111111111111")) }); err != nil {
		t.Fatal(err)
	}
	if _, err := base.Get(ctx, []byte(pAccessKey+"AKIA111111111111")); !errors.Is(err, meta.ErrNotFound) {
		t.Errorf("index of a deleted key: %v", err)
	}
}
