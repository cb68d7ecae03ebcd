package object

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"errors"
	"fmt"
	"hash"
	"io"
	"sync"

	"github.com/hoard-s3/hoard/internal/blob"
	"github.com/hoard-s3/hoard/internal/checksum"
	"github.com/hoard-s3/hoard/internal/meta"
	"github.com/hoard-s3/hoard/internal/sse"
)

// PutObject stores an object. It answers only when data and metadata are
// durable; on any error nothing is visible.
func (s *Service) PutObject(ctx context.Context, in PutInput) (*ObjectInfo, error) {
	if err := validatePut(&in); err != nil {
		return nil, err
	}
	return s.write(ctx, in)
}

func validatePut(in *PutInput) error {
	if err := validKey(in.Key); err != nil {
		return err
	}
	if in.Size > MaxSinglePutSize {
		return fmt.Errorf("object of %d bytes exceeds %d: %w", in.Size, int64(MaxSinglePutSize), ErrEntityTooLarge)
	}
	if err := validMetadata(in.Metadata); err != nil {
		return err
	}
	if err := validTags(in.Tags); err != nil {
		return err
	}
	if len(in.ContentMD5) != 0 && len(in.ContentMD5) != md5.Size {
		return fmt.Errorf("Content-MD5 of %d bytes: %w", len(in.ContentMD5), ErrBadDigest)
	}
	if err := validExpected(in.Checksum); err != nil {
		return err
	}
	if err := ValidStorageClass(in.StorageClass); err != nil {
		return err
	}
	return validWriteConditions(in.Cond)
}

// validMetadata applies S3's 2 KB limit on user metadata, counted as the
// bytes of every name and value.
func validMetadata(m Metadata) error {
	n := 0
	for k, v := range m.User {
		n += len(k) + len(v)
	}
	if n > MaxUserMetaBytes {
		return fmt.Errorf("user metadata of %d bytes exceeds %d: %w", n, MaxUserMetaBytes, ErrMetadataTooLarge)
	}
	return nil
}

func validExpected(e ExpectedChecksum) error {
	if e.Algorithm == checksum.None {
		if e.Value != "" || e.Late != nil {
			return fmt.Errorf("checksum value without an algorithm: %w", ErrInvalidChecksum)
		}
		return nil
	}
	if e.Algorithm.New() == nil {
		return fmt.Errorf("checksum algorithm %q: %w", e.Algorithm, ErrInvalidArgument)
	}
	if e.Value != "" && !e.Algorithm.Valid(e.Value) {
		return fmt.Errorf("%s value %q: %w", e.Algorithm, e.Value, ErrInvalidChecksum)
	}
	return nil
}

// write is the one path by which object data becomes visible; PutObject and
// CopyObject both use it. in has been validated.
func (s *Service) write(ctx context.Context, in PutInput) (*ObjectInfo, error) {
	b, err := s.bucket(ctx, s.meta, in.Bucket)
	if err != nil {
		return nil, err
	}
	lock, err := s.writeLock(ctx, b, &in)
	if err != nil {
		return nil, err
	}
	if in.Cond.any() {
		// Fail before reading a possibly large body; the check is repeated
		// atomically with the write.
		cur, err := s.current(ctx, s.meta, in.Bucket, in.Key)
		if err != nil {
			return nil, err
		}
		if err := checkWrite(in.Cond, cur); err != nil {
			return nil, err
		}
	}
	sl, err := s.newSeal(ctx, in.Bucket, in.Key, in.SSE)
	if err != nil {
		return nil, err
	}
	st, err := s.ingest(ctx, in, sl.key)
	if err != nil {
		return nil, err
	}
	etag, err := objectETag(sl.env, st.md5)
	if err != nil {
		if st.blob != nil {
			s.discard(st.blob)
		}
		return nil, err
	}
	rec := &record{
		VersionID:    NullVersion,
		Size:         st.size,
		ModTime:      s.cfg.Now().UnixNano(),
		ETag:         etag,
		ChecksumAlg:  st.alg,
		ChecksumRaw:  st.sum,
		Meta:         in.Metadata,
		Tags:         in.Tags,
		Inline:       st.inline,
		Enc:          sl.env,
		StorageClass: storedClass(in.StorageClass),
	}
	rec.applyLock(lock)
	if st.blob != nil {
		rec.BlobID = st.blob.ID()
		if err := st.blob.Commit(ctx); err != nil {
			s.discard(st.blob)
			return nil, fmt.Errorf("commit data of %s/%s: %w", in.Bucket, in.Key, err)
		}
	}
	old, err := s.commitRecord(ctx, in.Bucket, in.Key, rec, in.Cond)
	if err != nil {
		if st.blob != nil {
			s.dropUncommitted(rec.BlobID, err)
		}
		return nil, err
	}
	s.deleteBlobs(old)
	info := rec.info(in.Bucket, in.Key)
	info.SSE.echoKey(in.SSE)
	return &info, nil
}

