// Package usage keeps exact storage usage counters per bucket and per key
// prefix in the metadata engine, prices them, and keeps daily snapshots.
//
// The object service computes, inside each write transaction, how the
// write changes the counters (a Delta) and stores it with Write in the
// same commit as the write itself, so counters can never drift from the
// data: a commit has both or neither. Each commit writes its delta under a
// key of its own instead of updating shared counters, so concurrent
// writers never touch the same key (on a SERIALIZABLE database a shared
// counter would make every pair of concurrent writers to a bucket
// conflict). Fold later sums the deltas into the per-prefix base records;
// Read adds the deltas not yet folded, so answers are exact either way.
package usage

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
)

// ClassCount is what one storage class holds.
type ClassCount struct {
	Objects           int64 `json:"objects"`
	Bytes             int64 `json:"bytes"`
	NoncurrentObjects int64 `json:"noncurrentObjects"`
	NoncurrentBytes   int64 `json:"noncurrentBytes"`
}

func (c ClassCount) zero() bool { return c == ClassCount{} }

// Counters is the usage of a bucket or of one prefix of its keys. Bytes
// are object sizes as clients see them (what S3 bills), not the larger
// size of sealed data on disk.
type Counters struct {
	// Classes holds current and noncurrent versions by storage class.
	Classes map[string]ClassCount `json:"classes,omitempty"`
	// DeleteMarkers counts delete markers, latest or not.
	DeleteMarkers int64 `json:"deleteMarkers"`
	// Uploads counts multipart uploads in progress; UploadParts and
	// UploadBytes their uploaded parts.
	Uploads     int64 `json:"uploads"`
	UploadParts int64 `json:"uploadParts"`
	UploadBytes int64 `json:"uploadBytes"`
	// RestoredObjects and RestoredBytes are the readable copies of
	// archived versions restored with RestoreObject (S3 bills them on
	// top of the archive).
	RestoredObjects int64 `json:"restoredObjects"`
	RestoredBytes   int64 `json:"restoredBytes"`
}

// Objects is the number of current versions.
func (c *Counters) Objects() int64 { return c.sum(func(x ClassCount) int64 { return x.Objects }) }

// Bytes is the size of the current versions.
func (c *Counters) Bytes() int64 { return c.sum(func(x ClassCount) int64 { return x.Bytes }) }

// NoncurrentObjects is the number of noncurrent versions.
func (c *Counters) NoncurrentObjects() int64 {
	return c.sum(func(x ClassCount) int64 { return x.NoncurrentObjects })
}

// NoncurrentBytes is the size of the noncurrent versions.
func (c *Counters) NoncurrentBytes() int64 {
	return c.sum(func(x ClassCount) int64 { return x.NoncurrentBytes })
}

func (c *Counters) sum(f func(ClassCount) int64) int64 {
	var n int64
	for _, x := range c.Classes {
		n += f(x)
	}
	return n
}

// Add adds d (scaled by sign, +1 or -1) to c.
func (c *Counters) Add(d *Counters, sign int64) {
	for name, x := range d.Classes {
		if c.Classes == nil {
			c.Classes = map[string]ClassCount{}
		}
		y := c.Classes[name]
		y.Objects += sign * x.Objects
		y.Bytes += sign * x.Bytes
		y.NoncurrentObjects += sign * x.NoncurrentObjects
		y.NoncurrentBytes += sign * x.NoncurrentBytes
		if y.zero() {
			delete(c.Classes, name)
		} else {
			c.Classes[name] = y
		}
	}
	c.DeleteMarkers += sign * d.DeleteMarkers
	c.Uploads += sign * d.Uploads
	c.UploadParts += sign * d.UploadParts
	c.UploadBytes += sign * d.UploadBytes
	c.RestoredObjects += sign * d.RestoredObjects
	c.RestoredBytes += sign * d.RestoredBytes
}

