package s3tier

import (
	"context"
	"fmt"
	"io"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// reader serves ReadAt from one streaming GET while reads are sequential
// (as a copy or a decrypting GET reads), and reopens at the new offset
// when they are not.
type reader struct {
	s    *Store
	ctx  context.Context
	id   string
	size int64
	body io.ReadCloser
	pos  int64 // offset of the next byte body yields
}

func (r *reader) Size() int64 { return r.size }

func (r *reader) ReadAt(p []byte, off int64) (int, error) {
	if off >= r.size {
		return 0, io.EOF
	}
	if r.body == nil || off != r.pos {
		if err := r.reopen(off); err != nil {
			return 0, err
		}
	}
	want := p
	if rest := r.size - off; int64(len(want)) > rest {
		want = want[:rest]
	}
	n, err := io.ReadFull(r.body, want)
	r.pos += int64(n)
	if err != nil {
		r.close()
		return n, fmt.Errorf("s3 tier: read %s: %w", r.id, err)
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

func (r *reader) reopen(off int64) error {
	r.close()
	out, err := r.s.client.GetObject(r.ctx, &s3.GetObjectInput{
		Bucket: &r.s.cfg.Bucket, Key: aws.String(r.s.name(r.id)), Range: aws.String(fmt.Sprintf("bytes=%d-", off)),
	})
	if err != nil {
		return r.s.wrap("read", r.id, err)
	}
	r.body, r.pos = out.Body, off
	return nil
}

func (r *reader) close() {
	if r.body != nil {
		r.body.Close()
		r.body = nil
	}
}

func (r *reader) Close() error {
	r.close()
	return nil
}
