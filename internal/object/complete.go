package object

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/hoard-s3/hoard/internal/checksum"
	"github.com/hoard-s3/hoard/internal/event"
	"github.com/hoard-s3/hoard/internal/meta"
)

// CompleteMultipartUpload assembles the listed parts into the object. It is
// a metadata operation whatever the size: one synced transaction writes the
// object record (which lists the part blobs), moves the parts' reverse
// index entries to it, and deletes the upload; parts not listed are freed
// after the commit. The write conditions are checked in that transaction,
// as for PutObject, and a crash leaves either the upload or the object.
func (s *Service) CompleteMultipartUpload(ctx context.Context, in CompleteMultipartInput) (*ObjectInfo, error) {
	if err := validateComplete(in); err != nil {
		return nil, err
	}
	okey := objectKey(in.Bucket, in.Key)
	var rec *record
	var freed []string
	err := s.meta.Update(ctx, func(tx meta.Txn) error {
		freed = freed[:0]
		b, err := s.bucket(ctx, tx, in.Bucket)
		if err != nil {
			return err
		}
		up, err := readUpload(ctx, tx, in.Bucket, in.Key, in.UploadID)
		if err != nil {
			return err
		}
		// An SSE-C upload completes only with its key, as S3 requires.
		if _, err := s.openUploadKey(ctx, in.Bucket, in.Key, up, in.SSE); err != nil {
			return err
		}
		stored, _, err := scanParts(ctx, tx, in.UploadID, 0, -1)
		if err != nil {
			return err
		}
		in := in
		in.Parts = pickListed(in.Parts, stored)
		rec, err = s.assemble(up, stored, in)
		if err != nil {
			return err
		}
		if err := s.completeLock(ctx, tx, b, up, rec); err != nil {
			return err
		}
		kv, err := s.loadKey(ctx, tx, b, in.Key)
		if err != nil {
			return err
		}
		if err := checkWrite(in.Cond, kv.cur); err != nil {
			return err
		}
		old, err := s.putVersion(ctx, tx, kv, rec)
		if err != nil {
			return err
		}
		freed = append(freed, old...)
		if err := setACL(tx, in.Bucket, in.Key, rec, up.Parties.ACL); err != nil {
			return err
		}
		unused, err := moveParts(tx, in, stored, okey)
		if err != nil {
			return err
		}
		freed = append(freed, unused...)
		if err := tx.Delete(uploadKey(in.Bucket, in.Key, in.UploadID)); err != nil {
			return err
		}
		if err := recordCompletion(tx, in, rec, s.cfg.Now()); err != nil {
			return err
		}
		return s.recordEvent(ctx, tx, b, event.ObjectCreatedComplete, eventObject(b, in.Key, rec))
	})
	if errors.Is(err, ErrNoSuchUpload) {
		return s.completedResult(ctx, in)
	}
	if err != nil {
		return nil, commitErr(fmt.Sprintf("complete upload %s of %s/%s", in.UploadID, in.Bucket, in.Key), err, in.Cond.any())
	}
	s.deleteBlobs(freed)
	info := rec.info(in.Bucket, in.Key)
	info.SSE.echoKey(in.SSE)
	return &info, nil
}

func validateComplete(in CompleteMultipartInput) error {
	if err := validKey(in.Key); err != nil {
		return err
	}
	if err := validUploadID(in.UploadID); err != nil {
		return err
	}
	if n := len(in.Parts); n == 0 || n > MaxPartNumber {
		return fmt.Errorf("%d parts listed: %w", n, ErrMalformedPartList)
	}
	last := 0
	for _, p := range in.Parts {
		if err := validPartNumber(p.PartNumber); err != nil {
			return fmt.Errorf("%v: %w", err, ErrInvalidPart)
		}
		// A part number may be listed twice: a client that re-uploaded a
		// part lists both uploads, and the one whose ETag matches is used.
		if p.PartNumber < last {
			return fmt.Errorf("part %d listed after part %d: %w", p.PartNumber, last, ErrInvalidPartOrder)
		}
		last = p.PartNumber
	}
	switch in.ChecksumType {
	case "", ChecksumComposite, ChecksumFullObject:
	default:
		return fmt.Errorf("checksum type %q: %w", in.ChecksumType, ErrInvalidArgument)
	}
	return validWriteConditions(in.Cond)
}

