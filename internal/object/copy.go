package object

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hoard-s3/hoard/internal/blob"
	"github.com/hoard-s3/hoard/internal/checksum"
	"github.com/hoard-s3/hoard/internal/event"
	"github.com/hoard-s3/hoard/internal/meta"
	"github.com/hoard-s3/hoard/internal/sse"
)

// MaxCopySourceSize is the largest source CopyObject accepts; larger
// objects are copied with UploadPartCopy.
const MaxCopySourceSize = 5 << 30

// CopyObject copies an object, or rewrites the metadata of an object copied
// onto itself.
func (s *Service) CopyObject(ctx context.Context, in CopyInput) (*ObjectInfo, error) {
	if err := validateCopy(in); err != nil {
		return nil, err
	}
	if _, err := s.bucket(ctx, s.meta, in.DstBucket); err != nil {
		return nil, err
	}
	self := in.SrcBucket == in.DstBucket && in.SrcKey == in.DstKey
	ctx = event.WithName(ctx, event.NameFrom(ctx, event.ObjectCreatedCopy))
	for attempt := 0; ; attempt++ {
		info, err := s.copyOnce(ctx, in, self)
		if errors.Is(err, blob.ErrNotFound) && attempt == 0 {
			continue // the source was overwritten while we opened it
		}
		return info, err
	}
}

func validateCopy(in CopyInput) error {
	for _, k := range []string{in.SrcKey, in.DstKey} {
		if err := validKey(k); err != nil {
			return err
		}
	}
	if err := checkVersion(in.SrcVersionID); err != nil {
		return err
	}
	if in.ReplaceMetadata {
		if err := validMetadata(in.Metadata); err != nil {
			return err
		}
	}
	if in.ReplaceTags {
		if err := validTags(in.Tags); err != nil {
			return err
		}
	}
	if err := ValidStorageClass(in.StorageClass); err != nil {
		return err
	}
	if in.Checksum != checksum.None && in.Checksum.New() == nil {
		return fmt.Errorf("checksum algorithm %q: %w", in.Checksum, ErrInvalidArgument)
	}
	if err := validSSE(in.SSE, true); err != nil {
		return err
	}
	if err := validSSE(in.SrcSSE, false); err != nil {
		return fmt.Errorf("copy source: %w", err)
	}
	return validWriteConditions(in.Cond)
}

func (s *Service) copyOnce(ctx context.Context, in CopyInput, self bool) (*ObjectInfo, error) {
	loc, err := s.readVersion(ctx, s.meta, in.SrcBucket, in.SrcKey, in.SrcVersionID, modeFull)
	if err != nil {
		return nil, copySourceErr(err)
	}
	src := loc.rec
	// Copying an older version onto its own key restores it: a new write.
	self = self && loc.current
	if err := checkCopySource(in.SrcCond, src.etag(), src.info("", "").LastModified); err != nil {
		return nil, err
	}
	data, err := s.readableData(in.SrcBucket, in.SrcKey, src)
	if err != nil {
		return nil, fmt.Errorf("copy source: %w", err)
	}
	if src.Size > MaxCopySourceSize {
		return nil, fmt.Errorf("copy source of %d bytes exceeds %d: %w", src.Size, int64(MaxCopySourceSize), ErrInvalidArgument)
	}
	alg := in.Checksum
	if alg == checksum.None {
		alg = src.ChecksumAlg
	}
	sameData := alg == src.ChecksumAlg || alg == checksum.None
	// Naming an encryption, or copying an SSE-C object (whose key the
	// destination does not inherit), rewrites the data: S3 allows that
	// onto the object itself.
	reseal := in.SSE.Mode != SSEDefault || src.Enc != nil && src.Enc.Type == sse.C
	if _, err := s.openKey(ctx, in.SrcBucket, in.SrcKey, src.Enc, in.SrcSSE, false); err != nil {
		return nil, fmt.Errorf("copy source: %w", err)
	}
	if self && sameData && !reseal {
		newClass := storedClass(in.StorageClass) != src.StorageClass
		if !in.ReplaceMetadata && !in.ReplaceTags && !newClass {
			return nil, fmt.Errorf("copy %s/%s onto itself: %w", in.SrcBucket, in.SrcKey, ErrCopyToSelf)
		}
		if newClass {
			if err := s.transitionInPlace(ctx, in, src); err != nil && !errors.Is(err, errNewVersion) {
				return nil, err
			}
		}
		info, err := s.rewriteMetadata(ctx, in)
		if err == nil {
			info.CopySourceVersionID = src.VersionID
		}
		if !errors.Is(err, errNewVersion) {
			return info, err
		}
	}
	dk, err := s.openKey(ctx, in.SrcBucket, in.SrcKey, src.Enc, in.SrcSSE, true)
	if err != nil {
		return nil, fmt.Errorf("copy source: %w", err)
	}
	body, err := s.openData(ctx, data, dk, 0, src.Size)
	if err != nil {
		return nil, tierErr(fmt.Sprintf("open copy source %s/%s", in.SrcBucket, in.SrcKey), err)
	}
	defer body.Close()
	s.noteRead(ctx, in.SrcBucket, in.SrcKey, src) // a copy's source counts as read, as on S3
	put := PutInput{
		Bucket:   in.DstBucket,
		Key:      in.DstKey,
		Body:     body,
		Size:     src.Size,
		Metadata: src.Meta,
		Tags:     src.Tags,
		Checksum: ExpectedChecksum{Algorithm: alg},
		Cond:     in.Cond,
		SSE:      in.SSE,
		Lock:     in.Lock,

		StorageClass: in.StorageClass,
	}
	if in.ReplaceMetadata {
		put.Metadata = in.Metadata
	}
	if in.ReplaceTags {
		put.Tags = in.Tags
	}
	info, err := s.write(ctx, put)
	if err == nil {
		info.CopySourceVersionID = src.VersionID
	}
	return info, err
}

