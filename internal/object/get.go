package object

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/hoard-s3/hoard/internal/blob"
	"github.com/hoard-s3/hoard/internal/checksum"
	"github.com/hoard-s3/hoard/internal/sse"
)

// GetObject opens an object. When a read condition fails with
// ErrNotModified or ErrPreconditionFailed, the returned reader (without
// Body) still carries Info so the caller can send ETag and Last-Modified;
// likewise for ErrInvalidRange, whose answer carries the object's size.
func (s *Service) GetObject(ctx context.Context, in GetInput) (*ObjectReader, error) {
	if err := validKey(in.Key); err != nil {
		return nil, err
	}
	if err := checkVersion(in.VersionID); err != nil {
		return nil, err
	}
	if in.PartNumber != 0 && in.Range != nil {
		return nil, fmt.Errorf("both Range and partNumber: %w", ErrInvalidArgument)
	}
	if in.PartNumber < 0 || in.PartNumber > MaxPartNumber {
		return nil, fmt.Errorf("part number %d: %w", in.PartNumber, ErrInvalidArgument)
	}
	// A concurrent overwrite may delete the blob between our reading the
	// record and opening the blob; the new record then names the new blob,
	// so one re-read suffices.
	for attempt := 0; ; attempt++ {
		out, err := s.get(ctx, in)
		if errors.Is(err, blob.ErrNotFound) && attempt == 0 {
			continue
		}
		return out, err
	}
}

func (s *Service) get(ctx context.Context, in GetInput) (*ObjectReader, error) {
	mode := modeFull
	if in.HeadOnly {
		mode = modeHeader
		if in.PartNumber != 0 {
			mode = modeParts
		}
	}
	rec, err := s.existingMode(ctx, s.meta, in.Bucket, in.Key, in.VersionID, mode)
	if err != nil {
		return nil, err
	}
	// A part the object does not have is refused before the customer key
	// is asked for, as S3 does: the count is no secret of the data.
	if n := max(rec.Parts, 1); in.PartNumber > n {
		return nil, fmt.Errorf("part %d of an object with %d parts: %w", in.PartNumber, n, ErrInvalidPartNumber)
	}
	dk, err := s.openKey(ctx, in.Bucket, in.Key, rec.Enc, in.SSE, !in.HeadOnly)
	if err != nil {
		return nil, err
	}
	out := &ObjectReader{Info: rec.info(in.Bucket, in.Key)}
	out.Info.AccessTier = s.recordTier(rec)
	out.Info.SSE.echoKey(in.SSE)
	if err := checkRead(in.Cond, out.Info.ETag, out.Info.LastModified); err != nil {
		return out, err
	}
	if in.PartNumber != 0 && rec.multipart() {
		err = selectPart(out, rec, in.PartNumber)
	} else {
		out.Offset, out.Length, out.Partial, err = selectBytes(in, rec)
	}
	if err != nil {
		return out, err
	}
	if in.HeadOnly {
		return out, nil
	}
	data, err := s.readableData(in.Bucket, in.Key, rec)
	if err != nil {
		return out, err
	}
	out.Body, err = s.openData(ctx, data, dk, out.Offset, out.Length)
	if err != nil {
		return nil, tierErr(fmt.Sprintf("open %s/%s", in.Bucket, in.Key), err)
	}
	s.noteRead(ctx, in.Bucket, in.Key, rec)
	return out, nil
}

// readableData is the record to read the data of: rec itself, or for an
// archived version its restored copy; ErrInvalidObjectState when an
// archived version has no readable copy.
func (s *Service) readableData(bucket, key string, rec *record) (*record, error) {
	if !rec.readable(s.cfg.Now()) {
		return nil, errArchived(bucket, key, rec)
	}
	if rec.Restore == nil || len(rec.Restore.Copies) == 0 {
		return rec, nil
	}
	return rec.withBlobIDs(rec.Restore.Copies)
}

// selectBytes applies a Range or partNumber to the object.
func selectBytes(in GetInput, rec *record) (off, n int64, partial bool, err error) {
	switch {
	case in.Range != nil:
		off, n, err = resolveRange(*in.Range, rec.Size)
		return off, n, err == nil, err
	case in.PartNumber == 0:
		return 0, rec.Size, false, nil
	case rec.Parts == 0 && in.PartNumber == 1:
		// A single-part object is its own part 1; S3 answers it as a range
		// (206 with Content-Range) covering the whole object.
		return 0, rec.Size, rec.Size > 0, nil
	}
	return 0, 0, false, fmt.Errorf("part %d of an object with %d parts: %w", in.PartNumber, max(rec.Parts, 1), ErrInvalidPartNumber)
}