// pickListed keeps one entry per part number of a validated (ascending)
// list: of the entries listing a number more than once, the one whose ETag
// matches the stored part, else the last (which then fails as InvalidPart).
func pickListed(listed []CompletedPart, stored []storedPart) []CompletedPart {
	out := make([]CompletedPart, 0, len(listed))
	j := 0
	for i := 0; i < len(listed); {
		n := listed[i].PartNumber
		end := i + 1
		for end < len(listed) && listed[end].PartNumber == n {
			end++
		}
		for j < len(stored) && stored[j].Number < n {
			j++
		}
		pick := listed[end-1]
		if end-i > 1 && j < len(stored) && stored[j].Number == n {
			for _, c := range listed[i:end] {
				if partETagMatches(c.ETag, stored[j].MD5) {
					pick = c
					break
				}
			}
		}
		out = append(out, pick)
		i = end
	}
	return out
}

func partETagMatches(listed string, md5sum []byte) bool {
	tag := strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(listed), `"`), `"`)
	return strings.EqualFold(tag, hex.EncodeToString(md5sum))
}

// moveParts deletes the upload's part records inside tx. The listed parts'
// blobs now belong to the object record okey; the others are returned for
// deletion. Both lists are in ascending part order.
func moveParts(tx meta.Txn, in CompleteMultipartInput, stored []storedPart, okey []byte) ([]string, error) {
	var unused []string
	j := 0
	for _, p := range stored {
		for j < len(in.Parts) && in.Parts[j].PartNumber < p.Number {
			j++
		}
		listed := j < len(in.Parts) && in.Parts[j].PartNumber == p.Number
		if err := tx.Delete(partKey(in.UploadID, p.Number)); err != nil {
			return nil, err
		}
		var err error
		if listed {
			err = tx.Set(reverseKey(p.BlobID), okey)
		} else {
			unused = append(unused, p.BlobID)
			err = tx.Delete(reverseKey(p.BlobID))
		}
		if err != nil {
			return nil, err
		}
	}
	return unused, nil
}

// assemble checks the listed parts against the stored ones and builds the
// object record: part table, multipart ETag and the object's checksum.
func (s *Service) assemble(up *uploadRec, stored []storedPart, in CompleteMultipartInput) (*record, error) {
	rec := &record{
		VersionID:    NullVersion,
		ModTime:      s.cfg.Now().UnixNano(),
		Parts:        len(in.Parts),
		ChecksumAlg:  up.Alg,
		Composite:    up.Composite,
		Meta:         up.Meta,
		Tags:         up.Tags,
		Enc:          up.Enc,
		sealedMeta:   up.sealedMeta,
		StorageClass: up.Class,
	}
	etag := md5.New()
	comp := up.Alg.New()
	full := newFullObjectCRC(up.Alg)
	table := make([]byte, 0, len(in.Parts)*(48+up.Alg.DigestSize()))
	j := 0
	for i, want := range in.Parts {
		for j < len(stored) && stored[j].Number < want.PartNumber {
			j++
		}
		if j == len(stored) || stored[j].Number != want.PartNumber {
			return nil, fmt.Errorf("part %d was not uploaded: %w", want.PartNumber, ErrInvalidPart)
		}
		p := stored[j]
		if len(p.Sum) != up.Alg.DigestSize() {
			return nil, fmt.Errorf("part %d has a %d-byte %s: %w", p.Number, len(p.Sum), up.Alg, errCorrupt)
		}
		if err := checkListedPart(up, want, p); err != nil {
			return nil, err
		}
		if i < len(in.Parts)-1 && p.Size < s.minPartSize {
			return nil, fmt.Errorf("part %d has %d bytes, minimum %d: %w", p.Number, p.Size, s.minPartSize, ErrEntityTooSmall)
		}
		rec.Size += p.Size
		etag.Write(p.MD5)
		if up.Composite {
			comp.Write(p.Sum)
		} else {
			full.add(p.Sum, p.Size)
		}
		table = appendPartEntry(table, partEntry{Number: p.Number, Size: p.Size, BlobID: p.BlobID, MD5: string(p.MD5), Sum: string(p.Sum)})
	}
	if rec.Size > MaxObjectSize {
		return nil, fmt.Errorf("object of %d bytes exceeds %d: %w", rec.Size, int64(MaxObjectSize), ErrEntityTooLarge)
	}
	rec.ETag = etag.Sum(nil)
	rec.PartTable = string(table)
	if up.Composite {
		rec.ChecksumRaw = comp.Sum(nil)
	} else {
		rec.ChecksumRaw = full.sum()
	}
	return rec, checkWholeObject(up, rec, in)
}