// staged is an uploaded body that has been read, hashed and verified but is
// not yet visible.
type staged struct {
	size   int64
	md5    []byte
	alg    checksum.Algorithm
	sum    []byte
	inline []byte
	blob   blob.Writer // nil when inline
}

// copyBufs holds the read buffers of uploads; one per request in flight.
var copyBufs = sync.Pool{New: func() any { b := make([]byte, 256<<10); return &b }}

// ingest reads the body once, feeding MD5, the additional checksum and the
// destination in the same pass, then verifies the client's digests. With a
// data key the destination receives sealed packages; digests are always of
// the plaintext. On error any data written is discarded.
func (s *Service) ingest(ctx context.Context, in PutInput, key []byte) (*staged, error) {
	st := &staged{alg: in.Checksum.Algorithm}
	if st.alg == checksum.None {
		// S3 computes CRC64NVME for every object whose client declared none.
		st.alg = checksum.CRC64NVME
	}
	md := md5.New()
	ck := st.alg.New()
	stored := func(n int64) int64 { return n }
	if key != nil {
		stored = sse.CiphertextSize
	}
	tier := s.tierOf(in.StorageClass)
	sk := &sink{limit: stored(s.cfg.InlineThreshold), create: func() (blob.Writer, error) { return s.createIn(ctx, tier) }}
	if in.Size > s.cfg.InlineThreshold {
		sk.limit = -1 // known to be large: straight to a blob
	} else if in.Size >= 0 {
		sk.buf = make([]byte, 0, stored(in.Size))
	}
	n, err := sealedPump(ctx, in.Body, in.Size, md, ck, sk, key)
	if err == nil {
		st.size, st.md5, st.sum = n, md.Sum(nil), ck.Sum(nil)
		err = verifyDigests(in, st)
	}
	st.inline, st.blob = sk.buf, sk.w
	if err != nil {
		if st.blob != nil {
			s.discard(st.blob)
		}
		return nil, fmt.Errorf("upload %s/%s: %w", in.Bucket, in.Key, err)
	}
	if st.inline == nil && st.blob == nil {
		st.inline = []byte{}
	}
	return st, nil
}

// sealedPump is pump through an encrypting writer when key is set.
func sealedPump(ctx context.Context, body io.Reader, size int64, md, ck hash.Hash, dst io.Writer, key []byte) (int64, error) {
	if key == nil {
		return pump(ctx, body, size, md, ck, dst)
	}
	w, err := sse.NewWriter(dst, key)
	if err != nil {
		return 0, err
	}
	n, err := pump(ctx, body, size, md, ck, w)
	if err != nil {
		w.Close()
		return n, err
	}
	if err := w.Close(); err != nil {
		return n, fmt.Errorf("store data: %w", err)
	}
	return n, nil
}

