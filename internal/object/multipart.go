package object

import (
	"context"
	"crypto/md5"
	"errors"
	"fmt"
	"hash"

	"github.com/hoard-s3/hoard/internal/blob"
	"github.com/hoard-s3/hoard/internal/checksum"
	"github.com/hoard-s3/hoard/internal/meta"
	"github.com/hoard-s3/hoard/internal/sse"
)

// CreateMultipartUpload starts a multipart upload and returns its id.
func (s *Service) CreateMultipartUpload(ctx context.Context, in CreateMultipartInput) (*MultipartUpload, error) {
	if err := validKey(in.Key); err != nil {
		return nil, err
	}
	if err := validMetadata(in.Metadata); err != nil {
		return nil, err
	}
	if err := validTags(in.Tags); err != nil {
		return nil, err
	}
	if err := ValidStorageClass(in.StorageClass); err != nil {
		return nil, err
	}
	up, err := newUploadRec(in.ChecksumAlgorithm, in.ChecksumType)
	if err != nil {
		return nil, err
	}
	up.Class = storedClass(in.StorageClass)
	if len(in.Parties.ACL) > MaxBucketConfigBytes {
		return nil, fmt.Errorf("upload ACL of %d bytes: %w", len(in.Parties.ACL), ErrEntityTooLarge)
	}
	up.Parties = in.Parties
	if up.Lock, err = s.uploadLock(ctx, in.Bucket, in.Lock); err != nil {
		return nil, err
	}
	sl, err := s.newSeal(ctx, in.Bucket, in.Key, in.SSE)
	if err != nil {
		return nil, err
	}
	now := s.cfg.Now()
	up.Initiated, up.Meta, up.Tags, up.Enc = now.UnixNano(), in.Metadata, in.Tags, sl.env
	id, err := newUploadID(now)
	if err != nil {
		return nil, err
	}
	val, err := s.encodeUpload(in.Bucket, in.Key, up)
	if err != nil {
		return nil, err
	}
	err = s.meta.Update(ctx, func(tx meta.Txn) error {
		if _, err := s.bucket(ctx, tx, in.Bucket); err != nil {
			return err
		}
		return tx.Set(uploadKey(in.Bucket, in.Key, id), val)
	})
	if err != nil {
		return nil, fmt.Errorf("create upload for %s/%s: %w", in.Bucket, in.Key, err)
	}
	info := up.info(in.Bucket, in.Key, id)
	info.SSE.echoKey(in.SSE)
	return &info, nil
}

// newUploadRec applies S3's rules on checksum algorithm and type: SHA
// algorithms are COMPOSITE only, CRC64NVME FULL_OBJECT only, CRC32 and
// CRC32C either (COMPOSITE unless asked); no algorithm means a
// full-object CRC64NVME, and a type needs an algorithm.
func newUploadRec(alg checksum.Algorithm, typ ChecksumType) (*uploadRec, error) {
	up := &uploadRec{Alg: alg}
	if alg == checksum.None {
		if typ != "" {
			return nil, fmt.Errorf("checksum type %s without an algorithm: %w", typ, ErrInvalidRequest)
		}
		up.Alg, up.Defaulted = checksum.CRC64NVME, true
		return up, nil
	}
	if alg.New() == nil {
		return nil, fmt.Errorf("checksum algorithm %q: %w", alg, ErrInvalidArgument)
	}
	full := crcSpecs[alg] != nil
	switch typ {
	case "":
		up.Composite = alg != checksum.CRC64NVME
	case ChecksumComposite:
		if alg == checksum.CRC64NVME {
			return nil, fmt.Errorf("COMPOSITE checksum with %s: %w", alg, ErrInvalidRequest)
		}
		up.Composite = true
	case ChecksumFullObject:
		if !full {
			return nil, fmt.Errorf("FULL_OBJECT checksum with %s: %w", alg, ErrInvalidRequest)
		}
	default:
		return nil, fmt.Errorf("checksum type %q: %w", typ, ErrInvalidArgument)
	}
	return up, nil
}

