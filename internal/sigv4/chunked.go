package sigv4

import (
	"bufio"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"strconv"
	"strings"
)

// Bounds on aws-chunked framing. A chunk-size line is at most
// "ffffffffffffffff;chunk-signature=<64 hex>"; trailers carry a few
// checksums. Chunk data itself is streamed, never held.
const (
	maxChunkLine   = 256
	maxTrailerSize = 4 << 10
	chunkBufSize   = 16 << 10
)

// chunkConfig describes one aws-chunked body.
type chunkConfig struct {
	signed   bool     // chunk-signature on every chunk
	trailer  bool     // trailer section after the final chunk
	declared int64    // x-amz-decoded-content-length
	trailers []string // names declared in x-amz-trailer
	seed     chunkSeed
}

// chunkedReader decodes an aws-chunked body as it is read: chunk data is
// hashed on its way to the caller and each chunk's signature is checked the
// moment its last byte has passed. Errors are sticky; io.EOF is returned
// only once framing, signatures, length and trailers all checked out.
type chunkedReader struct {
	cfg      chunkConfig
	src      *bufio.Reader
	h        hash.Hash
	prev     []byte // signature of the previous chunk (seed at first)
	want     []byte // signature the current chunk claims
	left     int64  // data bytes left in the current chunk
	inData   bool
	decoded  int64
	nchunk   int
	err      error
	trailers map[string]string
}

func newChunkedReader(body io.Reader, cfg chunkConfig) *chunkedReader {
	return &chunkedReader{cfg: cfg, src: bufio.NewReaderSize(body, chunkBufSize),
		h: sha256.New(), prev: cfg.seed.sig}
}

