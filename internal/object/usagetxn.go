package object

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hoard-s3/hoard/internal/meta"
	"github.com/hoard-s3/hoard/internal/usage"
)

// The usage counters (internal/usage) are kept by the engine the service
// writes through rather than by each operation: usageStore wraps every
// transaction so that each write of a record the counters depend on
// ("o/", "v/", "u/", "p/", see usagerec.go) adds what the new value counts
// and removes what the old one counted, and the sum is stored with the
// transaction's other writes. No path that changes stored data can miss
// the counters, whichever operation, worker or repair it belongs to.

// usageStore is the service's metadata engine with usage counting.
type usageStore struct {
	meta.Store
	depth int
	now   func() time.Time
}

func (u *usageStore) Update(ctx context.Context, fn func(meta.Txn) error) error {
	return u.Store.Update(ctx, func(tx meta.Txn) error {
		t := &usageTxn{Txn: tx, delta: usage.NewDelta(u.depth)}
		err := fn(t)
		t.done = true
		if err != nil {
			return err
		}
		if err := t.resolveParts(ctx); err != nil {
			return err
		}
		return usage.Write(tx, t.delta, u.now())
	})
}

// cached is what a tracked key's value counts in the transaction's own
// view (present false: the key is absent). Keeping the counts rather than
// the value spares copying inline object data.
type cached struct {
	ref     usageRef
	c       usage.Counters
	present bool
}

// usageTxn tracks the values of the tracked keys it reads or writes, so
// that a write usually knows the value it replaces without reading again.
type usageTxn struct {
	meta.Txn
	delta *usage.Delta
	known map[string]cached
	// uploads maps upload ids to their bucket and key: part keys
	// ("p/<id>/…") do not name them, but every path that writes a part
	// reads its upload first.
	uploads map[string]usageRef
	// parts are changes of parts whose upload the transaction had not
	// touched yet when it wrote them; resolveParts counts them.
	parts []pendingPart
	done  bool
}

type pendingPart struct {
	id   string
	c    usage.Counters
	sign int64
}

type usageRef struct{ bucket, key string }

func (t *usageTxn) remember(k []byte, v []byte, present bool) {
	if t.known == nil {
		t.known = map[string]cached{}
	}
	e := cached{present: present}
	if present {
		e.ref, e.c = contributionOf(k, v)
	}
	t.known[string(k)] = e
}

func (t *usageTxn) Get(ctx context.Context, key []byte) ([]byte, error) {
	v, err := t.Txn.Get(ctx, key)
	if tracked(key) && !t.done {
		t.noteUpload(key)
		switch {
		case err == nil:
			t.remember(key, v, true)
		case errors.Is(err, meta.ErrNotFound):
			t.remember(key, nil, false)
		}
	}
	return v, err
}

// Prefetch reads ahead through the engine when it can; the keys' upload
// references are noted on the way.
func (t *usageTxn) Prefetch(ctx context.Context, keys ...[]byte) error {
	for _, k := range keys {
		if tracked(k) {
			t.noteUpload(k)
		}
	}
	return meta.Prefetch(ctx, t.Txn, keys...)
}

func (t *usageTxn) NewIter(ctx context.Context, lower, upper []byte) (meta.Iterator, error) {
	it, err := t.Txn.NewIter(ctx, lower, upper)
	if err != nil {
		return nil, err
	}
	return &usageIter{Iterator: it, t: t}, nil
}

func (t *usageTxn) Set(key, value []byte) error {
	if !tracked(key) {
		return t.Txn.Set(key, value)
	}
	t.noteUpload(key)
	if err := t.change(key, value, true); err != nil {
		return err
	}
	return t.Txn.Set(key, value)
}

func (t *usageTxn) Delete(key []byte) error {
	if !tracked(key) {
		return t.Txn.Delete(key)
	}
	t.noteUpload(key)
	if err := t.change(key, nil, false); err != nil {
		return err
	}
	return t.Txn.Delete(key)
}