func validPartNumber(n int) error {
	if n < 1 || n > MaxPartNumber {
		return fmt.Errorf("part number %d not in 1..%d: %w", n, MaxPartNumber, ErrInvalidArgument)
	}
	return nil
}

func validPartTarget(key, id string, n int) error {
	if err := validKey(key); err != nil {
		return err
	}
	if err := validPartNumber(n); err != nil {
		return err
	}
	return validUploadID(id)
}

// UploadPart stores one part. It answers once the part's data and record
// are durable; re-uploading a part number replaces the part and frees the
// old one's data.
func (s *Service) UploadPart(ctx context.Context, in UploadPartInput) (*PartInfo, error) {
	if err := validPartTarget(in.Key, in.UploadID, in.PartNumber); err != nil {
		return nil, err
	}
	if in.Size > MaxPartSize {
		return nil, fmt.Errorf("part of %d bytes exceeds %d: %w", in.Size, int64(MaxPartSize), ErrEntityTooLarge)
	}
	if len(in.ContentMD5) != 0 && len(in.ContentMD5) != md5.Size {
		return nil, fmt.Errorf("Content-MD5 of %d bytes: %w", len(in.ContentMD5), ErrBadDigest)
	}
	if err := validExpected(in.Checksum); err != nil {
		return nil, err
	}
	// Fail before reading a possibly large body; the commit checks again.
	up, err := readUpload(ctx, s.meta, in.Bucket, in.Key, in.UploadID)
	if err != nil {
		return nil, err
	}
	if a := in.Checksum.Algorithm; a != checksum.None && a != up.Alg && !up.Defaulted {
		return nil, fmt.Errorf("part checksum %s in an upload using %s: %w", a, up.Alg, ErrInvalidRequest)
	}
	dk, err := s.openUploadKey(ctx, in.Bucket, in.Key, up, in.SSE)
	if err != nil {
		return nil, err
	}
	p, w, err := s.ingestPart(ctx, up.Alg, s.tierOf(up.Class), in, dk)
	if err != nil {
		return nil, fmt.Errorf("part %d of %s/%s: %w", in.PartNumber, in.Bucket, in.Key, err)
	}
	info, err := s.commitPart(ctx, in.Bucket, in.Key, in.UploadID, in.PartNumber, up, p, w)
	if err != nil {
		return nil, err
	}
	info.SSE.echoKey(in.SSE)
	return info, nil
}

// openUploadKey opens the data key of an upload for one of its parts.
func (s *Service) openUploadKey(ctx context.Context, bucket, key string, up *uploadRec, r SSERequest) ([]byte, error) {
	dk, err := s.openKey(ctx, bucket, key, up.Enc, r, true)
	if errors.Is(err, ErrSSECustomerKeyMismatch) {
		return nil, fmt.Errorf("part of %s/%s: %w", bucket, key, ErrUploadKeyMismatch)
	}
	return dk, err
}

// teeHash feeds a second hash with everything written to the first.
type teeHash struct {
	hash.Hash
	also hash.Hash
}

func (t teeHash) Write(p []byte) (int, error) {
	t.also.Write(p)
	return t.Hash.Write(p)
}

