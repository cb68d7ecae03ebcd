package pebblemeta

import (
	"context"

	"github.com/cockroachdb/pebble/v2"

	"github.com/hoard-s3/hoard/internal/meta"
)

// Snapshot implements meta.Snapshotter with a Pebble snapshot, which
// pins the sequence number so long scans see one committed state.
func (s *Store) Snapshot(ctx context.Context) (meta.Snapshot, error) {
	if err := s.enter(ctx); err != nil {
		return nil, err
	}
	defer s.life.RUnlock()
	return &snapshot{s: s, snap: s.db.NewSnapshot()}, nil
}

type snapshot struct {
	s    *Store
	snap *pebble.Snapshot
}

func (n *snapshot) Get(ctx context.Context, key []byte) ([]byte, error) {
	if err := n.s.enter(ctx); err != nil {
		return nil, err
	}
	defer n.s.life.RUnlock()
	return get(n.snap, key)
}

func (n *snapshot) NewIter(ctx context.Context, lower, upper []byte) (meta.Iterator, error) {
	if err := n.s.enter(ctx); err != nil {
		return nil, err
	}
	defer n.s.life.RUnlock()
	return newIter(n.snap, lower, upper)
}

func (n *snapshot) Close() error { return n.snap.Close() }
