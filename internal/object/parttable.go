package object

import (
	"crypto/md5"
	"encoding/binary"
	"fmt"
)

// The part table of a multipart object record lists its part blobs in
// order. Each entry is
//
//	uvarint part number | uvarint size | uvarint len, blob id | 16-byte MD5 | uvarint len, checksum
//
// A decoded table is one string; walking it yields entries whose strings
// are substrings of it, so reading a 10,000-part table allocates nothing
// per part, and a listing or HEAD (modeList, modeHeader) does not even
// copy it.

// partEntry is one part of a completed multipart object.
type partEntry struct {
	Number int
	Size   int64
	BlobID string
	MD5    string // raw digest
	Sum    string // raw additional checksum
}

func appendPartEntry(b []byte, e partEntry) []byte {
	b = binary.AppendUvarint(b, uint64(e.Number))
	b = binary.AppendUvarint(b, uint64(e.Size))
	b = appendString(b, e.BlobID)
	b = append(b, e.MD5...)
	return appendString(b, e.Sum)
}

// partIter walks an encoded part table.
type partIter struct {
	rest string
	err  error
}

func (it *partIter) uvarint() uint64 {
	var v uint64
	for i := 0; i < len(it.rest) && i < binary.MaxVarintLen64; i++ {
		c := it.rest[i]
		v |= uint64(c&0x7f) << (7 * i)
		if c < 0x80 {
			it.rest = it.rest[i+1:]
			return v
		}
	}
	it.err = errCorrupt
	return 0
}

func (it *partIter) take(n uint64) string {
	if it.err != nil || n > uint64(len(it.rest)) {
		it.err = errCorrupt
		return ""
	}
	s := it.rest[:n]
	it.rest = it.rest[n:]
	return s
}

// next decodes the next entry; false at the end of the table or on
// corruption (then err is set).
func (it *partIter) next() (partEntry, bool) {
	if it.err != nil || it.rest == "" {
		return partEntry{}, false
	}
	var e partEntry
	e.Number = int(it.uvarint())
	e.Size = int64(it.uvarint())
	e.BlobID = it.take(it.uvarint())
	e.MD5 = it.take(md5.Size)
	e.Sum = it.take(it.uvarint())
	if it.err == nil && (e.Size < 0 || e.Size > MaxPartSize || e.Number < 1 || e.Number > MaxPartNumber) {
		it.err = errCorrupt
	}
	return e, it.err == nil
}

func (r *record) parts() *partIter { return &partIter{rest: r.PartTable} }

// setPartTable keeps the part table of a multipart record when mode asks
// for it, after checking that it agrees with the header: a corrupt table
// fails here, not in the middle of a response body.
func (r *record) setPartTable(raw []byte, mode decodeMode) error {
	if mode == modeHeader {
		return nil
	}
	if r.Parts < 1 || r.Parts > MaxPartNumber {
		return fmt.Errorf("%d parts: %w", r.Parts, errCorrupt)
	}
	r.PartTable = string(raw)
	it := r.parts()
	n, size, last := 0, int64(0), 0
	for e, ok := it.next(); ok; e, ok = it.next() {
		if e.Number <= last {
			return fmt.Errorf("part %d after %d: %w", e.Number, last, errCorrupt)
		}
		n, size, last = n+1, size+e.Size, e.Number
	}
	if it.err != nil || n != r.Parts || size != r.Size {
		return fmt.Errorf("part table of %d parts, %d bytes: %w", n, size, errCorrupt)
	}
	return nil
}

// blobIDs lists every data file a record references: its data and the
// restored copy of an archived version.
func (r *record) blobIDs() []string {
	ids := r.dataBlobIDs()
	if r.Restore != nil {
		ids = append(ids, r.Restore.Copies...)
	}
	return ids
}

// withBlobIDs returns a copy of r whose data is in the blobs ids, which
// replace dataBlobIDs one for one (a transition, or the restored copy).
func (r *record) withBlobIDs(ids []string) (*record, error) {
	c := *r
	if r.BlobID != "" {
		if len(ids) != 1 {
			return nil, fmt.Errorf("%d blob ids for a single-blob record: %w", len(ids), errCorrupt)
		}
		c.BlobID = ids[0]
		return &c, nil
	}
	if !r.multipart() {
		if len(ids) != 0 {
			return nil, fmt.Errorf("%d blob ids for inline data: %w", len(ids), errCorrupt)
		}
		return &c, nil
	}
	table := make([]byte, 0, len(r.PartTable)+len(ids)*8)
	it := r.parts()
	i := 0
	for e, ok := it.next(); ok; e, ok = it.next() {
		if i >= len(ids) {
			return nil, fmt.Errorf("%d blob ids for %d parts: %w", len(ids), r.Parts, errCorrupt)
		}
		e.BlobID = ids[i]
		table = appendPartEntry(table, e)
		i++
	}
	if it.err != nil || i != len(ids) {
		return nil, fmt.Errorf("%d blob ids for %d parts: %w", len(ids), r.Parts, errCorrupt)
	}
	c.PartTable = string(table)
	return &c, nil
}

// dataBlobIDs lists the data files of a record's data, in part order.
func (r *record) dataBlobIDs() []string {
	if r.BlobID != "" {
		return []string{r.BlobID}
	}
	if !r.multipart() {
		return nil
	}
	ids := make([]string, 0, r.Parts)
	it := r.parts()
	for e, ok := it.next(); ok; e, ok = it.next() {
		ids = append(ids, e.BlobID)
	}
	return ids
}