// ingestPart streams a part body into a new blob, hashing MD5 and the
// upload's checksum (and the client's, when it declared another) in the
// same pass, and verifies the client's digests. With the upload's data key
// dk the part is sealed under its own key derived from dk, the part number
// and the blob id. The blob is not committed.
func (s *Service) ingestPart(ctx context.Context, alg checksum.Algorithm, tier string, in UploadPartInput, dk []byte) (*partRec, blob.Writer, error) {
	md := md5.New()
	ck := alg.New()
	var other hash.Hash
	if a := in.Checksum.Algorithm; a != checksum.None && a != alg {
		other = a.New()
		ck = teeHash{Hash: ck, also: other}
	}
	sk := &sink{limit: -1, create: func() (blob.Writer, error) { return s.createIn(ctx, tier) }}
	var key []byte
	if dk != nil {
		// The part key depends on the blob id: create the blob first.
		w, err := s.createIn(ctx, tier)
		if err != nil {
			return nil, nil, fmt.Errorf("create blob: %w", err)
		}
		sk.w = w
		if key, err = sse.PartKey(dk, in.PartNumber, blob.LocalID(w.ID())); err != nil {
			s.discard(w)
			return nil, nil, err
		}
	}
	n, err := sealedPump(ctx, in.Body, in.Size, md, ck, sk, key)
	if err == nil && sk.w == nil {
		// An empty part still gets its own (empty) blob, so every part is
		// a blob and readers need no special case.
		sk.w, err = s.createIn(ctx, tier)
	}
	p := &partRec{Size: n, MD5: md.Sum(nil), Sum: ck.Sum(nil)}
	if err == nil {
		if other == nil {
			err = verifyDigests(PutInput{ContentMD5: in.ContentMD5, Checksum: in.Checksum}, &staged{md5: p.MD5, alg: alg, sum: p.Sum})
		} else {
			err = verifyDigests(PutInput{ContentMD5: in.ContentMD5}, &staged{md5: p.MD5})
			if err == nil {
				err = verifyDigests(PutInput{Checksum: in.Checksum}, &staged{alg: in.Checksum.Algorithm, sum: other.Sum(nil)})
			}
		}
	}
	if err != nil {
		if sk.w != nil {
			s.discard(sk.w)
		}
		return nil, nil, err
	}
	p.BlobID = sk.w.ID()
	return p, sk.w, nil
}

// commitPart makes an ingested part durable: the blob first, then, in one
// synced transaction that re-checks the upload, the part record and its
// reverse index. A replaced part's blob is deleted afterwards.
func (s *Service) commitPart(ctx context.Context, bucket, key, id string, n int, up *uploadRec, p *partRec, w blob.Writer) (*PartInfo, error) {
	if err := w.Commit(ctx); err != nil {
		s.discard(w)
		return nil, fmt.Errorf("commit part %d of %s/%s: %w", n, bucket, key, err)
	}
	p.ModTime = s.cfg.Now().UnixNano()
	pk := partKey(id, n)
	var old string
	err := s.meta.Update(ctx, func(tx meta.Txn) error {
		old = ""
		if err := meta.Prefetch(ctx, tx, uploadKey(bucket, key, id), pk, orphanKey(p.BlobID)); err != nil {
			return err
		}
		if _, err := readUpload(ctx, tx, bucket, key, id); err != nil {
			return err
		}
		v, err := tx.Get(ctx, pk)
		switch {
		case err == nil:
			prev, err := decodePart(v)
			if err != nil {
				return err
			}
			old = prev.BlobID
			if err := tx.Delete(reverseKey(old)); err != nil {
				return err
			}
		case !errors.Is(err, meta.ErrNotFound):
			return err
		}
		if err := claimBlob(ctx, tx, p.BlobID); err != nil {
			return err
		}
		if err := tx.Set(pk, p.encode()); err != nil {
			return err
		}
		return tx.Set(reverseKey(p.BlobID), pk)
	})
	if err != nil {
		s.dropUncommitted(p.BlobID, err)
		return nil, fmt.Errorf("commit part %d of %s/%s: %w", n, bucket, key, err)
	}
	if old != "" {
		s.deleteBlob(old)
	}
	info := p.info(n, up.Alg)
	info.SSE = sseInfo(up.Enc)
	return &info, nil
}

