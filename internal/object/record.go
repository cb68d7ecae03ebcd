package object

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/hoard-s3/hoard/internal/checksum"
	"github.com/hoard-s3/hoard/internal/sse"
)

// Object records are a compact binary encoding: a version byte, a header of
// varints and length-prefixed strings, and the inline data as raw trailing
// bytes, so a small PUT pays no base64 or escaping and a listing can decode
// the header without touching the data.
//
// Version 2 records are multipart objects: the version 1 header (with no
// blob id and no inline data), a checksum-type byte, and the part table as
// the trailing bytes. Single-blob objects keep the version 1 encoding, so
// records written before multipart existed read unchanged.
//
// restoreFlag (restorerec.go) marks a restore block after the version
// block.
//
// Versions 3 and 4 are versions 1 and 2 of encrypted objects: after the
// blob id comes the length-prefixed key envelope (sse.Envelope), and the
// inline data or the part blobs hold sealed packages. Plaintext records
// keep versions 1 and 2.
//
// recordExt, or'ed into the version byte, says that a version block
// follows it: a flags byte (delete marker, legal hold), the object-lock
// mode byte and the retain-until time (varint Unix nanoseconds, 0 for
// none). Records without any of these omit the block, so they encode as
// they did before versioning.
//
// sealedMetaFlag, or'ed into the version byte, marks a record whose
// metadata and tags (what appendMetaTags writes) are sealed (see
// metaseal.go): one length-prefixed sealed blob stands in their place;
// the rest of the record is unchanged.
const (
	recordV1       = 1
	recordV2       = 2
	recordV3       = 3
	recordV4       = 4
	recordExt      = 0x10
	sealedMetaFlag = 0x80
)

// Flags of the version block.
const (
	extDeleteMarker = 1 << iota
	extLegalHold
	extLegalHoldSet // a legal hold was set, ON or OFF
	extReplication  // a replication status byte follows the retain-until time
)

// record is the stored form of one object version.
type record struct {
	VersionID    string
	Size         int64
	ModTime      int64  // Unix nanoseconds
	ETag         []byte // raw MD5 (or multipart digest)
	Parts        int    // 0 for single-part objects
	ChecksumAlg  checksum.Algorithm
	ChecksumRaw  []byte
	StorageClass string // empty means STANDARD
	Meta         Metadata
	Tags         []Tag
	BlobID       string // empty when the data is inline
	Inline       []byte
	Composite    bool          // the checksum is COMPOSITE (multipart only)
	PartTable    string        // encoded part table (see parttable.go); multipart only
	Enc          *sse.Envelope // nil for plaintext data
	// sealedMeta, when set, holds Meta and Tags sealed, as decoded and
	// not yet opened (Meta and Tags are then empty); encode writes it back
	// unchanged.
	sealedMeta []byte

	// DeleteMarker records carry only VersionID and ModTime.
	DeleteMarker bool
	// Object lock, per version. Stored here; enforced by checkRemovable.
	LockMode    LockMode
	RetainUntil int64 // Unix nanoseconds; 0 for none
	LegalHold   bool
	// LegalHoldSet: a legal hold (ON or OFF) was ever set.
	LegalHoldSet bool
	// Restore is the restore of an archived version (restorerec.go).
	Restore *restoreState
	// Tiering is the access state of an INTELLIGENT_TIERING version
	// (itrec.go); nil for other classes and for an IT version never read
	// since written.
	Tiering *itState
	// Repl is the version's replication status (replstatus.go).
	Repl ReplicationStatus
}

// hasExt reports whether the record needs the version block.
func (r *record) hasExt() bool {
	return r.DeleteMarker || r.LegalHold || r.LegalHoldSet || r.LockMode != LockNone || r.RetainUntil != 0 || r.Repl != ReplNone
}

