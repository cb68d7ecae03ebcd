package sse

import (
	"crypto/cipher"
	"errors"
	"fmt"
	"io"
	"sync"
)

// bufs holds package buffers (one sealed package each), so that a request
// costs one 64 KiB buffer however large its object is.
var bufs = sync.Pool{New: func() any { b := make([]byte, 0, SealedSize); return &b }}

var errClosed = errors.New("sse: closed")

// Writer encrypts a stream into the package format. It holds one package
// in memory: a full package is sealed only when more data arrives, since
// until then it may be the last one.
type Writer struct {
	dst  io.Writer
	aead cipher.AEAD
	buf  *[]byte
	seq  uint64
	err  error // sticky
}

// NewWriter returns a Writer that seals everything written to it under key
// and writes the packages to dst. Close seals the last package; it does not
// close dst.
func NewWriter(dst io.Writer, key []byte) (*Writer, error) {
	a, err := newAEAD(key)
	if err != nil {
		return nil, err
	}
	return &Writer{dst: dst, aead: a, buf: bufs.Get().(*[]byte)}, nil
}

func (w *Writer) Write(p []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	n := 0
	for len(p) > 0 {
		b := *w.buf
		if len(b) == PackageSize {
			if err := w.seal(false); err != nil {
				return n, err
			}
			b = *w.buf
		}
		k := copy(b[len(b):PackageSize], p)
		*w.buf = b[:len(b)+k]
		n += k
		p = p[k:]
	}
	return n, nil
}

// seal encrypts the buffered package in place and writes it out.
func (w *Writer) seal(final bool) error {
	var nonce [nonceSize]byte
	b := *w.buf
	out := w.aead.Seal(b[:0], packageNonce(&nonce, w.seq, final), b, nil)
	w.seq++
	*w.buf = b[:0]
	if _, err := w.dst.Write(out); err != nil {
		w.fail(fmt.Errorf("sse: write package %d: %w", w.seq-1, err))
		return w.err
	}
	return nil
}

func (w *Writer) fail(err error) {
	w.err = err
	if w.buf != nil {
		*w.buf = (*w.buf)[:0]
		bufs.Put(w.buf)
		w.buf = nil
	}
}

// Close seals the final package. The Writer cannot be used afterwards.
func (w *Writer) Close() error {
	if w.err != nil {
		if w.err == errClosed {
			return nil
		}
		return w.err
	}
	if err := w.seal(true); err != nil {
		return err
	}
	w.fail(errClosed)
	return nil
}

// readBatch is how many packages a Reader fetches with one ReadAt: fewer,
// larger reads, still bounded memory (about 256 KiB per reader).
const readBatch = 4

var readBufs = sync.Pool{New: func() any { b := make([]byte, readBatch*SealedSize); return &b }}

// Reader decrypts a byte range of sealed data, reading and opening only the
// packages the range covers. Packages that fit whole in the caller's
// buffer are opened straight into it, saving a copy.
type Reader struct {
	src     io.ReaderAt
	aead    cipher.AEAD
	size    int64 // plaintext size of the whole sealed stream
	last    int64 // index of the final package
	seq     int64 // next package to open
	skip    int64 // plaintext bytes to drop from the next package
	left    int64 // range bytes not yet returned
	buf     *[]byte
	pending []byte // fetched packages not yet opened, starting at seq
	out     []byte // opened plaintext not yet returned
	err     error
}

// NewReader returns a reader of n plaintext bytes at offset off of data
// sealed under key; src holds the CiphertextSize(size) sealed bytes of a
// size-byte plaintext.
func NewReader(src io.ReaderAt, size int64, key []byte, off, n int64) (*Reader, error) {
	if size < 0 || off < 0 || n < 0 || off > size || n > size-off {
		return nil, fmt.Errorf("sse: range %d+%d of %d bytes: %w", off, n, size, ErrCiphertextSize)
	}
	a, err := newAEAD(key)
	if err != nil {
		return nil, err
	}
	return &Reader{src: src, aead: a, size: size, last: packages(size) - 1,
		seq: off / PackageSize, skip: off % PackageSize, left: n}, nil
}

