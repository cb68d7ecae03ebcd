package object

import (
	"context"
	"fmt"
	"io"

	"github.com/hoard-s3/hoard/internal/blob"
	"github.com/hoard-s3/hoard/internal/sse"
)

// partsBody streams a byte range of a multipart object, walking its part
// blobs in order. It holds at most one blob open and buffers nothing; each
// further blob is opened when the read reaches it. An overwrite or delete
// of the object while it streams may remove a blob not yet opened; the read
// then fails with blob.ErrNotFound rather than mixing two versions.
type partsBody struct {
	ctx   context.Context
	blobs blob.Store
	parts *partIter
	skip  int64 // bytes still to skip before the range starts
	left  int64 // bytes of the range not yet returned
	cur   blob.Reader
	sec   io.Reader
	dk    []byte // the object's data key; nil for plaintext parts
}

// openParts opens n bytes at off of a multipart record. The first blob is
// opened before returning, so that a blob deleted by a concurrent overwrite
// surfaces as blob.ErrNotFound to the caller, which re-reads the record.
func (s *Service) openParts(ctx context.Context, rec *record, dk []byte, off, n int64) (io.ReadCloser, error) {
	b := &partsBody{ctx: ctx, blobs: s.blobs, parts: rec.parts(), skip: off, left: n, dk: dk}
	if n > 0 {
		if err := b.advance(); err != nil {
			b.Close()
			return nil, err
		}
	}
	return b, nil
}

// advance opens the blob of the next part that holds range bytes.
func (b *partsBody) advance() error {
	b.closeCur()
	for {
		e, ok := b.parts.next()
		if !ok {
			return fmt.Errorf("part table ends with %d bytes to read: %w", b.left, errCorrupt)
		}
		if e.Size <= b.skip {
			b.skip -= e.Size
			continue
		}
		br, err := b.blobs.Open(b.ctx, e.BlobID)
		if err != nil {
			return fmt.Errorf("open part %d blob %s: %w", e.Number, e.BlobID, err)
		}
		want := e.Size
		var key []byte
		if b.dk != nil {
			want = sse.CiphertextSize(e.Size)
			if key, err = sse.PartKey(b.dk, e.Number, blob.LocalID(e.BlobID)); err != nil {
				br.Close()
				return err
			}
		}
		if br.Size() != want {
			br.Close()
			return fmt.Errorf("part %d blob %s has %d bytes, record says %d: %w", e.Number, e.BlobID, br.Size(), want, errCorrupt)
		}
		sec, err := sectionOf(br, e.Size, key, b.skip, min(e.Size-b.skip, b.left))
		if err != nil {
			br.Close()
			return err
		}
		b.cur, b.sec = br, sec
		b.skip = 0
		return nil
	}
}

func (b *partsBody) Read(p []byte) (int, error) {
	for {
		if b.left == 0 {
			return 0, io.EOF
		}
		if b.sec == nil {
			if err := b.advance(); err != nil {
				return 0, err
			}
		}
		if int64(len(p)) > b.left {
			p = p[:b.left]
		}
		n, err := b.sec.Read(p)
		b.left -= int64(n)
		if err == io.EOF {
			b.closeCur()
			err = nil
			if n == 0 {
				continue
			}
		}
		return n, err
	}
}

func (b *partsBody) closeCur() {
	if c, ok := b.sec.(io.Closer); ok {
		c.Close()
	}
	if b.cur != nil {
		b.cur.Close()
	}
	b.cur, b.sec = nil, nil
}

func (b *partsBody) Close() error {
	b.closeCur()
	return nil
}