func (r *record) appendExt(b []byte) []byte {
	var f byte
	if r.DeleteMarker {
		f |= extDeleteMarker
	}
	if r.LegalHold {
		f |= extLegalHold
	}
	if r.LegalHoldSet {
		f |= extLegalHoldSet
	}
	if r.Repl != ReplNone {
		f |= extReplication
	}
	b = append(b, f, byte(r.LockMode))
	b = binary.AppendVarint(b, r.RetainUntil)
	if r.Repl != ReplNone {
		b = append(b, byte(r.Repl))
	}
	return b
}

func (r *record) decodeExt(d *decoder) {
	f := d.byte()
	r.DeleteMarker = f&extDeleteMarker != 0
	r.LegalHold = f&extLegalHold != 0
	r.LegalHoldSet = f&extLegalHoldSet != 0
	r.LockMode = LockMode(d.byte())
	r.RetainUntil = d.varint()
	if f&extReplication != 0 {
		r.Repl = ReplicationStatus(d.byte())
		if r.Repl == ReplNone || r.Repl > ReplReplica {
			d.err = errCorrupt
		}
	}
	if f&^(extDeleteMarker|extLegalHold|extLegalHoldSet|extReplication) != 0 || r.LockMode > LockCompliance {
		d.err = errCorrupt
	}
}

// encrypted reports whether the record's data is sealed.
func (r *record) encrypted() bool { return r.Enc != nil && r.Enc.Type != sse.None }

// storedSize is the size of n bytes of the record's data as stored.
func (r *record) storedSize(n int64) int64 {
	if r.encrypted() {
		return sse.CiphertextSize(n)
	}
	return n
}

// algCodes gives each checksum algorithm a stable one-byte code.
var algCodes = []checksum.Algorithm{checksum.None, checksum.CRC32, checksum.CRC32C, checksum.CRC64NVME, checksum.SHA1, checksum.SHA256}

func algCode(a checksum.Algorithm) byte {
	for i, x := range algCodes {
		if x == a {
			return byte(i)
		}
	}
	return 0
}

func (r *record) encode() []byte {
	n := 64 + len(r.VersionID) + len(r.ETag) + len(r.ChecksumRaw) + len(r.BlobID) + len(r.Inline) + r.Meta.size()
	for _, t := range r.Tags {
		n += len(t.Key) + len(t.Value) + 4
	}
	n += len(r.PartTable) + len(r.sealedMeta)
	var env []byte
	if r.encrypted() {
		env = r.Enc.Append(nil)
		n += len(env) + 4
	}
	b := make([]byte, 0, n)
	v := byte(recordV1)
	if r.multipart() {
		v = recordV2
	}
	if env != nil {
		v += 2
	}
	if r.sealedMeta != nil {
		v |= sealedMetaFlag
	}
	if r.Restore != nil {
		v |= restoreFlag
	}
	if r.Tiering != nil {
		v |= tieringFlag
	}
	if r.hasExt() {
		b = append(b, v|recordExt)
		b = r.appendExt(b)
	} else {
		b = append(b, v)
	}
	if r.Restore != nil {
		b = r.Restore.append(b)
	}
	if r.Tiering != nil {
		b = r.Tiering.append(b)
	}
	b = appendString(b, r.VersionID)
	b = binary.AppendUvarint(b, uint64(r.Size))
	b = binary.AppendVarint(b, r.ModTime)
	b = appendBytes(b, r.ETag)
	b = binary.AppendUvarint(b, uint64(r.Parts))
	b = append(b, algCode(r.ChecksumAlg))
	b = appendBytes(b, r.ChecksumRaw)
	b = appendString(b, r.StorageClass)
	b = appendMetaSection(b, &r.Meta, r.Tags, r.sealedMeta)
	b = appendString(b, r.BlobID)
	if env != nil {
		b = appendBytes(b, env)
	}
	if r.multipart() {
		b = append(b, boolByte(r.Composite))
		return append(b, r.PartTable...)
	}
	return append(b, r.Inline...)
}

// multipart reports whether the record's data is a table of part blobs.
func (r *record) multipart() bool { return r.BlobID == "" && r.Parts > 0 }

func boolByte(v bool) byte {
	if v {
		return 1
	}
	return 0
}

