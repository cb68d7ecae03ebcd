package pebblemeta

import (
	"bytes"
	"fmt"

	"github.com/cockroachdb/pebble/v2"

	"github.com/hoard-s3/hoard/internal/meta"
)

// iterSource is a DB or an indexed batch.
type iterSource interface {
	NewIter(*pebble.IterOptions) (*pebble.Iterator, error)
}

// newIter opens a bounded iterator. The bounds are copied because Pebble
// keeps referring to them while the iterator lives and the caller may reuse
// its buffers.
func newIter(src iterSource, lower, upper []byte) (meta.Iterator, error) {
	if upper != nil && bytes.Compare(lower, upper) >= 0 {
		return emptyIter{}, nil // Pebble rejects inverted bounds
	}
	opts := &pebble.IterOptions{LowerBound: bytes.Clone(lower), UpperBound: bytes.Clone(upper)}
	if len(lower) == 0 {
		opts.LowerBound = nil
	}
	it, err := src.NewIter(opts)
	if err != nil {
		return nil, fmt.Errorf("pebblemeta: new iterator: %w", err)
	}
	return &iter{it: it}, nil
}

// iter adapts a Pebble iterator. Key and Value return Pebble's own slices,
// valid until the next positioning call, as meta.Iterator documents.
type iter struct {
	it *pebble.Iterator
}

func (i *iter) First() bool {
	return i.it != nil && i.it.First()
}

// SeekGE clamps key to the bounds (Pebble does this itself).
func (i *iter) SeekGE(key []byte) bool {
	return i.it != nil && i.it.SeekGE(key)
}

func (i *iter) Next() bool  { return i.it != nil && i.it.Next() }
func (i *iter) Valid() bool { return i.it != nil && i.it.Valid() }

func (i *iter) Key() []byte {
	if !i.Valid() {
		return nil
	}
	return i.it.Key()
}

func (i *iter) Value() ([]byte, error) {
	if !i.Valid() {
		return nil, fmt.Errorf("pebblemeta: value of an unpositioned iterator")
	}
	v, err := i.it.ValueAndErr()
	if err != nil {
		return nil, fmt.Errorf("pebblemeta: value: %w", err)
	}
	return v, nil
}

func (i *iter) Error() error {
	if i.it == nil {
		return nil
	}
	return i.it.Error()
}

// Close is idempotent: a transaction closes iterators its fn left open.
func (i *iter) Close() error {
	if i.it == nil {
		return nil
	}
	err := i.it.Close()
	i.it = nil
	return err
}

// emptyIter serves an empty key range.
type emptyIter struct{}

func (emptyIter) First() bool        { return false }
func (emptyIter) SeekGE([]byte) bool { return false }
func (emptyIter) Next() bool         { return false }
func (emptyIter) Valid() bool        { return false }
func (emptyIter) Key() []byte        { return nil }
func (emptyIter) Value() ([]byte, error) {
	return nil, fmt.Errorf("pebblemeta: value of an empty iterator")
}
func (emptyIter) Error() error { return nil }
func (emptyIter) Close() error { return nil }
