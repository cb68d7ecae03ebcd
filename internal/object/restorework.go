package object

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/hoard-s3/hoard/internal/meta"
)

// Restore work is a queue in the metadata, so that it survives restarts
// and several gateways can share it:
//
//	t/<due: 8 bytes BE Unix ns, hex><kind><bucket>/<key>\x00<version id>
//
// kind is jobRestore (the restore requested is due: make the copy) or
// jobExpire (the restored copy expires). Entries sort by due time, so a
// pass reads only what is due. Each entry is checked against the version's
// record in the commit that completes it; an entry that no longer matches
// (the version is gone, changed class, or was restored again) is dropped.
// Two workers that run the same entry both make a copy; one commit wins
// and the other removes its copy.
const restoreJobPfx = "t/"

const (
	jobRestore = 'r'
	jobExpire  = 'e'
)

// restoreRetry is how long a restore waits after its tier failed.
const restoreRetry = 5 * time.Second

// restoreBatch bounds the entries one pass runs.
const restoreBatch = 100

func restoreJobKey(due int64, kind byte, bucket, key, vid string) []byte {
	var t [8]byte
	binary.BigEndian.PutUint64(t[:], uint64(due))
	b := make([]byte, 0, len(restoreJobPfx)+17+len(bucket)+len(key)+len(vid)+2)
	b = append(b, restoreJobPfx...)
	b = hex.AppendEncode(b, t[:])
	b = append(b, kind)
	b = append(b, bucket...)
	b = append(b, '/')
	b = append(b, key...)
	b = append(b, 0)
	return append(b, vid...)
}

type restoreJob struct {
	raw              []byte
	due              int64
	kind             byte
	bucket, key, vid string
}

func parseRestoreJob(k []byte) (restoreJob, error) {
	j := restoreJob{raw: append([]byte(nil), k...)}
	rest := k[len(restoreJobPfx):]
	if len(rest) < 17 {
		return j, errCorrupt
	}
	var t [8]byte
	if _, err := hex.Decode(t[:], rest[:16]); err != nil {
		return j, errCorrupt
	}
	j.due, j.kind = int64(binary.BigEndian.Uint64(t[:])), rest[16]
	bk, vid, ok := bytes.Cut(rest[17:], []byte{0})
	if !ok {
		return j, errCorrupt
	}
	b, key, ok := bytes.Cut(bk, []byte{'/'})
	if !ok {
		return j, errCorrupt
	}
	j.bucket, j.key, j.vid = string(b), string(key), string(vid)
	return j, nil
}

// RunRestores runs the restore work that is due: copies restored from
// their tier and restored copies that expire. It returns how many
// entries it completed. Work whose tier is unreachable is postponed.
func (s *Service) RunRestores(ctx context.Context) (int, error) {
	jobs, err := s.dueRestores(ctx)
	if err != nil {
		return 0, err
	}
	done := 0
	var errs []error
	for _, j := range jobs {
		if ctx.Err() != nil {
			break
		}
		err := s.runRestoreJob(ctx, j)
		switch {
		case err == nil:
			done++
		case errors.Is(err, ErrTierUnavailable):
			s.log().Warn("restore postponed: tier unavailable", "bucket", j.bucket, "key", j.key, "err", err)
			errs = append(errs, s.postpone(ctx, j))
		default:
			errs = append(errs, err)
		}
	}
	return done, errors.Join(errs...)
}

func (s *Service) dueRestores(ctx context.Context) ([]restoreJob, error) {
	upper := restoreJobKey(s.cfg.Now().UnixNano()+1, 0, "", "", "")
	upper = upper[:len(restoreJobPfx)+16]
	it, err := s.meta.NewIter(ctx, []byte(restoreJobPfx), upper)
	if err != nil {
		return nil, fmt.Errorf("list restore work: %w", err)
	}
	defer it.Close()
	var jobs []restoreJob
	for ok := it.First(); ok && len(jobs) < restoreBatch; ok = it.Next() {
		j, err := parseRestoreJob(it.Key())
		if err != nil {
			s.log().Warn("dropping malformed restore entry", "key", fmt.Sprintf("%q", it.Key()))
			j.raw = append([]byte(nil), it.Key()...)
			j.kind = 0
		}
		jobs = append(jobs, j)
	}
	if err := it.Error(); err != nil {
		return nil, fmt.Errorf("list restore work: %w", err)
	}
	return jobs, nil
}

// postpone moves an entry restoreRetry into the future.
func (s *Service) postpone(ctx context.Context, j restoreJob) error {
	return s.meta.Update(ctx, func(tx meta.Txn) error {
		if _, err := tx.Get(ctx, j.raw); err != nil {
			return nil // done or dropped meanwhile
		}
		if err := tx.Delete(j.raw); err != nil {
			return err
		}
		return tx.Set(restoreJobKey(s.cfg.Now().Add(restoreRetry).UnixNano(), j.kind, j.bucket, j.key, j.vid), nil)
	})
}