// transitionInPlace moves the data of an object copied onto itself with
// a new storage class, in a bucket without versioning, to the class's
// tier without reading it through the copy (ciphertext moves as it is);
// rewriteMetadata then stamps the copy. In a versioned bucket the copy
// is a new version, written in the class's tier: errNewVersion.
func (s *Service) transitionInPlace(ctx context.Context, in CopyInput, src *record) error {
	b, err := s.bucket(ctx, s.meta, in.DstBucket)
	if err != nil {
		return err
	}
	if b.Versioning != VersioningOff {
		return errNewVersion
	}
	_, err = s.Transition(ctx, TransitionInput{Bucket: in.DstBucket, Key: in.DstKey, VersionID: src.VersionID,
		StorageClass: in.StorageClass, IfModTime: time.Unix(0, src.ModTime)})
	return err
}

// errNewVersion says that a copy onto itself must write a new version
// (the bucket has versioning), which takes a copy of the data: versions
// never share blobs.
var errNewVersion = errors.New("copy onto itself makes a new version")

// rewriteMetadata replaces the metadata and/or tags of an object copied
// onto itself in an unversioned bucket. The data stays where it is; the
// source conditions, the destination conditions and the write are one
// transaction.
func (s *Service) rewriteMetadata(ctx context.Context, in CopyInput) (*ObjectInfo, error) {
	var out *record
	err := s.meta.Update(ctx, func(tx meta.Txn) error {
		b, err := s.bucket(ctx, tx, in.DstBucket)
		if err != nil {
			return err
		}
		if b.Versioning != VersioningOff {
			return errNewVersion
		}
		cur, err := s.existing(ctx, tx, in.DstBucket, in.DstKey, "", true)
		if err != nil {
			return err
		}
		if err := checkCopySource(in.SrcCond, cur.etag(), cur.info("", "").LastModified); err != nil {
			return err
		}
		if err := checkWrite(in.Cond, cur); err != nil {
			return err
		}
		if in.ReplaceMetadata {
			cur.Meta = in.Metadata
		}
		if in.ReplaceTags {
			cur.Tags = in.Tags
		}
		cur.ModTime = s.cfg.Now().UnixNano()
		out = cur
		val, err := s.encodeRecord(in.DstBucket, in.DstKey, cur)
		if err != nil {
			return err
		}
		if err := tx.Set(objectKey(in.DstBucket, in.DstKey), val); err != nil {
			return err
		}
		return s.recordEvent(ctx, tx, b, event.NameFrom(ctx, event.ObjectCreatedCopy), eventObject(b, in.DstKey, cur))
	})
	if errors.Is(err, errNewVersion) {
		return nil, err
	}
	if err != nil {
		return nil, commitErr(fmt.Sprintf("copy %s/%s onto itself", in.DstBucket, in.DstKey), err, in.Cond.any())
	}
	info := out.info(in.DstBucket, in.DstKey)
	return &info, nil
}

// copySourceErr wraps a failed read of a copy source. A delete marker
// named by its version id cannot be copied: S3 answers 400 InvalidRequest.
func copySourceErr(err error) error {
	if errors.Is(err, ErrMethodNotAllowed) {
		return fmt.Errorf("copy source is a delete marker: %w", ErrInvalidRequest)
	}
	return fmt.Errorf("copy source: %w", err)
}