// decodeMode says how much of a record to decode.
type decodeMode int

const (
	modeList   decodeMode = iota // what a listing shows, aliasing the buffer
	modeHeader                   // descriptive fields only (HEAD)
	modeParts                    // plus the part table, without inline data
	modeFull                     // everything
)

var errCorrupt = errors.New("corrupt object record")

// decodeRecordMode parses an encoded record, as much of it as mode says.
func decodeRecordMode(buf []byte, mode decodeMode) (*record, error) {
	r := &record{}
	if err := r.decode(buf, mode); err != nil {
		return nil, err
	}
	return r, nil
}

// decode parses an encoded record into r, which must be zero. In modeList
// it stops at what a listing shows: metadata, tags and the key envelope
// are skipped unparsed, and ETag and ChecksumRaw alias buf.
func (r *record) decode(buf []byte, mode decodeMode) error {
	if len(buf) == 0 {
		return fmt.Errorf("record version: %w", errCorrupt)
	}
	sealed := buf[0]&sealedMetaFlag != 0
	v := buf[0] &^ (recordExt | sealedMetaFlag | restoreFlag | tieringFlag)
	if v < recordV1 || v > recordV4 {
		return fmt.Errorf("record version: %w", errCorrupt)
	}
	multipart := v == recordV2 || v == recordV4
	encrypted := v >= recordV3
	d := decoder{buf: buf[1:]}
	if buf[0]&recordExt != 0 {
		r.decodeExt(&d)
	}
	if buf[0]&restoreFlag != 0 {
		r.Restore = decodeRestore(&d)
	}
	if buf[0]&tieringFlag != 0 {
		r.Tiering = decodeTiering(&d)
	}
	list := mode == modeList
	byteField := d.bytes
	if list {
		byteField = d.raw
	}
	r.VersionID = d.str()
	r.Size = int64(d.uvarint())
	r.ModTime = d.varint()
	r.ETag = byteField()
	r.Parts = int(d.uvarint())
	if c := d.byte(); int(c) < len(algCodes) {
		r.ChecksumAlg = algCodes[c]
	} else {
		d.err = errCorrupt
	}
	r.ChecksumRaw = byteField()
	r.StorageClass = d.str()
	switch {
	case list && sealed:
		d.raw()
		d.raw() // blob id
	case list:
		d.skipMetaTags()
		d.raw() // blob id
	default:
		r.Tags, r.sealedMeta = d.metaSection(sealed, &r.Meta)
		r.BlobID = d.str()
	}
	var env []byte
	if encrypted {
		env = d.raw()
	}
	if multipart {
		r.Composite = d.byte() == 1
	}
	if d.err != nil {
		return fmt.Errorf("decode object record: %w", d.err)
	}
	if list {
		return nil
	}
	if encrypted {
		e, err := sse.DecodeEnvelope(env)
		if err != nil || e.Type == sse.None {
			return fmt.Errorf("decode object record: key envelope: %w", errCorrupt)
		}
		r.Enc = e
	}
	if multipart {
		if r.BlobID != "" {
			return fmt.Errorf("multipart record with blob %s: %w", r.BlobID, errCorrupt)
		}
		return r.setPartTable(d.buf, mode)
	}
	if r.BlobID == "" && r.Parts != 0 {
		// Inline data with a part count would re-encode as a multipart record.
		return fmt.Errorf("inline record with %d parts: %w", r.Parts, errCorrupt)
	}
	if r.BlobID == "" && int64(len(d.buf)) != r.storedSize(r.Size) {
		return fmt.Errorf("inline data of %d bytes for size %d: %w", len(d.buf), r.Size, errCorrupt)
	}
	if mode == modeFull && r.BlobID == "" {
		r.Inline = append([]byte(nil), d.buf...)
	}
	return nil
}

// etag renders the ETag as S3 shows it (unquoted).
func (r *record) etag() string {
	s := hex.EncodeToString(r.ETag)
	if r.Parts > 0 {
		s += "-" + strconv.Itoa(r.Parts)
	}
	return s
}

