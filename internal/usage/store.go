package usage

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/hoard-s3/hoard/internal/meta"
)

// Records in the metadata engine, under a prefix of their own (no
// one-letter prefix of the object service starts with it):
//
//	usage/b/<bucket>/<prefix>   folded counters of a prefix ("" = bucket)
//	usage/d/<bucket>/<id>       one commit's changes, not yet folded
//	usage/s/<bucket>/<day>      the bucket's daily snapshot (snapshot.go)
//	usage/depth                 the depth the counters were built with
//	usage/lease                 which gateway takes snapshots, until when
//
// Bucket names never contain '/', so "usage/b/<bucket>/" is an exact
// prefix of one bucket's records.
const (
	basePfx  = "usage/b/"
	deltaPfx = "usage/d/"
	depthKey = "usage/depth"
)

func baseBase(bucket string) []byte  { return []byte(basePfx + bucket + "/") }
func deltaBase(bucket string) []byte { return []byte(deltaPfx + bucket + "/") }

func baseKey(bucket, prefix string) []byte { return append(baseBase(bucket), prefix...) }

// deltaID orders deltas roughly by time and never collides: 8 bytes of
// Unix nanoseconds and 8 random bytes.
func deltaID(now time.Time) string {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], uint64(now.UnixNano()))
	binary.BigEndian.PutUint64(b[8:], rand.Uint64())
	return hex.EncodeToString(b[:])
}

func encodeScopes(s Scopes) []byte {
	var b []byte
	b = binary.AppendUvarint(b, uint64(len(s)))
	for p, c := range s {
		b = binary.AppendUvarint(b, uint64(len(p)))
		b = append(b, p...)
		enc := c.Encode()
		b = binary.AppendUvarint(b, uint64(len(enc)))
		b = append(b, enc...)
	}
	return b
}

func decodeScopes(b []byte, into Scopes) error {
	r := reader{buf: b}
	n := r.uvarint()
	for i := uint64(0); i < n && r.err == nil; i++ {
		p := r.str()
		raw := r.str()
		if r.err != nil {
			break
		}
		c, err := Decode([]byte(raw))
		if err != nil {
			return err
		}
		into.add(p, &c, 1)
	}
	if r.err == nil && len(r.buf) != 0 {
		r.fail()
	}
	if r.err != nil {
		return fmt.Errorf("decode usage delta: %w", r.err)
	}
	return nil
}

// Write stores d inside tx: one new key per bucket it changes.
func Write(tx meta.Txn, d *Delta, now time.Time) error {
	for bucket, s := range d.Buckets() {
		k := append(deltaBase(bucket), deltaID(now)...)
		if err := tx.Set(k, encodeScopes(s)); err != nil {
			return fmt.Errorf("write usage delta of %s: %w", bucket, err)
		}
	}
	return nil
}

// scan calls fn with each key (after base) and value of the range.
func scan(ctx context.Context, r meta.Reader, base []byte, limit int, fn func(k []byte, v []byte) error) (int, error) {
	it, err := r.NewIter(ctx, base, meta.PrefixEnd(base))
	if err != nil {
		return 0, err
	}
	defer it.Close()
	n := 0
	for ok := it.First(); ok && (limit < 0 || n < limit); ok = it.Next() {
		v, err := it.Value()
		if err != nil {
			return n, err
		}
		if err := fn(it.Key()[len(base):], v); err != nil {
			return n, err
		}
		n++
	}
	return n, it.Error()
}

// ReadTx returns the exact counters of each prefix of bucket through r
// (a transaction, so base records and deltas are one consistent view).
func ReadTx(ctx context.Context, r meta.Reader, bucket string) (Scopes, error) {
	return ReadUnderTx(ctx, r, bucket, "")
}

