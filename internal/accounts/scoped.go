package accounts

import (
	"bytes"
	"context"

	"github.com/hoard-s3/hoard/internal/meta"
)

// scoped is an account's view of the metadata store: every key is stored
// under the account's prefix, so the identity and key services run
// unchanged inside it and cannot see another account's records.
//
// Access key ids and session ids are global (a request names only its
// access key), so writes of "iam/key/…" and "iam/sess/…" records also
// maintain the index pAccessKey → account, in the same transaction.
type scoped struct {
	base   meta.Store
	prefix []byte
	acct   string
}

var _ meta.Store = (*scoped)(nil)

// indexed are the identity service's record prefixes keyed by access key.
var indexed = []string{"iam/key/", "iam/sess/"}

func newScoped(base meta.Store, acct string) *scoped {
	return &scoped{base: base, prefix: []byte(dataPrefix(acct)), acct: acct}
}

func (s *scoped) full(k []byte) []byte {
	out := make([]byte, 0, len(s.prefix)+len(k))
	return append(append(out, s.prefix...), k...)
}

func (s *scoped) Get(ctx context.Context, k []byte) ([]byte, error) {
	return s.base.Get(ctx, s.full(k))
}

func (s *scoped) NewIter(ctx context.Context, lower, upper []byte) (meta.Iterator, error) {
	return scopedIter(ctx, s.base, s.prefix, lower, upper)
}

func (s *scoped) Update(ctx context.Context, fn func(meta.Txn) error) error {
	return s.base.Update(ctx, func(tx meta.Txn) error {
		return fn(&scopedTxn{tx: tx, s: s})
	})
}

// Close does nothing: the base store belongs to the server.
func (s *scoped) Close() error { return nil }

func scopedIter(ctx context.Context, r meta.Reader, prefix, lower, upper []byte) (meta.Iterator, error) {
	lo := append(append([]byte(nil), prefix...), lower...)
	var hi []byte
	if upper == nil {
		hi = meta.PrefixEnd(prefix)
	} else {
		hi = append(append([]byte(nil), prefix...), upper...)
	}
	it, err := r.NewIter(ctx, lo, hi)
	if err != nil {
		return nil, err
	}
	return &prefixIter{Iterator: it, prefix: prefix}, nil
}

type scopedTxn struct {
	tx meta.Txn
	s  *scoped
}

func (t *scopedTxn) Get(ctx context.Context, k []byte) ([]byte, error) {
	return t.tx.Get(ctx, t.s.full(k))
}

func (t *scopedTxn) NewIter(ctx context.Context, lower, upper []byte) (meta.Iterator, error) {
	return scopedIter(ctx, t.tx, t.s.prefix, lower, upper)
}

func (t *scopedTxn) Set(k, v []byte) error {
	if id, ok := indexedID(k); ok {
		if err := t.tx.Set([]byte(pAccessKey+id), []byte(t.s.acct)); err != nil {
			return err
		}
	}
	return t.tx.Set(t.s.full(k), v)
}

func (t *scopedTxn) Delete(k []byte) error {
	if id, ok := indexedID(k); ok {
		if err := t.tx.Delete([]byte(pAccessKey + id)); err != nil {
			return err
		}
	}
	return t.tx.Delete(t.s.full(k))
}

// indexedID returns the access key id of an access key or session record.
func indexedID(k []byte) (string, bool) {
	for _, p := range indexed {
		if id, ok := bytes.CutPrefix(k, []byte(p)); ok && len(id) > 0 && bytes.IndexByte(id, '/') < 0 {
			return string(id), true
		}
	}
	return "", false
}

// prefixIter strips the account prefix from the keys it yields and adds
// it to the keys it seeks.
type prefixIter struct {
	meta.Iterator
	prefix []byte
}

func (it *prefixIter) Key() []byte { return it.Iterator.Key()[len(it.prefix):] }

func (it *prefixIter) SeekGE(k []byte) bool {
	return it.Iterator.SeekGE(append(append([]byte(nil), it.prefix...), k...))
}
