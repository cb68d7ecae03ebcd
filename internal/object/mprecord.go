package object

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/hoard-s3/hoard/internal/checksum"
	"github.com/hoard-s3/hoard/internal/meta"
	"github.com/hoard-s3/hoard/internal/sse"
)

// Upload ids are 8 bytes of initiation time (big-endian Unix nanoseconds)
// and 16 random bytes, in lower-case hex: URL-safe, unguessable (128 random
// bits), and sorting by initiation time under one key as ListMultipartUploads
// requires.
const uploadIDLen = 2 * (8 + 16)

func newUploadID(now time.Time) (string, error) {
	var b [24]byte
	binary.BigEndian.PutUint64(b[:8], uint64(now.UnixNano()))
	if _, err := rand.Read(b[8:]); err != nil {
		return "", fmt.Errorf("upload id: %w", err)
	}
	return hex.EncodeToString(b[:]), nil
}

// validUploadID rejects any id the service cannot have issued, so a
// client's id never reaches a metadata key unchecked.
func validUploadID(id string) error {
	if len(id) != uploadIDLen || !isLowerHex(id) {
		return fmt.Errorf("upload id %q: %w", id, ErrNoSuchUpload)
	}
	return nil
}

func isLowerHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// uploadRec is the stored form of an upload in progress.
type uploadRec struct {
	Initiated int64 // Unix nanoseconds
	Alg       checksum.Algorithm
	Defaulted bool // the client chose no algorithm; Alg is S3's default
	Composite bool
	Meta      Metadata
	Tags      []Tag
	Enc       *sse.Envelope // nil: parts are stored in plaintext
	// sealedMeta is Meta and Tags sealed, as in record; the version byte
	// carries sealedMetaFlag then.
	sealedMeta []byte
	Lock       *ObjectLock // the object lock CreateMultipartUpload asked for
	Class      string      // the storage class ("" for STANDARD)
	Parties    UploadParties
}

// Version 2 upload records end with the length-prefixed key envelope of
// an encrypted upload; version 1 records (plaintext uploads) have none.
//
// uploadExt, or'ed into the version byte, says that the object lock the
// upload asked for follows it (see appendLock); uploads that asked for
// none encode as before.
//
// uploadClass, or'ed into the version byte, says that the storage class
// (a length-prefixed string) follows the lock; STANDARD uploads omit it.
//
// uploadParties, or'ed into the version byte, says that the owner,
// initiator and ACL (see appendParties) follow the class; uploads made
// before they were recorded omit them and show as the bucket owner's.
const (
	uploadV1      = 1
	uploadV2      = 2
	uploadExt     = 0x10
	uploadClass   = 0x20
	uploadParties = 0x40
)

func (u *uploadRec) encode() []byte {
	b := make([]byte, 0, 32+u.Meta.size()+len(u.sealedMeta))
	v := byte(uploadV1)
	if u.Enc != nil {
		v = uploadV2
	}
	if u.sealedMeta != nil {
		v |= sealedMetaFlag
	}
	if u.Class != "" {
		v |= uploadClass
	}
	if !u.Parties.zero() {
		v |= uploadParties
	}
	if u.Lock != nil {
		b = appendLock(append(b, v|uploadExt), *u.Lock)
	} else {
		b = append(b, v)
	}
	if u.Class != "" {
		b = appendString(b, u.Class)
	}
	if !u.Parties.zero() {
		b = appendParties(b, &u.Parties)
	}
	b = binary.AppendVarint(b, u.Initiated)
	b = append(b, algCode(u.Alg), boolByte(u.Defaulted), boolByte(u.Composite))
	b = appendMetaSection(b, &u.Meta, u.Tags, u.sealedMeta)
	if u.Enc != nil {
		b = appendBytes(b, u.Enc.Append(nil))
	}
	return b
}