func (s *Service) runRestoreJob(ctx context.Context, j restoreJob) error {
	if j.kind == jobRestore || j.kind == jobExpire {
		// Both make or remove copies that keep their sources' ids.
		release, err := s.claimMove(ctx, j.bucket, j.key)
		if err != nil {
			return err // retried by the next pass
		}
		defer release()
	}
	switch j.kind {
	case jobRestore:
		return s.completeRestore(ctx, j)
	case jobExpire:
		return s.expireRestore(ctx, j)
	}
	return s.dropJob(ctx, j)
}

func (s *Service) dropJob(ctx context.Context, j restoreJob) error {
	return s.meta.Update(ctx, func(tx meta.Txn) error { return tx.Delete(j.raw) })
}

// jobVersion reads the version an entry names, or nil when it is gone.
func (s *Service) jobVersion(ctx context.Context, r meta.Reader, j restoreJob) (*located, error) {
	loc, err := s.findToRead(ctx, r, j.bucket, j.key, j.vid, modeFull)
	var dm *DeleteMarkerError
	switch {
	case errors.Is(err, ErrNoSuchKey), errors.Is(err, ErrNoSuchVersion), errors.Is(err, ErrNoSuchBucket), errors.As(err, &dm):
		return nil, nil
	case err != nil:
		return nil, err
	}
	return loc, nil
}

// completeRestore makes the restored copy of a version whose restore is
// due: in the data directory, unless the archive is there already.
func (s *Service) completeRestore(ctx context.Context, j restoreJob) error {
	loc, err := s.jobVersion(ctx, s.meta, j)
	if err != nil {
		return err
	}
	if loc == nil || !restoreDue(loc.rec, j) {
		return s.dropJob(ctx, j)
	}
	if loc.rec.itArchived() {
		return s.completeITRestore(ctx, j, loc.rec)
	}
	src := loc.rec.dataBlobIDs()
	moved, err := s.copyBlobs(ctx, loc.rec, "")
	if err != nil {
		return fmt.Errorf("restore %s/%s: %w", j.bucket, j.key, err)
	}
	var copies []string
	if !slices.Equal(moved, src) {
		copies = moved
	}
	err = s.meta.Update(ctx, func(tx meta.Txn) error {
		loc, err := s.jobVersion(ctx, tx, j)
		if err != nil {
			return err
		}
		if loc == nil || !restoreDue(loc.rec, j) || !slices.Equal(loc.rec.dataBlobIDs(), src) {
			return errStaleJob
		}
		cur := loc.rec
		next := *cur
		st := *cur.Restore
		st.Ongoing, st.ReadyAt, st.Copies = false, 0, copies
		st.Expiry = s.restoreExpiry(s.cfg.Now(), st.Days)
		next.Restore = &st
		if _, err := s.repoint(tx, loc.mkey, cur, &next); err != nil {
			return err
		}
		if err := tx.Delete(j.raw); err != nil {
			return err
		}
		if err := tx.Set(restoreJobKey(st.Expiry, jobExpire, j.bucket, j.key, cur.VersionID), nil); err != nil {
			return err
		}
		e := eventOf(EventRestoreCompleted, j.bucket, j.key, &next)
		e.RestoreExpiry = time.Unix(0, st.Expiry).UTC()
		return s.emit(ctx, tx, e)
	})
	if err != nil {
		s.deleteNew(nil, copies)
		if errors.Is(err, errStaleJob) {
			return s.dropJob(ctx, j)
		}
		return fmt.Errorf("complete restore of %s/%s: %w", j.bucket, j.key, err)
	}
	return nil
}

var errStaleJob = errors.New("restore entry no longer matches its version")

// restoreDue reports whether an entry is the due work of the version's
// restore. A postponed entry is due after the restore's ReadyAt; an entry
// of an earlier restore may run too, which is harmless: the commit that
// completes a restore requires it to be ongoing.
func restoreDue(rec *record, j restoreJob) bool {
	r := rec.Restore
	return r != nil && r.Ongoing && j.due >= r.ReadyAt && (ArchiveClass(rec.StorageClass) || rec.itArchived())
}

// expireRestore removes a restored copy whose time is up; the archived
// data stays.
func (s *Service) expireRestore(ctx context.Context, j restoreJob) error {
	var freed []string
	err := s.meta.Update(ctx, func(tx meta.Txn) error {
		freed = nil
		if err := tx.Delete(j.raw); err != nil {
			return err
		}
		loc, err := s.jobVersion(ctx, tx, j)
		if err != nil || loc == nil {
			return err
		}
		r := loc.rec.Restore
		if r == nil || r.Ongoing || r.Expiry != j.due {
			return nil
		}
		next := *loc.rec
		next.Restore = nil
		if freed, err = s.repoint(tx, loc.mkey, loc.rec, &next); err != nil {
			return err
		}
		return s.emit(ctx, tx, eventOf(EventRestoreDelete, j.bucket, j.key, &next))
	})
	if err != nil {
		return fmt.Errorf("expire restored copy of %s/%s: %w", j.bucket, j.key, err)
	}
	s.deleteNew(nil, freed)
	return nil
}