// checkListedPart compares a part list entry with the stored part. S3
// accepts the ETag quoted or not; a listed checksum in the upload's
// algorithm must match. Checksums in another algorithm are accepted only
// where UploadPart accepted them: in an upload whose algorithm is the
// default.
func checkListedPart(up *uploadRec, want CompletedPart, p storedPart) error {
	if !partETagMatches(want.ETag, p.MD5) {
		return fmt.Errorf("part %d ETag %q does not match: %w", p.Number, want.ETag, ErrInvalidPart)
	}
	c := want.Checksum
	switch {
	case c.Algorithm == checksum.None || c.Encoded == "":
		return nil
	case c.Algorithm != up.Alg:
		if up.Defaulted {
			return nil
		}
		return fmt.Errorf("part %d checksum %s in an upload using %s: %w", p.Number, c.Algorithm, up.Alg, ErrInvalidPart)
	}
	raw, err := base64.StdEncoding.DecodeString(c.Encoded)
	if err != nil || !bytes.Equal(raw, p.Sum) {
		return fmt.Errorf("part %d %s %q does not match: %w", p.Number, c.Algorithm, c.Encoded, ErrInvalidPart)
	}
	return nil
}

// checkWholeObject verifies what the client asserted about the whole
// object: its checksum type, its checksum and its size.
func checkWholeObject(up *uploadRec, rec *record, in CompleteMultipartInput) error {
	if in.ChecksumType != "" && in.ChecksumType != up.checksumType() {
		return fmt.Errorf("checksum type %s for an upload of type %s: %w", in.ChecksumType, up.checksumType(), ErrInvalidRequest)
	}
	if in.ObjectSize != nil && *in.ObjectSize != rec.Size {
		return fmt.Errorf("declared object size %d, parts hold %d bytes: %w", *in.ObjectSize, rec.Size, ErrInvalidRequest)
	}
	c := in.Checksum
	if c.Algorithm == checksum.None || c.Encoded == "" {
		return nil
	}
	if c.Algorithm != up.Alg {
		return fmt.Errorf("%s checksum for an upload using %s: %w", c.Algorithm, up.Alg, ErrInvalidRequest)
	}
	v := c.Encoded
	if i := strings.LastIndexByte(v, '-'); i >= 0 {
		if !up.Composite || v[i+1:] != strconv.Itoa(rec.Parts) {
			return fmt.Errorf("%s value %q: %w", c.Algorithm, c.Encoded, ErrInvalidChecksum)
		}
		v = v[:i]
	}
	raw, err := base64.StdEncoding.DecodeString(v)
	if err != nil || len(raw) != up.Alg.DigestSize() {
		return fmt.Errorf("%s value %q: %w", c.Algorithm, c.Encoded, ErrInvalidChecksum)
	}
	if !bytes.Equal(raw, rec.ChecksumRaw) {
		return fmt.Errorf("%s %s, parts give %s: %w", c.Algorithm, c.Encoded, checksum.Encode(rec.ChecksumRaw), ErrChecksumMismatch)
	}
	return nil
}