// pump copies exactly size bytes (or, when size < 0, everything up to EOF
// within the single-PUT limit) from body to the hashes and dst.
func pump(ctx context.Context, body io.Reader, size int64, md, ck hash.Hash, dst io.Writer) (int64, error) {
	if body == nil {
		body = bytes.NewReader(nil)
	}
	limit := size
	if size < 0 {
		limit = MaxSinglePutSize + 1
	}
	bp := copyBufs.Get().(*[]byte)
	defer copyBufs.Put(bp)
	buf := *bp
	var total int64
	for total < limit {
		if err := ctx.Err(); err != nil {
			return total, err
		}
		chunk := buf
		if rest := limit - total; rest < int64(len(chunk)) {
			chunk = chunk[:rest]
		}
		n, rerr := body.Read(chunk)
		if n > 0 {
			md.Write(chunk[:n])
			ck.Write(chunk[:n])
			if _, err := dst.Write(chunk[:n]); err != nil {
				return total, fmt.Errorf("store data: %w", err)
			}
			total += int64(n)
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			return total, fmt.Errorf("read body: %w", rerr)
		}
	}
	if size < 0 && total > MaxSinglePutSize {
		return total, fmt.Errorf("body exceeds %d bytes: %w", int64(MaxSinglePutSize), ErrEntityTooLarge)
	}
	if size >= 0 && total < size {
		return total, fmt.Errorf("read %d of %d bytes: %w", total, size, ErrIncompleteBody)
	}
	return total, nil
}

// verifyDigests checks Content-MD5 and the declared additional checksum.
func verifyDigests(in PutInput, st *staged) error {
	if len(in.ContentMD5) != 0 && !bytes.Equal(in.ContentMD5, st.md5) {
		return fmt.Errorf("Content-MD5 %s, body %s: %w",
			base64.StdEncoding.EncodeToString(in.ContentMD5), base64.StdEncoding.EncodeToString(st.md5), ErrBadDigest)
	}
	want := in.Checksum.Value
	if want == "" && in.Checksum.Late != nil {
		v, err := in.Checksum.Late()
		if err != nil {
			return fmt.Errorf("trailing checksum: %w", err)
		}
		want = v
	}
	if want == "" {
		return nil
	}
	raw, err := base64.StdEncoding.DecodeString(want)
	if err != nil || len(raw) != st.alg.DigestSize() {
		return fmt.Errorf("%s value %q: %w", st.alg, want, ErrInvalidChecksum)
	}
	if !bytes.Equal(raw, st.sum) {
		return fmt.Errorf("%s %s, body %s: %w", st.alg, want, checksum.Encode(st.sum), ErrChecksumMismatch)
	}
	return nil
}

// sink keeps up to limit bytes in memory and spills to a blob beyond it, so
// small objects cost no data file and large ones never sit in memory. A
// negative limit sends everything to a blob.
type sink struct {
	limit  int64
	buf    []byte
	w      blob.Writer
	create func() (blob.Writer, error)
}

func (k *sink) Write(p []byte) (int, error) {
	if k.w == nil && k.limit >= 0 && int64(len(k.buf)+len(p)) <= k.limit {
		k.buf = append(k.buf, p...)
		return len(p), nil
	}
	if k.w == nil {
		w, err := k.create()
		if err != nil {
			return 0, fmt.Errorf("create blob: %w", err)
		}
		k.w = w
		if len(k.buf) > 0 {
			if _, err := w.Write(k.buf); err != nil {
				return 0, err
			}
		}
		k.buf = nil
	}
	return k.w.Write(p)
}

// discard drops an uncommitted (or committed but unreferenced) blob.
func (s *Service) discard(w blob.Writer) {
	if err := w.Abort(); err != nil {
		s.log().Warn("abort blob", "blob", w.ID(), "err", err)
	}
	s.deleteBlob(w.ID())
}

func (s *Service) deleteBlobs(ids []string) {
	for _, id := range ids {
		s.deleteBlob(id)
	}
}

// dropUncommitted deletes the blob of a write whose metadata commit
// failed, unless the commit may have happened after all (a connection to
// the database lost during COMMIT): the record would then point at a
// missing file. The orphan collector reclaims the blob if it did not.
func (s *Service) dropUncommitted(id string, err error) {
	if errors.Is(err, meta.ErrCommitUnknown) {
		s.log().Warn("metadata commit outcome unknown; leaving the data file to the orphan collector", "blob", id, "err", err)
		return
	}
	s.deleteBlob(id)
}

// deleteBlob removes a blob no record references any more. It outlives the
// request's context; a failure only delays reclamation to the next GC.
func (s *Service) deleteBlob(id string) {
	if err := s.blobs.Delete(context.Background(), id); err != nil && !errors.Is(err, blob.ErrNotFound) {
		s.log().Warn("delete unreferenced blob; GC will reclaim it", "blob", id, "err", err)
	}
}
