package object

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/hoard-s3/hoard/internal/meta"
)

// A move lease lets one data move (a transition, or the completion of a
// restore) at a time work on a key:
//
//	x/<bucket>/<key>    Unix nanoseconds when the lease runs out
//
// Parts of multipart objects keep their ids when they change tier, so
// without it a move back could write the very blob a move that just
// committed is about to delete as its freed source: the object would
// then name a removed blob. With it, the second move starts only once
// the first has removed its source. The lease lives in the metadata so
// that gateways sharing a database exclude each other too; one left by a
// crash runs out after moveLease.
const moveLeasePfx = "x/"

// moveLease bounds a move: long enough to copy large objects to a remote
// tier, short enough that a crash delays the next move only briefly.
const moveLease = 2 * time.Minute

// ErrMoveInProgress is a move refused because another one holds the key.
var ErrMoveInProgress = errors.New("another transition of this object is in progress")

func moveLeaseKey(bucket, key string) []byte { return []byte(moveLeasePfx + bucket + "/" + key) }

// claimMove takes the key's move lease; release gives it back.
func (s *Service) claimMove(ctx context.Context, bucket, key string) (release func(), err error) {
	lk := moveLeaseKey(bucket, key)
	err = s.meta.Update(ctx, func(tx meta.Txn) error {
		now := s.cfg.Now()
		v, err := tx.Get(ctx, lk)
		switch {
		case errors.Is(err, meta.ErrNotFound):
		case err != nil:
			return err
		case len(v) == 8 && int64(binary.BigEndian.Uint64(v)) > now.UnixNano():
			return ErrMoveInProgress
		}
		return tx.Set(lk, binary.BigEndian.AppendUint64(nil, uint64(now.Add(moveLease).UnixNano())))
	})
	if err != nil {
		return nil, fmt.Errorf("move %s/%s: %w", bucket, key, err)
	}
	return func() {
		err := s.meta.Update(context.WithoutCancel(ctx), func(tx meta.Txn) error { return tx.Delete(lk) })
		if err != nil {
			s.log().Warn("releasing a move lease; it runs out by itself", "bucket", bucket, "key", key, "err", err)
		}
	}, nil
}
