package s3api

import (
	"errors"
	"io"
)

var errBodyTooLong = errIncompleteBody.withMessage("The request body is longer than the declared length.")

// exactBody yields exactly the declared number of bytes and, on reaching
// them, reads on to the verifier's EOF before handing out the last bytes.
// The verifier checks a signed payload hash, chunk framing and trailers
// only at EOF, and a consumer that stops after Size bytes would never get
// there; this makes every check happen before the upload can commit.
type exactBody struct {
	r    io.Reader
	left int64
	err  error
}

func newExactBody(r io.Reader, n int64) *exactBody { return &exactBody{r: r, left: n} }

func (b *exactBody) Read(p []byte) (int, error) {
	if b.err != nil {
		return 0, b.err
	}
	if b.left == 0 {
		b.err = b.confirmEOF()
		return 0, b.err
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.r.Read(p)
	b.left -= int64(n)
	switch {
	case err != nil:
		b.err = err // a short body ends here; the consumer reports it
		return n, err
	case b.left > 0:
		return n, nil
	}
	if b.err = b.confirmEOF(); b.err == io.EOF {
		return n, nil
	}
	return n, b.err
}

// confirmEOF expects the underlying reader to be exhausted.
func (b *exactBody) confirmEOF() error {
	var one [1]byte
	for range 100 {
		n, err := b.r.Read(one[:])
		if n > 0 {
			return errBodyTooLong
		}
		if errors.Is(err, io.EOF) {
			return io.EOF
		}
		if err != nil {
			return err
		}
	}
	return io.ErrNoProgress
}

// readVerifiedBody reads a small request document (at most limit bytes)
// and checks it against Content-MD5 and any x-amz-checksum-* the client
// sent. With required, one of them must be present, as S3 demands for
// calls such as DeleteObjects and PutBucketCors.
func readVerifiedBody(req *request, limit int64, required bool) ([]byte, error) {
	md5sum, err := parseContentMD5(req.r)
	if err != nil {
		return nil, err
	}
	want, err := expectedChecksum(req)
	if err != nil {
		return nil, err
	}
	if required && md5sum == nil && want.Value == "" && want.Late == nil {
		return nil, errInvalidRequest.withMessage("Missing required header for this request: Content-MD5 OR x-amz-checksum-*")
	}
	body, err := readBody(req, limit)
	if err != nil {
		return nil, err
	}
	if err := verifyDigests(body, md5sum, want); err != nil {
		return nil, err
	}
	return body, nil
}