// ReadUnderTx is ReadTx for prefix and the prefixes under it only (the
// bucket's own scope too when prefix is "").
func ReadUnderTx(ctx context.Context, r meta.Reader, bucket, prefix string) (Scopes, error) {
	out := Scopes{}
	base := baseBase(bucket)
	it, err := r.NewIter(ctx, baseKey(bucket, prefix), meta.PrefixEnd(baseKey(bucket, prefix)))
	if err != nil {
		return nil, fmt.Errorf("read usage of %s: %w", bucket, err)
	}
	defer it.Close()
	for ok := it.First(); ok; ok = it.Next() {
		v, err := it.Value()
		if err != nil {
			return nil, fmt.Errorf("read usage of %s: %w", bucket, err)
		}
		c, err := Decode(v)
		if err != nil {
			return nil, fmt.Errorf("usage of %s prefix %q: %w", bucket, it.Key()[len(base):], err)
		}
		out.add(string(it.Key()[len(base):]), &c, 1)
	}
	if err := it.Error(); err != nil {
		return nil, fmt.Errorf("read usage of %s: %w", bucket, err)
	}
	if err := addDeltas(ctx, r, bucket, out, func(p string) bool { return strings.HasPrefix(p, prefix) }); err != nil {
		return nil, err
	}
	return out, nil
}

