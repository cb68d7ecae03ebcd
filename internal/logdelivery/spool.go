// Package logdelivery turns log records (server access logs, the audit
// trail) into objects. A record is made durable in the metadata store the
// moment it is appended; a worker later gathers the records of a stream
// into one object, writes it, and only then deletes them, so a crash at
// any point loses nothing (it may deliver a batch twice).
//
// The spool is the one piece that stands where the general outbox will:
// Append, Scan and Ack are what a worker needs of a durable queue.
package logdelivery

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hoard-s3/hoard/internal/meta"
)

// Spool keys:
//
//	ld/q/<stream> 0x00 <8-byte big-endian unix nanos><8 random bytes>   one record
//	ld/lease                                                            the flush lease
//
// Streams never contain 0x00, so one stream's records are contiguous and
// in append-time order.
const (
	queuePrefix = "ld/q/"
	leaseKey    = "ld/lease"
)

// Record is one spooled record.
type Record struct {
	Stream string
	Time   time.Time // when it was appended
	Data   []byte
	key    []byte
}

// Spool is the durable queue of records, in the metadata store.
type Spool struct {
	meta meta.Store
	now  func() time.Time
}

// NewSpool returns the spool of m.
func NewSpool(m meta.Store) *Spool { return &Spool{meta: m, now: time.Now} }

// Append makes one record durable.
func (s *Spool) Append(ctx context.Context, stream string, data []byte) error {
	if stream == "" || strings.IndexByte(stream, 0) >= 0 {
		return fmt.Errorf("logdelivery: invalid stream name %q", stream)
	}
	key := recordKey(stream, s.now())
	if err := s.meta.Update(ctx, func(tx meta.Txn) error { return tx.Set(key, data) }); err != nil {
		return fmt.Errorf("logdelivery: append to %s: %w", stream, err)
	}
	return nil
}

func streamBase(stream string) []byte {
	return append([]byte(queuePrefix+stream), 0)
}

func recordKey(stream string, t time.Time) []byte {
	k := streamBase(stream)
	k = binary.BigEndian.AppendUint64(k, uint64(t.UnixNano()))
	var r [8]byte
	rand.Read(r[:])
	return append(k, r[:]...)
}

// Limits of one batch: a log object holds at most this many records or
// bytes, so a backlog becomes several objects of bounded size.
const (
	MaxBatchRecords = 10000
	MaxBatchBytes   = 8 << 20
)

// Scan returns the oldest records of the first stream at or after from
// (a stream name; "" is the first), up to the batch limits, and the next
// stream to scan ("" when none is left).
func (s *Spool) Scan(ctx context.Context, from string) (recs []Record, next string, err error) {
	lower := []byte(queuePrefix + from)
	it, err := s.meta.NewIter(ctx, lower, meta.PrefixEnd([]byte(queuePrefix)))
	if err != nil {
		return nil, "", fmt.Errorf("logdelivery: scan: %w", err)
	}
	defer it.Close()
	size := 0
	for ok := it.First(); ok; ok = it.Next() {
		r, perr := parseRecordKey(it.Key())
		if perr != nil {
			return nil, "", perr
		}
		if len(recs) > 0 && r.Stream != recs[0].Stream {
			return recs, r.Stream, it.Error()
		}
		if len(recs) >= MaxBatchRecords || size >= MaxBatchBytes {
			return recs, r.Stream, it.Error()
		}
		v, verr := it.Value()
		if verr != nil {
			return nil, "", fmt.Errorf("logdelivery: scan: %w", verr)
		}
		r.Data = append([]byte(nil), v...)
		size += len(v)
		recs = append(recs, r)
	}
	return recs, "", it.Error()
}

func parseRecordKey(k []byte) (Record, error) {
	rest := k[len(queuePrefix):]
	i := bytes.IndexByte(rest, 0)
	if i < 0 || len(rest)-i-1 != 16 {
		return Record{}, fmt.Errorf("logdelivery: malformed record key %q", k)
	}
	nanos := binary.BigEndian.Uint64(rest[i+1:])
	return Record{
		Stream: string(rest[:i]),
		Time:   time.Unix(0, int64(nanos)).UTC(),
		key:    append([]byte(nil), k...),
	}, nil
}

// Ack deletes delivered records in one commit.
func (s *Spool) Ack(ctx context.Context, recs []Record) error {
	err := s.meta.Update(ctx, func(tx meta.Txn) error {
		for _, r := range recs {
			if err := tx.Delete(r.key); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("logdelivery: ack: %w", err)
	}
	return nil
}

// errLeaseHeld is another gateway flushing right now.
var errLeaseHeld = errors.New("logdelivery: the flush lease is held by another gateway")

// takeLease makes owner the only flusher until now+ttl, unless another
// owner holds an unexpired lease. Kept in meta, so gateways sharing one
// database share it.
func (s *Spool) takeLease(ctx context.Context, owner string, ttl time.Duration) error {
	now := s.now()
	return s.meta.Update(ctx, func(tx meta.Txn) error {
		v, err := tx.Get(ctx, []byte(leaseKey))
		switch {
		case errors.Is(err, meta.ErrNotFound):
		case err != nil:
			return err
		case len(v) > 8 && string(v[8:]) != owner && int64(binary.BigEndian.Uint64(v[:8])) > now.UnixNano():
			return errLeaseHeld
		}
		val := binary.BigEndian.AppendUint64(nil, uint64(now.Add(ttl).UnixNano()))
		return tx.Set([]byte(leaseKey), append(val, owner...))
	})
}
