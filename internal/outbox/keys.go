package outbox

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/hoard-s3/hoard/internal/meta"
)

// Key layout in the metadata engine. Kinds hold no '/', shards are four
// hex digits and sequence numbers 8 big-endian bytes, so each shard's
// records are one range in sequence order:
//
//	outbox/r/<kind>/<shard>/<seq>   a record
//	outbox/c/<kind>/<shard>         appended so far: last seq, records, bytes
//	                                (written by Append)
//	outbox/d/<kind>/<shard>         acknowledged so far: records, bytes
//	                                (written by the shard's lease holder)
//	outbox/l/<kind>/<shard>         the shard's lease: owner, expiry
//
// Depth is c minus d; keeping the two apart means a writer and the
// dispatcher never write the same key.
const prefix = "outbox/"

func shardPart(kind string, shard int) string { return fmt.Sprintf("%s/%04x", kind, shard) }

func recordBase(kind string, shard int) []byte {
	return []byte(prefix + "r/" + shardPart(kind, shard) + "/")
}

func recordKey(kind string, shard int, seq uint64) []byte {
	return binary.BigEndian.AppendUint64(recordBase(kind, shard), seq)
}

func counterKey(kind string, shard int) []byte { return []byte(prefix + "c/" + shardPart(kind, shard)) }
func doneKey(kind string, shard int) []byte    { return []byte(prefix + "d/" + shardPart(kind, shard)) }
func leaseKey(kind string, shard int) []byte   { return []byte(prefix + "l/" + shardPart(kind, shard)) }

// headIter returns an iterator over a shard's records positioned at the
// first one. Acknowledged records are deleted, but an LSM engine keeps
// their tombstones for a while, and a queue's head would otherwise walk
// over all of them on every read: the iteration starts after the last
// acknowledged sequence number (kept with the acknowledged totals; new
// records always have higher ones).
func headIter(ctx context.Context, r meta.Reader, kind string, shard int) (meta.Iterator, error) {
	return iterAfter(ctx, r, kind, shard, 0)
}

// iterAfter is headIter past sequence number after as well.
func iterAfter(ctx context.Context, r meta.Reader, kind string, shard int, after uint64) (meta.Iterator, error) {
	done, err := readCounter(ctx, r, doneKey(kind, shard))
	if err != nil {
		return nil, err
	}
	base := recordBase(kind, shard)
	it, err := r.NewIter(ctx, recordKey(kind, shard, max(done.Seq, after)+1), meta.PrefixEnd(base))
	if err != nil {
		return nil, fmt.Errorf("outbox: scan: %w", err)
	}
	it.First()
	return it, nil
}

// counter is an appended or acknowledged total.
type counter struct {
	// Seq is the last sequence number appended (c/) or acknowledged (d/).
	Seq   uint64
	Count int64
	Bytes int64
}

func (c counter) encode() []byte {
	b := make([]byte, 0, 24)
	b = binary.BigEndian.AppendUint64(b, c.Seq)
	b = binary.BigEndian.AppendUint64(b, uint64(c.Count))
	return binary.BigEndian.AppendUint64(b, uint64(c.Bytes))
}

func readCounter(ctx context.Context, r meta.Reader, key []byte) (counter, error) {
	v, err := r.Get(ctx, key)
	if errors.Is(err, meta.ErrNotFound) {
		return counter{}, nil
	}
	if err != nil {
		return counter{}, fmt.Errorf("outbox: read %s: %w", key, err)
	}
	if len(v) != 24 {
		return counter{}, fmt.Errorf("outbox: counter %s of %d bytes", key, len(v))
	}
	return counter{
		Seq:   binary.BigEndian.Uint64(v),
		Count: int64(binary.BigEndian.Uint64(v[8:])),
		Bytes: int64(binary.BigEndian.Uint64(v[16:])),
	}, nil
}

// Record value: format byte 1, append time (ns), order key length
// (uvarint), order key, payload.
func encodeRecord(r Record) []byte {
	b := make([]byte, 0, 1+8+binary.MaxVarintLen32+len(r.OrderKey)+len(r.Payload))
	b = append(b, 1)
	b = binary.BigEndian.AppendUint64(b, uint64(r.Time.UnixNano()))
	b = binary.AppendUvarint(b, uint64(len(r.OrderKey)))
	b = append(b, r.OrderKey...)
	return append(b, r.Payload...)
}

func decodeRecord(kind string, shard int, key, v []byte) (Record, error) {
	base := recordBase(kind, shard)
	if len(key) != len(base)+8 || len(v) < 10 || v[0] != 1 {
		return Record{}, fmt.Errorf("outbox: malformed record %q", key)
	}
	r := Record{Kind: kind, Shard: shard, Seq: binary.BigEndian.Uint64(key[len(base):])}
	r.Time = time.Unix(0, int64(binary.BigEndian.Uint64(v[1:9])))
	n, w := binary.Uvarint(v[9:])
	if w <= 0 || uint64(len(v)-9-w) < n {
		return Record{}, fmt.Errorf("outbox: malformed record %q", key)
	}
	off := 9 + w
	r.OrderKey = string(v[off : off+int(n)])
	r.Payload = append([]byte(nil), v[off+int(n):]...)
	return r, nil
}

// lease is a shard's owner until Expires.
type lease struct {
	Owner   string
	Expires time.Time
}

func (l lease) encode() []byte {
	b := binary.BigEndian.AppendUint64(nil, uint64(l.Expires.UnixNano()))
	return append(b, l.Owner...)
}

func readLease(ctx context.Context, r meta.Reader, key []byte) (lease, error) {
	v, err := r.Get(ctx, key)
	if errors.Is(err, meta.ErrNotFound) {
		return lease{}, nil
	}
	if err != nil {
		return lease{}, fmt.Errorf("outbox: read %s: %w", key, err)
	}
	if len(v) < 8 {
		return lease{}, fmt.Errorf("outbox: lease %s of %d bytes", key, len(v))
	}
	return lease{Expires: time.Unix(0, int64(binary.BigEndian.Uint64(v))), Owner: string(v[8:])}, nil
}