func (c *chunkedReader) Read(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	if len(p) == 0 {
		return 0, nil
	}
	for !c.inData {
		if err := c.nextChunk(); err != nil {
			c.err = err
			return 0, err
		}
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.src.Read(p)
	if c.cfg.signed {
		c.h.Write(p[:n])
	}
	c.left -= int64(n)
	c.decoded += int64(n)
	if c.left == 0 {
		if err := c.endChunk(); err != nil {
			c.err = err
			return n, err
		}
		return n, nil
	}
	if err != nil {
		c.err = c.srcErr(err)
		return n, c.err
	}
	return n, nil
}

// trailer serves Auth.Trailer: values exist only after a clean EOF.
func (c *chunkedReader) trailer(name string) (string, bool) {
	if c.err != io.EOF {
		return "", false
	}
	v, ok := c.trailers[strings.ToLower(name)]
	return v, ok
}

// nextChunk reads a chunk-size line; the final (zero) chunk finishes the
// body and leaves io.EOF as the sticky state.
func (c *chunkedReader) nextChunk() error {
	line, eof, err := c.readLine()
	if err != nil {
		return err
	}
	if eof {
		return fmt.Errorf("%w: body ends before the final chunk", ErrMalformedChunk)
	}
	size, sig, err := c.parseChunkLine(line)
	if err != nil {
		return err
	}
	c.nchunk++
	c.want = sig
	if size > c.cfg.declared-c.decoded {
		return fmt.Errorf("%w: chunk %d of %d bytes overruns x-amz-decoded-content-length %d",
			ErrMalformedChunk, c.nchunk, size, c.cfg.declared)
	}
	if size == 0 {
		if err := c.finish(); err != nil {
			return err
		}
		return io.EOF
	}
	c.left, c.inData = size, true
	return nil
}

func (c *chunkedReader) parseChunkLine(line string) (int64, []byte, error) {
	sizeHex, ext, hasExt := strings.Cut(line, ";")
	if len(sizeHex) == 0 || len(sizeHex) > 16 {
		return 0, nil, fmt.Errorf("%w: bad chunk size %q", ErrMalformedChunk, trunc(sizeHex))
	}
	size, err := strconv.ParseInt(sizeHex, 16, 64)
	if err != nil || size < 0 || strings.HasPrefix(sizeHex, "+") || strings.HasPrefix(sizeHex, "-") {
		return 0, nil, fmt.Errorf("%w: bad chunk size %q", ErrMalformedChunk, trunc(sizeHex))
	}
	if !c.cfg.signed {
		if hasExt {
			return 0, nil, fmt.Errorf("%w: unexpected chunk extension %q", ErrMalformedChunk, trunc(ext))
		}
		return size, nil, nil
	}
	sigHex, ok := strings.CutPrefix(ext, "chunk-signature=")
	if !ok {
		return 0, nil, fmt.Errorf("%w: chunk %d has no chunk-signature", ErrMalformedChunk, c.nchunk+1)
	}
	sig, err := parseHexSig(sigHex)
	if err != nil {
		return 0, nil, fmt.Errorf("%w: chunk-signature: %w", ErrMalformedChunk, err)
	}
	return size, sig, nil
}

// endChunk checks the signature of the chunk just read and its CRLF.
func (c *chunkedReader) endChunk() error {
	c.inData = false
	if err := c.checkChunkSig(); err != nil {
		return err
	}
	line, eof, err := c.readLine()
	if err != nil {
		return err
	}
	if eof || line != "" {
		return fmt.Errorf("%w: chunk %d is not followed by CRLF", ErrMalformedChunk, c.nchunk)
	}
	return nil
}

func (c *chunkedReader) checkChunkSig() error {
	if !c.cfg.signed {
		return nil
	}
	s := c.cfg.seed
	sts := "AWS4-HMAC-SHA256-PAYLOAD\n" + s.amzDate + "\n" + s.scope + "\n" +
		hex.EncodeToString(c.prev) + "\n" + emptySHA256 + "\n" + hex.EncodeToString(c.h.Sum(nil))
	c.h.Reset()
	mac := hmacSHA256(s.key, sts)
	if !hmac.Equal(mac, c.want) {
		return fmt.Errorf("%w: chunk %d", ErrSignatureDoesNotMatch, c.nchunk)
	}
	c.prev = mac
	return nil
}

// finish handles the final chunk: its signature, the declared length, the
// trailer section and the end of the body.
func (c *chunkedReader) finish() error {
	if err := c.checkChunkSig(); err != nil {
		return err
	}
	if c.decoded != c.cfg.declared {
		return fmt.Errorf("%w: decoded %d bytes, x-amz-decoded-content-length is %d",
			ErrMalformedChunk, c.decoded, c.cfg.declared)
	}
	if c.cfg.trailer {
		if err := c.readTrailers(); err != nil {
			return err
		}
	} else if line, eof, err := c.readLine(); err != nil {
		return err
	} else if eof || line != "" {
		return fmt.Errorf("%w: final chunk is not followed by CRLF", ErrMalformedChunk)
	}
	for _, name := range c.cfg.trailers {
		if _, ok := c.trailers[name]; !ok {
			return fmt.Errorf("%w: %s", ErrTrailerChecksumMissing, name)
		}
	}
	if _, err := c.src.ReadByte(); err == nil {
		return fmt.Errorf("%w: data after the final chunk", ErrMalformedChunk)
	} else if err != io.EOF {
		return c.srcErr(err)
	}
	return nil
}

// readLine returns one CRLF-terminated line without its CRLF. eof reports a
// clean end of input before any byte of the line.
func (c *chunkedReader) readLine() (line string, eof bool, err error) {
	return c.readLineEnd(false)
}

// readLineEnd is readLine that, with bareLF, also takes a line ended by LF
// alone, and one ended by LF CRLF: minio-go ends each trailer line with LF
// and then writes CRLF after the last one (before the trailer signature,
// in signed mode), which is a line end, not the blank line that ends the
// trailers.
func (c *chunkedReader) readLineEnd(bareLF bool) (line string, eof bool, err error) {
	b, err := c.src.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) || len(b) > maxChunkLine {
		return "", false, fmt.Errorf("%w: line longer than %d bytes", ErrMalformedChunk, maxChunkLine)
	}
	if err != nil {
		if err == io.EOF && len(b) == 0 {
			return "", true, nil
		}
		return "", false, c.srcErr(err)
	}
	if len(b) >= 2 && b[len(b)-2] == '\r' {
		return string(b[:len(b)-2]), false, nil
	}
	if bareLF {
		line = string(b[:len(b)-1])
		if next, _ := c.src.Peek(2); string(next) == "\r\n" {
			c.src.Discard(2)
		}
		return line, false, nil
	}
	return "", false, fmt.Errorf("%w: line not terminated by CRLF", ErrMalformedChunk)
}

// srcErr classifies a read error: an early end is a truncated body, any
// other error (network, size limit) passes through with context.
func (c *chunkedReader) srcErr(err error) error {
	if err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("%w: body truncated: %w", ErrMalformedChunk, io.ErrUnexpectedEOF)
	}
	return fmt.Errorf("reading aws-chunked body: %w", err)
}
