package object

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/hoard-s3/hoard/internal/meta"
)

// The orphan collector decides from the metadata alone, so gateways that
// share a data directory can all run it, and none removes a file another
// is still about to commit. A data file is an orphan when no reverse-index
// entry ("r/<id>") names it. The first pass that finds one records when
// it did, under "g/<id>" (orphanKey); a later pass, by any gateway, removes
// the file only when the record is older than OrphanGrace and the file is
// still unreferenced, and marks it doomed in the same transaction first.
// A writer's metadata commit claims its data file (claimBlob): it deletes
// a first-seen record and fails on a doomed one, and the serializable
// transactions order the two. Writers commit within the metadata timeout
// (seconds) of making their file, far inside the grace (minutes), so a
// doomed file is never one a live request still writes. Clocks of
// gateways need only agree to well within the grace.
var errBlobReclaimed = errors.New("the data file was reclaimed as an orphan before its metadata commit")

// doomed is the value of an orphan record whose file is being removed.
var doomed = []byte("doomed")

func orphanKey(blobID string) []byte { return []byte(orphanPfx + blobID) }

// claimBlob makes blob id referenced by the transaction's writes.
func claimBlob(ctx context.Context, tx meta.Txn, id string) error {
	v, err := tx.Get(ctx, orphanKey(id))
	switch {
	case errors.Is(err, meta.ErrNotFound):
		return nil
	case err != nil:
		return err
	case bytes.Equal(v, doomed):
		return fmt.Errorf("blob %s: %w", id, errBlobReclaimed)
	}
	return tx.Delete(orphanKey(id))
}

// CollectGarbage reclaims data files that no metadata references: blobs of
// uploads interrupted before their metadata commit, and blobs whose deletion
// after an overwrite or delete did not happen. It returns how many files it
// removed.
func (s *Service) CollectGarbage(ctx context.Context) (int, error) {
	n, _, err := s.CollectOrphans(ctx)
	return n, err
}

// CollectOrphans is CollectGarbage that also reports how many files are
// recorded as orphans and wait for their grace (a pass after it removes
// them).
func (s *Service) CollectOrphans(ctx context.Context) (removedFiles, pending int, err error) {
	var removed [][]byte
	n, err := s.blobs.GC(ctx, func(ctx context.Context, id string) (bool, error) {
		keep, err := s.keepBlob(ctx, id)
		switch {
		case err != nil:
		case !keep:
			removed = append(removed, orphanKey(id))
		case keep && s.isOrphanRecorded(ctx, id):
			pending++
		}
		return keep, err
	})
	// The removed files' records go once the files are gone; a record
	// left by a failed removal makes the next pass try again.
	if len(removed) > 0 {
		err = errors.Join(err, s.meta.Update(ctx, func(tx meta.Txn) error { return deleteAll(tx, removed...) }))
	}
	err = errors.Join(err, s.purgeOrphanRecords(ctx))
	if err != nil {
		return n, pending, fmt.Errorf("collect garbage: %w", err)
	}
	return n, pending, nil
}

// isOrphanRecorded reports a first-seen record for id (unreferenced files
// only reach here, so the extra read is rare).
func (s *Service) isOrphanRecorded(ctx context.Context, id string) bool {
	if _, err := s.meta.Get(ctx, reverseKey(id)); err == nil {
		return false
	}
	_, err := s.meta.Get(ctx, orphanKey(id))
	return err == nil
}

// keepBlob decides one file. A referenced file costs one point read; only
// unreferenced ones take a transaction.
func (s *Service) keepBlob(ctx context.Context, id string) (bool, error) {
	if _, err := s.meta.Get(ctx, reverseKey(id)); err == nil {
		return true, nil
	} else if !errors.Is(err, meta.ErrNotFound) {
		return true, err
	}
	now := s.cfg.Now()
	keep := true
	err := s.meta.Update(ctx, func(tx meta.Txn) error {
		keep = true
		if _, err := tx.Get(ctx, reverseKey(id)); err == nil {
			return nil
		} else if !errors.Is(err, meta.ErrNotFound) {
			return err
		}
		v, err := tx.Get(ctx, orphanKey(id))
		switch {
		case errors.Is(err, meta.ErrNotFound):
			return tx.Set(orphanKey(id), binary.BigEndian.AppendUint64(nil, uint64(now.UnixNano())))
		case err != nil:
			return err
		case !bytes.Equal(v, doomed) && len(v) == 8 && now.Sub(time.Unix(0, int64(binary.BigEndian.Uint64(v)))) < s.cfg.OrphanGrace:
			return nil
		}
		keep = false
		return tx.Set(orphanKey(id), doomed)
	})
	return keep, err
}

// purgeOrphanRecords drops first-seen records far past the grace: their
// file went another way (a failed write removed it). A file still there is
// simply recorded again by the next pass.
func (s *Service) purgeOrphanRecords(ctx context.Context) error {
	it, err := s.meta.NewIter(ctx, []byte(orphanPfx), meta.PrefixEnd([]byte(orphanPfx)))
	if err != nil {
		return err
	}
	// At least an hour: with a grace of seconds a record would otherwise
	// go before the pass that removes its file.
	cutoff := s.cfg.Now().Add(-max(3*s.cfg.OrphanGrace, time.Hour)).UnixNano()
	var stale [][]byte
	for ok := it.First(); ok && len(stale) < 1000; ok = it.Next() {
		v, err := it.Value()
		if err != nil {
			it.Close()
			return err
		}
		if len(v) == 8 && int64(binary.BigEndian.Uint64(v)) < cutoff {
			stale = append(stale, bytes.Clone(it.Key()))
		}
	}
	if err := errors.Join(it.Error(), it.Close()); err != nil || len(stale) == 0 {
		return err
	}
	return s.meta.Update(ctx, func(tx meta.Txn) error { return deleteAll(tx, stale...) })
}
