package pgmeta

import (
	"bytes"
	"slices"
)

// entry is a buffered write: a value, or a deletion.
type entry struct {
	key     []byte
	value   []byte
	deleted bool
}

// overlay holds a transaction's writes until commit, the last write to a
// key winning.
type overlay struct {
	m map[string]*entry
}

func newOverlay() *overlay { return &overlay{m: map[string]*entry{}} }

func (o *overlay) get(key []byte) (*entry, bool) {
	e, ok := o.m[string(key)]
	return e, ok
}

// set and del copy key and value: callers may reuse their buffers.
func (o *overlay) set(key, value []byte) {
	v := append([]byte{}, value...)
	o.m[string(key)] = &entry{key: clone(key), value: v}
}

func (o *overlay) del(key []byte) {
	o.m[string(key)] = &entry{key: clone(key), deleted: true}
}

// snapshot returns the writes in [lower, upper) in key order, as they are
// now: like an iterator over an indexed Pebble batch, an iterator does not
// see writes made after it was opened.
func (o *overlay) snapshot(lower, upper []byte) []entry {
	var out []entry
	for _, e := range o.m {
		if bytes.Compare(e.key, lower) >= 0 && (upper == nil || bytes.Compare(e.key, upper) < 0) {
			out = append(out, *e)
		}
	}
	slices.SortFunc(out, func(a, b entry) int { return bytes.Compare(a.key, b.key) })
	return out
}

// split returns the keys and values to upsert and the keys to delete.
func (o *overlay) split() (sets, vals, dels [][]byte) {
	for _, e := range o.m {
		if e.deleted {
			dels = append(dels, e.key)
			continue
		}
		sets = append(sets, e.key)
		vals = append(vals, e.value)
	}
	return sets, vals, dels
}