func (r *record) info(bucket, key string) ObjectInfo {
	oi := ObjectInfo{
		Bucket:       bucket,
		Key:          key,
		VersionID:    r.VersionID,
		Size:         r.Size,
		ETag:         r.etag(),
		LastModified: time.Unix(0, r.ModTime).UTC(),
		Metadata:     r.Meta,
		TagCount:     len(r.Tags),
		StorageClass: r.StorageClass,
		PartsCount:   r.Parts,
		SSE:          sseInfo(r.Enc),
		DeleteMarker: r.DeleteMarker,
		Lock:         r.lock(),
		Restore:      r.Restore.status(),
		Replication:  r.Repl,
	}
	if oi.StorageClass == "" {
		oi.StorageClass = "STANDARD"
	}
	if r.ChecksumAlg != checksum.None {
		oi.Checksum = checksum.Value{Algorithm: r.ChecksumAlg, Encoded: base64.StdEncoding.EncodeToString(r.ChecksumRaw)}
		oi.ChecksumType = r.checksumType()
		if r.Composite {
			oi.Checksum.Encoded += "-" + strconv.Itoa(r.Parts)
		}
	}
	return oi
}

// listed is the listing entry of the record, decoded in any mode.
func (r *record) listed(key string) ListedObject {
	o := ListedObject{Key: key, Size: r.Size, ETag: r.etag(), LastModified: time.Unix(0, r.ModTime).UTC(),
		ChecksumAlgorithm: r.ChecksumAlg, StorageClass: r.StorageClass}
	if o.StorageClass == "" {
		o.StorageClass = "STANDARD"
	}
	if r.ChecksumAlg != checksum.None {
		o.ChecksumType = r.checksumType()
	}
	o.Restore = r.Restore.status()
	if r.StorageClass == ClassIntelligentTiering {
		o.LastRead, o.ArchiveTier = r.lastRead(), r.Tiering.archiveTier()
	}
	return o
}

func (r *record) checksumType() ChecksumType {
	if r.Composite {
		return ChecksumComposite
	}
	return ChecksumFullObject
}

// fixedMetaFields is len(m.fixed()).
const fixedMetaFields = 6

// fixed lists the system metadata fields in their encoding order.
func (m *Metadata) fixed() []*string {
	return []*string{&m.ContentType, &m.ContentEncoding, &m.ContentDisposition, &m.ContentLanguage, &m.CacheControl, &m.Expires}
}

func (m *Metadata) size() int {
	n := 0
	for _, s := range m.fixed() {
		n += len(*s) + 2
	}
	for k, v := range m.User {
		n += len(k) + len(v) + 4
	}
	return n
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendBytes(b, s []byte) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// decoder reads the header fields; the first error sticks and later reads
// return zero values, so decode checks once at the end.
type decoder struct {
	buf []byte
	err error
}

func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.buf)
	if n <= 0 {
		d.err = errCorrupt
		return 0
	}
	d.buf = d.buf[n:]
	return v
}

func (d *decoder) varint() int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.buf)
	if n <= 0 {
		d.err = errCorrupt
		return 0
	}
	d.buf = d.buf[n:]
	return v
}

func (d *decoder) byte() byte {
	if d.err != nil || len(d.buf) == 0 {
		d.err = errCorrupt
		return 0
	}
	c := d.buf[0]
	d.buf = d.buf[1:]
	return c
}

// count reads a length that must fit in the remaining bytes, so a corrupt
// count cannot make the decoder allocate without bound.
func (d *decoder) count() int {
	n := d.uvarint()
	if n > uint64(len(d.buf)) {
		d.err = errCorrupt
		return 0
	}
	return int(n)
}

func (d *decoder) raw() []byte {
	n := d.count()
	if d.err != nil {
		return nil
	}
	s := d.buf[:n]
	d.buf = d.buf[n:]
	return s
}

func (d *decoder) str() string { return string(d.raw()) }

func (d *decoder) bytes() []byte {
	s := d.raw()
	if len(s) == 0 {
		return nil
	}
	return append([]byte(nil), s...)
}