// IsZero reports whether c counts nothing.
func (c *Counters) IsZero() bool {
	return len(c.Classes) == 0 && c.DeleteMarkers == 0 && c.Uploads == 0 && c.UploadParts == 0 &&
		c.UploadBytes == 0 && c.RestoredObjects == 0 && c.RestoredBytes == 0
}

// Equal reports whether c and d count the same.
func (c *Counters) Equal(d *Counters) bool {
	x := c.Clone()
	x.Add(d, -1)
	return x.IsZero()
}

// Clone returns a deep copy of c.
func (c *Counters) Clone() Counters {
	var x Counters
	x.Add(c, 1)
	return x
}

const countersV1 = 1

var errCorrupt = errors.New("usage: corrupt counter record")

// appendTo encodes c: a version byte, the scalar counters as varints,
// then each class (sorted, so equal counters encode equally).
func (c *Counters) appendTo(b []byte) []byte {
	b = append(b, countersV1)
	for _, v := range []int64{c.DeleteMarkers, c.Uploads, c.UploadParts, c.UploadBytes, c.RestoredObjects, c.RestoredBytes} {
		b = binary.AppendVarint(b, v)
	}
	names := make([]string, 0, len(c.Classes))
	for n := range c.Classes {
		names = append(names, n)
	}
	sort.Strings(names)
	b = binary.AppendUvarint(b, uint64(len(names)))
	for _, n := range names {
		x := c.Classes[n]
		b = binary.AppendUvarint(b, uint64(len(n)))
		b = append(b, n...)
		for _, v := range []int64{x.Objects, x.Bytes, x.NoncurrentObjects, x.NoncurrentBytes} {
			b = binary.AppendVarint(b, v)
		}
	}
	return b
}

// reader decodes varint-encoded records, remembering the first error.
type reader struct {
	buf []byte
	err error
}

func (r *reader) varint() int64 {
	v, n := binary.Varint(r.buf)
	if n <= 0 {
		r.fail()
		return 0
	}
	r.buf = r.buf[n:]
	return v
}

func (r *reader) uvarint() uint64 {
	v, n := binary.Uvarint(r.buf)
	if n <= 0 {
		r.fail()
		return 0
	}
	r.buf = r.buf[n:]
	return v
}

func (r *reader) str() string {
	n := r.uvarint()
	if r.err != nil || n > uint64(len(r.buf)) {
		r.fail()
		return ""
	}
	s := string(r.buf[:n])
	r.buf = r.buf[n:]
	return s
}

func (r *reader) fail() {
	if r.err == nil {
		r.err = errCorrupt
	}
	r.buf = nil
}

func (r *reader) counters() Counters {
	var c Counters
	if len(r.buf) == 0 || r.buf[0] != countersV1 {
		r.fail()
		return c
	}
	r.buf = r.buf[1:]
	for _, p := range []*int64{&c.DeleteMarkers, &c.Uploads, &c.UploadParts, &c.UploadBytes, &c.RestoredObjects, &c.RestoredBytes} {
		*p = r.varint()
	}
	n := r.uvarint()
	if n > uint64(len(r.buf)) {
		r.fail()
	}
	for i := uint64(0); i < n && r.err == nil; i++ {
		name := r.str()
		x := ClassCount{Objects: r.varint(), Bytes: r.varint(), NoncurrentObjects: r.varint(), NoncurrentBytes: r.varint()}
		if c.Classes == nil {
			c.Classes = map[string]ClassCount{}
		}
		c.Classes[name] = x
	}
	return c
}

// Encode returns c's stored form.
func (c *Counters) Encode() []byte { return c.appendTo(nil) }

// Decode parses what Encode wrote.
func Decode(b []byte) (Counters, error) {
	r := reader{buf: b}
	c := r.counters()
	if r.err == nil && len(r.buf) != 0 {
		r.fail()
	}
	if r.err != nil {
		return Counters{}, fmt.Errorf("decode usage counters: %w", r.err)
	}
	return c, nil
}
