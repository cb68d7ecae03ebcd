package object

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/hoard-s3/hoard/internal/meta"
)

// A completed upload leaves a small record, written in the same commit as
// the object, so that a retried CompleteMultipartUpload (SDKs retry it
// after a timeout, when the first answer may have been lost) gets the same
// 200 answer instead of NoSuchUpload. The record names the object's first
// part blob: blobs are never shared nor reused, so the object is still the
// one the upload made exactly while that blob's reverse index points at
// the object's key. Records are reclaimed by ReclaimCompletedUploads once
// the object is gone or replaced, or after completedTTL.
//
//	m/<upload id>   completedRec
const completedPrefix = "m/"

// completedTTL bounds how long a completion can be retried: far longer
// than any client's retry schedule, short enough that the records stay few.
const completedTTL = time.Hour

func completedKey(id string) []byte { return []byte(completedPrefix + id) }

type completedRec struct {
	Done      int64 // Unix nanoseconds
	Bucket    string
	Key       string
	FirstBlob string
}

const completedV1 = 1

func (c *completedRec) encode() []byte {
	b := make([]byte, 0, 16+len(c.Bucket)+len(c.Key)+len(c.FirstBlob))
	b = append(b, completedV1)
	b = binary.AppendVarint(b, c.Done)
	b = appendString(b, c.Bucket)
	b = appendString(b, c.Key)
	return appendString(b, c.FirstBlob)
}

func decodeCompleted(buf []byte) (*completedRec, error) {
	if len(buf) == 0 || buf[0] != completedV1 {
		return nil, fmt.Errorf("completed upload record version: %w", errCorrupt)
	}
	d := decoder{buf: buf[1:]}
	c := &completedRec{Done: d.varint(), Bucket: d.str(), Key: d.str(), FirstBlob: d.str()}
	if d.err == nil && c.FirstBlob == "" {
		d.err = errCorrupt
	}
	if d.err != nil {
		return nil, fmt.Errorf("decode completed upload record: %w", d.err)
	}
	return c, nil
}

// recordCompletion writes, inside the completing transaction, the record
// of upload id having made rec.
func recordCompletion(tx meta.Txn, in CompleteMultipartInput, rec *record, now time.Time) error {
	it := rec.parts()
	first, ok := it.next()
	if !ok {
		return fmt.Errorf("part table of the completed upload: %w", errCorrupt)
	}
	c := completedRec{Done: now.UnixNano(), Bucket: in.Bucket, Key: in.Key, FirstBlob: first.BlobID}
	return tx.Set(completedKey(in.UploadID), c.encode())
}

// completedResult answers a CompleteMultipartUpload whose upload is gone:
// the object it made, while that object is still current, and otherwise
// ErrNoSuchUpload.
func (s *Service) completedResult(ctx context.Context, in CompleteMultipartInput) (*ObjectInfo, error) {
	noUpload := fmt.Errorf("upload %s of %s/%s: %w", in.UploadID, in.Bucket, in.Key, ErrNoSuchUpload)
	v, err := s.meta.Get(ctx, completedKey(in.UploadID))
	if errors.Is(err, meta.ErrNotFound) {
		return nil, noUpload
	}
	if err != nil {
		return nil, fmt.Errorf("read completed upload %s: %w", in.UploadID, err)
	}
	c, err := decodeCompleted(v)
	if err != nil {
		return nil, err
	}
	if c.Bucket != in.Bucket || c.Key != in.Key || s.cfg.Now().Sub(time.Unix(0, c.Done)) > completedTTL {
		return nil, noUpload
	}
	current, err := s.stillCurrent(ctx, s.meta, c)
	if err != nil || !current {
		return nil, errors.Join(noUpload, err)
	}
	rec, err := readRecordMode(ctx, s.meta, in.Bucket, in.Key, modeHeader)
	if err != nil {
		return nil, err
	}
	if rec == nil {
		return nil, noUpload
	}
	info := rec.info(in.Bucket, in.Key)
	info.SSE.echoKey(in.SSE)
	return &info, nil
}

// stillCurrent reports whether the object c made is still the current
// record of its key.
func (s *Service) stillCurrent(ctx context.Context, r meta.Reader, c *completedRec) (bool, error) {
	owner, err := r.Get(ctx, reverseKey(c.FirstBlob))
	switch {
	case errors.Is(err, meta.ErrNotFound):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("read reverse index of %s: %w", c.FirstBlob, err)
	}
	return string(owner) == string(objectKey(c.Bucket, c.Key)), nil
}

// ReclaimCompletedUploads deletes the records of completed uploads whose
// object was replaced or deleted, or that are older than completedTTL. It
// returns how many it deleted.
func (s *Service) ReclaimCompletedUploads(ctx context.Context) (int, error) {
	stale, err := s.staleCompletions(ctx)
	if err != nil {
		return 0, err
	}
	const batch = 1000
	for i := 0; i < len(stale); i += batch {
		part := stale[i:min(i+batch, len(stale))]
		err := s.meta.Update(ctx, func(tx meta.Txn) error {
			return deleteAll(tx, part...)
		})
		if err != nil {
			return i, fmt.Errorf("reclaim completed uploads: %w", err)
		}
	}
	return len(stale), nil
}

func (s *Service) staleCompletions(ctx context.Context) ([][]byte, error) {
	base := []byte(completedPrefix)
	it, err := s.meta.NewIter(ctx, base, meta.PrefixEnd(base))
	if err != nil {
		return nil, fmt.Errorf("scan completed uploads: %w", err)
	}
	defer it.Close()
	now := s.cfg.Now()
	var stale [][]byte
	for ok := it.First(); ok; ok = it.Next() {
		v, err := it.Value()
		if err != nil {
			return nil, fmt.Errorf("scan completed uploads: %w", err)
		}
		c, err := decodeCompleted(v)
		current := false
		if err == nil && now.Sub(time.Unix(0, c.Done)) <= completedTTL {
			if current, err = s.stillCurrent(ctx, s.meta, c); err != nil {
				return nil, err
			}
		}
		if !current {
			stale = append(stale, append([]byte(nil), it.Key()...))
		}
	}
	if err := it.Error(); err != nil {
		return nil, fmt.Errorf("scan completed uploads: %w", err)
	}
	return stale, nil
}