func (r *Reader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) && r.err == nil {
		if len(r.out) > 0 {
			k := copy(p[n:], r.out)
			r.out = r.out[k:]
			n += k
			continue
		}
		if r.left == 0 {
			r.err = io.EOF
			break
		}
		if err := r.next(p[n:], &n); err != nil {
			r.err = err
		}
	}
	if r.err != nil && len(r.out) == 0 {
		r.release()
		if n > 0 && r.err == io.EOF {
			return n, nil
		}
		if n == 0 {
			return 0, r.err
		}
	}
	return n, nil
}

// Prime reads and authenticates the first package of the range now, so
// that damage there (for a small object, damage anywhere) is reported
// before the caller commits to a response.
func (r *Reader) Prime() error {
	if r.err != nil || r.left == 0 || len(r.out) > 0 {
		return nil
	}
	var n int
	if err := r.next(nil, &n); err != nil {
		r.err = err
		r.release()
		return err
	}
	return nil
}

// next opens the next package: straight into dst (advancing *n) when its
// whole plaintext belongs to the range and fits, else into r.out.
func (r *Reader) next(dst []byte, n *int) error {
	if len(r.pending) == 0 {
		if err := r.fetch(); err != nil {
			return err
		}
	}
	plen := min(int64(PackageSize), r.size-r.seq*PackageSize)
	sealed := r.pending[:plen+TagSize]
	r.pending = r.pending[plen+TagSize:]
	var nonce [nonceSize]byte
	nc := packageNonce(&nonce, uint64(r.seq), r.seq == r.last)
	if r.skip == 0 && plen <= r.left && int64(len(dst)) >= plen {
		if _, err := r.aead.Open(dst[:0], nc, sealed, nil); err != nil {
			return fmt.Errorf("sse: package %d: %w", r.seq, ErrAuth)
		}
		r.seq++
		r.left -= plen
		*n += int(plen)
		return nil
	}
	plain, err := r.aead.Open(sealed[:0], nc, sealed, nil)
	if err != nil {
		return fmt.Errorf("sse: package %d: %w", r.seq, ErrAuth)
	}
	r.seq++
	plain = plain[r.skip:]
	r.skip = 0
	if int64(len(plain)) > r.left {
		plain = plain[:r.left]
	}
	r.left -= int64(len(plain))
	r.out = plain
	return nil
}

// fetch reads the sealed packages that the rest of the range needs, up to
// readBatch of them, with one ReadAt.
func (r *Reader) fetch() error {
	if r.seq > r.last {
		return fmt.Errorf("sse: read past package %d: %w", r.last, ErrCiphertextSize)
	}
	// Packages still needed: those holding skip+left plaintext bytes.
	need := min((r.skip+r.left+PackageSize-1)/PackageSize, readBatch, r.last-r.seq+1)
	end := min((r.seq+need)*SealedSize, CiphertextSize(r.size))
	from := r.seq * SealedSize
	if r.buf == nil {
		r.buf = readBufs.Get().(*[]byte)
	}
	b := (*r.buf)[:end-from]
	m, err := r.src.ReadAt(b, from)
	if m < len(b) {
		if err == nil || err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return fmt.Errorf("sse: read packages from %d: %w", r.seq, err)
	}
	r.pending = b
	return nil
}

func (r *Reader) release() {
	if r.buf != nil {
		readBufs.Put(r.buf)
		r.buf = nil
		r.out, r.pending = nil, nil
	}
}

// Close releases the reader's buffer; it does not close the source.
func (r *Reader) Close() error {
	r.release()
	if r.err == nil {
		r.err = errClosed
	}
	return nil
}

// Decrypt opens a whole sealed stream held in memory. Its output is never
// larger than its input, whatever the input claims.
func Decrypt(sealed, key []byte) ([]byte, error) {
	size, err := PlaintextSize(int64(len(sealed)))
	if err != nil {
		return nil, err
	}
	r, err := NewReader(bytesAt(sealed), size, key, 0, size)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	out := make([]byte, 0, size)
	buf := make([]byte, PackageSize)
	for {
		n, err := r.Read(buf)
		out = append(out, buf[:n]...)
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// bytesAt is an io.ReaderAt over a byte slice.
type bytesAt []byte

func (b bytesAt) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 || off > int64(len(b)) {
		return 0, io.EOF
	}
	n := copy(p, b[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}