// selectPart selects the nth part (counted from 1 in the object's order)
// of a multipart object. The answer describes that part: its bytes, and its
// own checksum, which covers exactly them; S3 names the object's checksum
// type with it.
func selectPart(out *ObjectReader, rec *record, n int) error {
	if n > rec.Parts {
		return fmt.Errorf("part %d of an object with %d parts: %w", n, rec.Parts, ErrInvalidPartNumber)
	}
	it := rec.parts()
	var off int64
	for i := 1; ; i++ {
		e, ok := it.next()
		if !ok {
			return fmt.Errorf("part table: %w", errCorrupt)
		}
		if i == n {
			out.Offset, out.Length, out.Partial = off, e.Size, true
			if out.Info.Checksum.Algorithm != checksum.None && e.Sum != "" {
				out.Info.Checksum.Encoded = checksum.Encode([]byte(e.Sum))
			}
			return nil
		}
		off += e.Size
	}
}

// resolveRange turns a byte range into offset and length within size, as
// RFC 9110 §14.1.2 and S3 do: a last position past the end is clamped, a
// suffix longer than the object selects all of it, and a first position at
// or past the end is unsatisfiable.
func resolveRange(r Range, size int64) (off, n int64, err error) {
	if r.Suffix > 0 {
		if size == 0 {
			return 0, 0, fmt.Errorf("suffix range of an empty object: %w", ErrInvalidRange)
		}
		n = min(r.Suffix, size)
		return size - n, n, nil
	}
	if r.First < 0 || r.Last >= 0 && r.Last < r.First {
		return 0, 0, fmt.Errorf("range %d-%d: %w", r.First, r.Last, ErrInvalidRange)
	}
	if r.First >= size {
		return 0, 0, fmt.Errorf("range starts at %d of %d bytes: %w", r.First, size, ErrInvalidRange)
	}
	last := r.Last
	if last < 0 || last >= size {
		last = size - 1
	}
	return r.First, last - r.First + 1, nil
}

// openData returns a reader of n plaintext bytes at off, decrypting with
// the data key dk when the record is sealed. Data is streamed from the
// file; only the packages the range covers are read and opened.
func (s *Service) openData(ctx context.Context, rec *record, dk []byte, off, n int64) (io.ReadCloser, error) {
	if rec.encrypted() && dk == nil {
		return nil, fmt.Errorf("sealed data without a data key: %w", errCorrupt)
	}
	if rec.multipart() {
		return s.openParts(ctx, rec, dk, off, n)
	}
	if rec.BlobID == "" {
		if dk == nil {
			return io.NopCloser(bytes.NewReader(rec.Inline[off : off+n])), nil
		}
		r, err := sectionOf(bytes.NewReader(rec.Inline), rec.Size, dk, off, n)
		if err != nil {
			return nil, err
		}
		if rc, ok := r.(io.ReadCloser); ok {
			return rc, nil
		}
		return io.NopCloser(r), nil
	}
	br, err := s.blobs.Open(ctx, rec.BlobID)
	if err != nil {
		return nil, fmt.Errorf("open blob %s: %w", rec.BlobID, err)
	}
	if want := rec.storedSize(rec.Size); br.Size() != want {
		br.Close()
		return nil, fmt.Errorf("blob %s has %d bytes, record says %d: %w", rec.BlobID, br.Size(), want, errCorrupt)
	}
	body, err := sectionOf(br, rec.Size, dk, off, n)
	if err != nil {
		br.Close()
		return nil, err
	}
	return &blobBody{Reader: body, blob: br}, nil
}

// sectionOf reads n plaintext bytes at off of stored data holding size
// plaintext bytes, sealed under dk unless dk is nil.
func sectionOf(src io.ReaderAt, size int64, dk []byte, off, n int64) (io.Reader, error) {
	if dk == nil {
		return io.NewSectionReader(src, off, n), nil
	}
	r, err := sse.NewReader(src, size, dk, off, n)
	if err != nil {
		return nil, err
	}
	// Damage in the first package fails the request before any byte is
	// sent; later damage can only cut the body short.
	if err := r.Prime(); err != nil {
		return nil, fmt.Errorf("%w: %w", errCorrupt, err)
	}
	return r, nil
}

// blobBody reads a section of a blob and closes the blob with it.
type blobBody struct {
	io.Reader
	blob blob.Reader
}

func (b *blobBody) Close() error {
	if c, ok := b.Reader.(io.Closer); ok {
		c.Close()
	}
	return b.blob.Close()
}