func decodeUpload(buf []byte) (*uploadRec, error) {
	if len(buf) == 0 {
		return nil, fmt.Errorf("upload record version: %w", errCorrupt)
	}
	version, sealed := buf[0]&^(sealedMetaFlag|uploadExt|uploadClass|uploadParties), buf[0]&sealedMetaFlag != 0
	if version != uploadV1 && version != uploadV2 {
		return nil, fmt.Errorf("upload record version: %w", errCorrupt)
	}
	d := decoder{buf: buf[1:]}
	u := &uploadRec{}
	if buf[0]&uploadExt != 0 {
		u.Lock = decodeLock(&d)
	}
	if buf[0]&uploadClass != 0 {
		u.Class = d.str()
	}
	if buf[0]&uploadParties != 0 {
		u.Parties = decodeParties(&d)
	}
	u.Initiated = d.varint()
	if c := d.byte(); c > 0 && int(c) < len(algCodes) {
		u.Alg = algCodes[c] // never None: an upload always has an algorithm
	} else {
		d.err = errCorrupt
	}
	u.Defaulted = d.byte() == 1
	u.Composite = d.byte() == 1
	u.Tags, u.sealedMeta = d.metaSection(sealed, &u.Meta)
	var env []byte
	if version == uploadV2 {
		env = d.raw()
	}
	if d.err != nil {
		return nil, fmt.Errorf("decode upload record: %w", d.err)
	}
	if version == uploadV2 {
		e, err := sse.DecodeEnvelope(env)
		if err != nil {
			return nil, fmt.Errorf("decode upload record: %w", errCorrupt)
		}
		u.Enc = e
	}
	return u, nil
}

func (u *uploadRec) checksumType() ChecksumType {
	if u.Composite {
		return ChecksumComposite
	}
	return ChecksumFullObject
}

func (u *uploadRec) info(bucket, key, id string) MultipartUpload {
	return MultipartUpload{
		Bucket:            bucket,
		Key:               key,
		UploadID:          id,
		Initiated:         time.Unix(0, u.Initiated).UTC(),
		StorageClass:      storageClass(u.Class),
		ChecksumAlgorithm: u.Alg,
		ChecksumType:      u.checksumType(),
		SSE:               sseInfo(u.Enc),
		Owner:             u.Parties.Owner,
		InitiatorID:       u.Parties.InitiatorID,
		InitiatorName:     u.Parties.InitiatorName,
	}
}

func (p *UploadParties) zero() bool {
	return p.Owner == "" && p.InitiatorID == "" && p.InitiatorName == "" && p.ACL == nil
}

func appendParties(b []byte, p *UploadParties) []byte {
	b = appendString(b, p.Owner)
	b = appendString(b, p.InitiatorID)
	b = appendString(b, p.InitiatorName)
	return appendBytes(b, p.ACL)
}

func decodeParties(d *decoder) UploadParties {
	return UploadParties{Owner: d.str(), InitiatorID: d.str(), InitiatorName: d.str(), ACL: d.bytes()}
}

// partRec is the stored form of an uploaded part.
type partRec struct {
	ModTime int64
	Size    int64
	MD5     []byte
	Sum     []byte // checksum in the upload's algorithm
	BlobID  string
}

const partV1 = 1

func (p *partRec) encode() []byte {
	b := make([]byte, 0, 32+len(p.MD5)+len(p.Sum)+len(p.BlobID))
	b = append(b, partV1)
	b = binary.AppendVarint(b, p.ModTime)
	b = binary.AppendUvarint(b, uint64(p.Size))
	b = appendBytes(b, p.MD5)
	b = appendBytes(b, p.Sum)
	return appendString(b, p.BlobID)
}