// Bucket records: version byte, creation time, region, owner; version 2
// adds the versioning state and the object-lock switch. Buckets that were
// never versioned keep version 1.
const (
	bucketV1 = 1
	bucketV2 = 2
)

func encodeBucket(b *Bucket) []byte {
	v := byte(bucketV1)
	if b.Versioning != VersioningOff || b.ObjectLock {
		v = bucketV2
	}
	out := []byte{v}
	out = binary.AppendVarint(out, b.Created.UnixNano())
	out = appendString(out, b.Region)
	out = appendString(out, b.Owner)
	if v == bucketV2 {
		out = append(out, byte(b.Versioning), boolByte(b.ObjectLock))
	}
	return out
}

func decodeBucket(name string, buf []byte) (*Bucket, error) {
	if len(buf) == 0 || buf[0] != bucketV1 && buf[0] != bucketV2 {
		return nil, fmt.Errorf("bucket record %q version: %w", name, errCorrupt)
	}
	d := decoder{buf: buf[1:]}
	b := &Bucket{Name: name}
	b.Created = time.Unix(0, d.varint()).UTC()
	b.Region = d.str()
	b.Owner = d.str()
	if buf[0] == bucketV2 {
		b.Versioning = VersioningState(d.byte())
		b.ObjectLock = d.byte() == 1
		if b.Versioning > VersioningSuspended {
			d.err = errCorrupt
		}
	}
	if d.err != nil {
		return nil, fmt.Errorf("decode bucket record %q: %w", name, d.err)
	}
	return b, nil
}

// appendMetaTags encodes an object's metadata and tags, the part that
// object records and upload records share.
func appendMetaTags(b []byte, m *Metadata, tags []Tag) []byte {
	for _, s := range m.fixed() {
		b = appendString(b, *s)
	}
	b = binary.AppendUvarint(b, uint64(len(m.User)))
	for k, v := range m.User {
		b = appendString(b, k)
		b = appendString(b, v)
	}
	b = binary.AppendUvarint(b, uint64(len(tags)))
	for _, t := range tags {
		b = appendString(b, t.Key)
		b = appendString(b, t.Value)
	}
	return b
}

// appendMetaSection writes the metadata and tags, or in their place the
// sealed form of both when there is one.
func appendMetaSection(b []byte, m *Metadata, tags []Tag, sealed []byte) []byte {
	if sealed != nil {
		return appendBytes(b, sealed)
	}
	return appendMetaTags(b, m, tags)
}

// metaSection reads what appendMetaSection wrote: the tags (and m), or
// the sealed blob when the record's version byte says it is sealed.
func (d *decoder) metaSection(sealed bool, m *Metadata) (tags []Tag, sealedMeta []byte) {
	if !sealed {
		return d.metaTags(m), nil
	}
	if sealedMeta = d.bytes(); sealedMeta == nil && d.err == nil {
		d.err = errCorrupt // a sealed blob is never empty
	}
	return nil, sealedMeta
}

// skipMetaTags passes over what appendMetaTags wrote without allocating.
func (d *decoder) skipMetaTags() {
	for range fixedMetaFields {
		d.raw()
	}
	for range 2 { // user metadata, then tags: counted pairs of strings
		n := d.count()
		for i := 0; i < 2*n && d.err == nil; i++ {
			d.raw()
		}
	}
}

// metaTags decodes what appendMetaTags wrote into m and returns the tags.
func (d *decoder) metaTags(m *Metadata) []Tag {
	for _, s := range m.fixed() {
		*s = d.str()
	}
	if n := d.count(); n > 0 {
		m.User = make(map[string]string, n)
		for i := 0; i < n; i++ {
			k := d.str()
			m.User[k] = d.str()
		}
	}
	var tags []Tag
	if n := d.count(); n > 0 {
		tags = make([]Tag, n)
		for i := range tags {
			tags[i] = Tag{Key: d.str(), Value: d.str()}
		}
	}
	return tags
}