// change counts the replacement of key's value by val (or its removal).
func (t *usageTxn) change(key, val []byte, present bool) error {
	old, ok := t.known[string(key)]
	if !ok {
		// Meta.Txn has no context on writes; the read only looks into
		// the transaction's own view.
		v, err := t.Txn.Get(context.Background(), key)
		switch {
		case err == nil:
			old = cached{present: true}
			old.ref, old.c = contributionOf(key, v)
		case !errors.Is(err, meta.ErrNotFound):
			return fmt.Errorf("usage: read %q before writing it: %w", key, err)
		}
	}
	if old.present {
		t.count(key, old, -1)
	}
	t.remember(key, val, present)
	if present {
		t.count(key, t.known[string(key)], 1)
	}
	return nil
}

// count adds (sign 1) or removes (-1) what a value counts. Parts wait
// for resolveParts, which knows their uploads.
func (t *usageTxn) count(key []byte, e cached, sign int64) {
	if key[0] == 'p' {
		id, _, _ := bytes.Cut(key[len(partPrefix):], []byte{'/'})
		t.parts = append(t.parts, pendingPart{id: string(id), c: e.c, sign: sign})
		return
	}
	t.delta.Add(e.ref.bucket, e.ref.key, &e.c, sign)
}

// resolveParts counts the part changes under their upload's bucket and
// key. Every path of the service reads or deletes the upload record in
// the transaction that writes its parts; anything else (a repair) costs a
// scan of the uploads. A part without an upload counts nothing, as in a
// recount.
func (t *usageTxn) resolveParts(ctx context.Context) error {
	for _, p := range t.parts {
		ref, ok := t.uploads[p.id]
		if !ok {
			if err := t.findUpload(ctx, p.id); err != nil {
				return err
			}
			if ref, ok = t.uploads[p.id]; !ok {
				continue
			}
		}
		t.delta.Add(ref.bucket, ref.key, &p.c, p.sign)
	}
	return nil
}

func (t *usageTxn) findUpload(ctx context.Context, id string) error {
	base := []byte(uploadPrefix)
	it, err := t.Txn.NewIter(ctx, base, meta.PrefixEnd(base))
	if err != nil {
		return err
	}
	defer it.Close()
	suffix := append([]byte{0}, id...)
	for ok := it.First(); ok; ok = it.Next() {
		if bytes.HasSuffix(it.Key(), suffix) {
			t.noteUpload(it.Key())
			return nil
		}
	}
	return it.Error()
}

// noteUpload remembers the bucket and key of an upload whose record key
// the transaction touches.
func (t *usageTxn) noteUpload(key []byte) {
	if !bytes.HasPrefix(key, []byte(uploadPrefix)) {
		return
	}
	bucket, rest, ok := bytes.Cut(key[len(uploadPrefix):], []byte{'/'})
	if !ok {
		return
	}
	k, id, ok := bytes.Cut(rest, []byte{0})
	if !ok {
		return
	}
	if t.uploads == nil {
		t.uploads = map[string]usageRef{}
	}
	t.uploads[string(id)] = usageRef{bucket: string(bucket), key: string(k)}
}

// usageIter remembers the tracked values a transaction reads by range, so
// that deleting what it scanned (an upload's parts, a key's versions)
// reads nothing more.
type usageIter struct {
	meta.Iterator
	t *usageTxn
}

// Key notes the uploads a scan passes, for the parts deleted after it.
func (it *usageIter) Key() []byte {
	k := it.Iterator.Key()
	if !it.t.done && len(k) > 1 && k[0] == 'u' && k[1] == '/' {
		it.t.noteUpload(k)
	}
	return k
}

func (it *usageIter) Value() ([]byte, error) {
	v, err := it.Iterator.Value()
	if err == nil && !it.t.done {
		if k := it.Iterator.Key(); tracked(k) {
			it.t.noteUpload(k)
			// An iterator may predate the transaction's own later writes;
			// a key the transaction already knows is known better.
			if _, ok := it.t.known[string(k)]; !ok {
				it.t.remember(k, v, true)
			}
		}
	}
	return v, err
}