// addDeltas adds the unfolded deltas of the prefixes keep accepts.
func addDeltas(ctx context.Context, r meta.Reader, bucket string, out Scopes, keep func(string) bool) error {
	_, err := scan(ctx, r, deltaBase(bucket), -1, func(_, v []byte) error {
		d := Scopes{}
		if err := decodeScopes(v, d); err != nil {
			return err
		}
		for p, c := range d {
			if keep(p) {
				out.add(p, c, 1)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("read usage deltas of %s: %w", bucket, err)
	}
	for p, c := range out {
		if c.IsZero() {
			delete(out, p)
		}
	}
	return nil
}

// Read returns the exact counters of each prefix of bucket.
func Read(ctx context.Context, m meta.Store, bucket string) (Scopes, error) {
	return ReadUnder(ctx, m, bucket, "")
}

// ReadUnder returns the exact counters of prefix and of the prefixes
// under it.
func ReadUnder(ctx context.Context, m meta.Store, bucket, prefix string) (Scopes, error) {
	var out Scopes
	err := m.Update(ctx, func(tx meta.Txn) (err error) {
		out, err = ReadUnderTx(ctx, tx, bucket, prefix)
		return err
	})
	return out, err
}

// ReadOne returns the exact counters of one prefix ("" for the bucket).
func ReadOne(ctx context.Context, m meta.Store, bucket, prefix string) (*Counters, error) {
	out := Scopes{}
	err := m.Update(ctx, func(tx meta.Txn) error {
		clear(out)
		v, err := tx.Get(ctx, baseKey(bucket, prefix))
		switch {
		case err == nil:
			c, err := Decode(v)
			if err != nil {
				return err
			}
			out.add(prefix, &c, 1)
		case !errors.Is(err, meta.ErrNotFound):
			return err
		}
		return addDeltas(ctx, tx, bucket, out, func(p string) bool { return p == prefix })
	})
	if err != nil {
		return nil, fmt.Errorf("read usage of %s: %w", bucket, err)
	}
	if c := out[prefix]; c != nil {
		return c, nil
	}
	return &Counters{}, nil
}

// DropSnapshots deletes bucket's daily snapshots inside tx (the bucket is
// being deleted; a new bucket of the name starts a history of its own).
func DropSnapshots(ctx context.Context, tx meta.Txn, bucket string) error {
	base := snapBase(bucket)
	var keys [][]byte
	if _, err := scan(ctx, tx, base, -1, func(k, _ []byte) error {
		keys = append(keys, append(append([]byte{}, base...), k...))
		return nil
	}); err != nil {
		return err
	}
	for _, k := range keys {
		if err := tx.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// Fold sums up to limit of bucket's deltas into its base records and
// removes them, in one transaction. It returns how many it folded.
func Fold(ctx context.Context, m meta.Store, bucket string, limit int) (int, error) {
	var n int
	err := m.Update(ctx, func(tx meta.Txn) error {
		sum := Scopes{}
		var keys [][]byte
		base := deltaBase(bucket)
		var err error
		n, err = scan(ctx, tx, base, limit, func(k, v []byte) error {
			keys = append(keys, append(append([]byte{}, base...), k...))
			return decodeScopes(v, sum)
		})
		if err != nil {
			return err
		}
		for p, c := range sum {
			if err := addBase(ctx, tx, bucket, p, c); err != nil {
				return err
			}
		}
		for _, k := range keys {
			if err := tx.Delete(k); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("fold usage of %s: %w", bucket, err)
	}
	return n, nil
}

func addBase(ctx context.Context, tx meta.Txn, bucket, prefix string, c *Counters) error {
	k := baseKey(bucket, prefix)
	var cur Counters
	v, err := tx.Get(ctx, k)
	switch {
	case err == nil:
		if cur, err = Decode(v); err != nil {
			return err
		}
	case !errors.Is(err, meta.ErrNotFound):
		return err
	}
	cur.Add(c, 1)
	if cur.IsZero() {
		return tx.Delete(k)
	}
	return tx.Set(k, cur.Encode())
}

// PendingBuckets lists the buckets that have deltas to fold.
func PendingBuckets(ctx context.Context, r meta.Reader) ([]string, error) {
	base := []byte(deltaPfx)
	it, err := r.NewIter(ctx, base, meta.PrefixEnd(base))
	if err != nil {
		return nil, err
	}
	defer it.Close()
	var out []string
	for ok := it.First(); ok; {
		rest := it.Key()[len(base):]
		i := indexSlash(rest)
		if i < 0 {
			ok = it.Next()
			continue
		}
		b := string(rest[:i])
		out = append(out, b)
		ok = it.SeekGE(meta.PrefixEnd(deltaBase(b)))
	}
	return out, it.Error()
}

func indexSlash(b []byte) int {
	for i, c := range b {
		if c == '/' {
			return i
		}
	}
	return -1
}

// FoldAll folds every bucket's deltas, limit at a time per transaction.
func FoldAll(ctx context.Context, m meta.Store, limit int) (int, error) {
	buckets, err := PendingBuckets(ctx, m)
	if err != nil {
		return 0, fmt.Errorf("list usage deltas: %w", err)
	}
	total := 0
	for _, b := range buckets {
		for {
			n, err := Fold(ctx, m, b, limit)
			total += n
			if err != nil {
				return total, err
			}
			if n < limit {
				break
			}
		}
	}
	return total, nil
}

// Replace makes s the counters of bucket inside tx, dropping every base
// record and delta it had (a recount).
func Replace(ctx context.Context, tx meta.Txn, bucket string, s Scopes) error {
	for _, base := range [][]byte{baseBase(bucket), deltaBase(bucket)} {
		var keys [][]byte
		if _, err := scan(ctx, tx, base, -1, func(k, _ []byte) error {
			keys = append(keys, append(append([]byte{}, base...), k...))
			return nil
		}); err != nil {
			return err
		}
		for _, k := range keys {
			if err := tx.Delete(k); err != nil {
				return err
			}
		}
	}
	for p, c := range s {
		if c.IsZero() {
			continue
		}
		if err := tx.Set(baseKey(bucket, p), c.Encode()); err != nil {
			return err
		}
	}
	return nil
}

// Depth returns the depth the stored counters were built with, and false
// when none was recorded (counters never built).
func Depth(ctx context.Context, r meta.Reader) (int, bool, error) {
	v, err := r.Get(ctx, []byte(depthKey))
	if errors.Is(err, meta.ErrNotFound) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("read usage depth: %w", err)
	}
	d, err := strconv.Atoi(string(v))
	if err != nil {
		return 0, false, fmt.Errorf("usage depth %q: %w", v, errCorrupt)
	}
	return d, true, nil
}

// SetDepth records the depth the counters are built with.
func SetDepth(tx meta.Txn, depth int) error {
	return tx.Set([]byte(depthKey), []byte(strconv.Itoa(depth)))
}