func decodePart(buf []byte) (*partRec, error) {
	if len(buf) == 0 || buf[0] != partV1 {
		return nil, fmt.Errorf("part record version: %w", errCorrupt)
	}
	d := decoder{buf: buf[1:]}
	p := &partRec{ModTime: d.varint(), Size: int64(d.uvarint())}
	p.MD5 = d.bytes()
	p.Sum = d.bytes()
	p.BlobID = d.str()
	if d.err == nil && (len(p.MD5) != 16 || p.BlobID == "" || p.Size < 0 || p.Size > MaxPartSize) {
		d.err = errCorrupt
	}
	if d.err != nil {
		return nil, fmt.Errorf("decode part record: %w", d.err)
	}
	return p, nil
}

func (p *partRec) info(n int, alg checksum.Algorithm) PartInfo {
	pi := PartInfo{
		PartNumber:   n,
		ETag:         hex.EncodeToString(p.MD5),
		Size:         p.Size,
		LastModified: time.Unix(0, p.ModTime).UTC(),
	}
	if alg != checksum.None && len(p.Sum) > 0 {
		pi.Checksum = checksum.Value{Algorithm: alg, Encoded: checksum.Encode(p.Sum)}
	}
	return pi
}

// readUpload reads an upload record through r: ErrNoSuchUpload when it is
// missing (the upload was completed or aborted, or never existed).
func readUpload(ctx context.Context, r meta.Reader, bucket, key, id string) (*uploadRec, error) {
	v, err := r.Get(ctx, uploadKey(bucket, key, id))
	if errors.Is(err, meta.ErrNotFound) {
		return nil, fmt.Errorf("upload %s of %s/%s: %w", id, bucket, key, ErrNoSuchUpload)
	}
	if err != nil {
		return nil, fmt.Errorf("read upload %s: %w", id, err)
	}
	return decodeUpload(v)
}

// storedPart is a part record with its number.
type storedPart struct {
	Number int
	*partRec
}

// scanParts reads up to limit parts of an upload (limit < 0: all) with
// numbers greater than after, in number order. more reports whether parts
// follow the page.
func scanParts(ctx context.Context, r meta.Reader, id string, after, limit int) (parts []storedPart, more bool, err error) {
	if after >= MaxPartNumber {
		return nil, false, nil
	}
	after = max(after, 0)
	base := partBase(id)
	it, err := r.NewIter(ctx, base, meta.PrefixEnd(base))
	if err != nil {
		return nil, false, fmt.Errorf("scan parts of %s: %w", id, err)
	}
	defer it.Close()
	for ok := it.SeekGE(partKey(id, after+1)); ok; ok = it.Next() {
		if limit >= 0 && len(parts) == limit {
			return parts, true, nil
		}
		k := it.Key()
		if len(k) != len(base)+2 {
			return nil, false, fmt.Errorf("part key %q: %w", k, errCorrupt)
		}
		v, err := it.Value()
		if err != nil {
			return nil, false, fmt.Errorf("scan parts of %s: %w", id, err)
		}
		p, err := decodePart(v)
		if err != nil {
			return nil, false, err
		}
		parts = append(parts, storedPart{Number: int(binary.BigEndian.Uint16(k[len(base):])), partRec: p})
	}
	if err := it.Error(); err != nil {
		return nil, false, fmt.Errorf("scan parts of %s: %w", id, err)
	}
	return parts, false, nil
}

// dropUpload deletes, inside tx, an upload record and all its part records
// with their reverse index entries, returning the part blobs to delete
// once the transaction is durable.
func dropUpload(ctx context.Context, tx meta.Txn, bucket, key, id string) ([]string, error) {
	parts, _, err := scanParts(ctx, tx, id, 0, -1)
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(parts))
	for _, p := range parts {
		if err := deleteAll(tx, partKey(id, p.Number), reverseKey(p.BlobID)); err != nil {
			return nil, err
		}
		ids = append(ids, p.BlobID)
	}
	return ids, tx.Delete(uploadKey(bucket, key, id))
}

func deleteAll(tx meta.Txn, keys ...[]byte) error {
	for _, k := range keys {
		if err := tx.Delete(k); err != nil {
			return err
		}
	}
	return nil
}
