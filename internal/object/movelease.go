package object

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/hoard-s3/hoard/internal/meta"
)

// A move lease lets one data move (a transition, or the completion of a
// restore) at a time work on a key:
//
//	x/<bucket>/<key>    the holder's 8-byte token, then the Unix
//	                    nanoseconds when the lease runs out
//
// Parts of multipart objects keep their ids when they change tier, so
// without it a move back could write the very blob a move that just
// committed is about to delete as its freed source: the object would
// then name a removed blob. With it, the second move starts only once
// the first has removed its source. The lease lives in the metadata so
// that gateways sharing a database exclude each other too; one left by a
// crash runs out after moveLease.
const moveLeasePfx = "x/"

// moveLease is how long a lease lasts without renewal; the holder renews
// it every third of that while it copies, so a move of any length keeps
// it, and one that a crash interrupted holds its key for at most this
// long.
const moveLease = 10 * time.Second

// ErrMoveInProgress is a move refused because another one holds the key.
var ErrMoveInProgress = errors.New("another transition of this object is in progress")

func moveLeaseKey(bucket, key string) []byte { return []byte(moveLeasePfx + bucket + "/" + key) }

// leaseValue is the holder's random token and the expiry.
func leaseValue(token []byte, until time.Time) []byte {
	return binary.BigEndian.AppendUint64(append([]byte(nil), token...), uint64(until.UnixNano()))
}

// claimMove takes the key's move lease and keeps it renewed until
// release, which gives it back.
func (s *Service) claimMove(ctx context.Context, bucket, key string) (release func(), err error) {
	lk := moveLeaseKey(bucket, key)
	token := make([]byte, 8)
	rand.Read(token)
	err = s.meta.Update(ctx, func(tx meta.Txn) error {
		now := s.cfg.Now()
		v, err := tx.Get(ctx, lk)
		switch {
		case errors.Is(err, meta.ErrNotFound):
		case err != nil:
			return err
		case len(v) == 16 && int64(binary.BigEndian.Uint64(v[8:])) > now.UnixNano():
			return ErrMoveInProgress
		}
		return tx.Set(lk, leaseValue(token, now.Add(moveLease)))
	})
	if err != nil {
		return nil, fmt.Errorf("move %s/%s: %w", bucket, key, err)
	}
	stop := make(chan struct{})
	done := make(chan struct{})
	bg := context.WithoutCancel(ctx)
	// ours runs f in a commit if the lease is still this move's.
	ours := func(f func(tx meta.Txn) error) error {
		return s.meta.Update(bg, func(tx meta.Txn) error {
			v, err := tx.Get(bg, lk)
			if err != nil || len(v) != 16 || !bytes.Equal(v[:8], token) {
				return err
			}
			return f(tx)
		})
	}
	go func() {
		defer close(done)
		t := time.NewTicker(moveLease / 3)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				err := ours(func(tx meta.Txn) error { return tx.Set(lk, leaseValue(token, s.cfg.Now().Add(moveLease))) })
				if err != nil {
					s.log().Warn("renewing a move lease", "bucket", bucket, "key", key, "err", err)
				}
			}
		}
	}()
	return func() {
		close(stop)
		<-done
		if err := ours(func(tx meta.Txn) error { return tx.Delete(lk) }); err != nil {
			s.log().Warn("releasing a move lease; it runs out by itself", "bucket", bucket, "key", key, "err", err)
		}
	}, nil
}