// UploadPartCopy fills a part with (a range of) an existing object, which
// may itself be a multipart object.
func (s *Service) UploadPartCopy(ctx context.Context, in UploadPartCopyInput) (*PartInfo, error) {
	if err := validPartTarget(in.Key, in.UploadID, in.PartNumber); err != nil {
		return nil, err
	}
	if err := validKey(in.SrcKey); err != nil {
		return nil, err
	}
	if err := checkVersion(in.SrcVersionID); err != nil {
		return nil, err
	}
	up, err := readUpload(ctx, s.meta, in.Bucket, in.Key, in.UploadID)
	if err != nil {
		return nil, err
	}
	for attempt := 0; ; attempt++ {
		info, err := s.copyPartOnce(ctx, in, up)
		if errors.Is(err, blob.ErrNotFound) && attempt == 0 {
			continue // the source was overwritten while we opened it
		}
		return info, err
	}
}

func (s *Service) copyPartOnce(ctx context.Context, in UploadPartCopyInput, up *uploadRec) (*PartInfo, error) {
	dst, err := s.openUploadKey(ctx, in.Bucket, in.Key, up, in.SSE)
	if err != nil {
		return nil, err
	}
	src, err := s.existing(ctx, s.meta, in.SrcBucket, in.SrcKey, in.SrcVersionID, true)
	if err != nil {
		return nil, copySourceErr(err)
	}
	srcKey, err := s.openKey(ctx, in.SrcBucket, in.SrcKey, src.Enc, in.SrcSSE, true)
	if err != nil {
		return nil, fmt.Errorf("copy source: %w", err)
	}
	if err := checkCopySource(in.SrcCond, src.etag(), src.info("", "").LastModified); err != nil {
		return nil, err
	}
	off, n := int64(0), src.Size
	if r := in.SrcRange; r != nil {
		if r.Suffix > 0 || r.First < 0 || r.Last < r.First || r.Last >= src.Size {
			return nil, fmt.Errorf("copy range %d-%d of %d bytes: %w", r.First, r.Last, src.Size, ErrInvalidRange)
		}
		off, n = r.First, r.Last-r.First+1
	}
	if n > MaxPartSize {
		return nil, fmt.Errorf("copy source of %d bytes exceeds %d: %w", n, int64(MaxPartSize), ErrInvalidRequest)
	}
	data, err := s.readableData(in.SrcBucket, in.SrcKey, src)
	if err != nil {
		return nil, fmt.Errorf("copy source: %w", err)
	}
	body, err := s.openData(ctx, data, srcKey, off, n)
	if err != nil {
		return nil, tierErr(fmt.Sprintf("open copy source %s/%s", in.SrcBucket, in.SrcKey), err)
	}
	defer body.Close()
	p, w, err := s.ingestPart(ctx, up.Alg, s.tierOf(up.Class), UploadPartInput{Body: body, Size: n, PartNumber: in.PartNumber}, dst)
	if err != nil {
		return nil, fmt.Errorf("copy part %d of %s/%s: %w", in.PartNumber, in.Bucket, in.Key, err)
	}
	info, err := s.commitPart(ctx, in.Bucket, in.Key, in.UploadID, in.PartNumber, up, p, w)
	if err != nil {
		return nil, err
	}
	info.SSE.echoKey(in.SSE)
	return info, nil
}

// AbortMultipartUpload discards an upload and frees all its parts' data.
func (s *Service) AbortMultipartUpload(ctx context.Context, bucket, key, uploadID string) error {
	if err := validKey(key); err != nil {
		return err
	}
	if err := validUploadID(uploadID); err != nil {
		return err
	}
	var freed []string
	err := s.meta.Update(ctx, func(tx meta.Txn) error {
		if _, err := s.bucket(ctx, tx, bucket); err != nil {
			return err
		}
		if _, err := readUpload(ctx, tx, bucket, key, uploadID); err != nil {
			return err
		}
		var err error
		freed, err = dropUpload(ctx, tx, bucket, key, uploadID)
		return err
	})
	if err != nil {
		return fmt.Errorf("abort upload %s of %s/%s: %w", uploadID, bucket, key, err)
	}
	s.deleteBlobs(freed)
	return nil
}
