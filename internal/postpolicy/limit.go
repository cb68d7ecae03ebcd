package postpolicy

import "io"

// LimitLength returns a reader that passes r through and enforces an
// inclusive content-length-range while the bytes stream: it fails with a
// *SizeError wrapping ErrEntityTooLarge as soon as more than max bytes
// arrive (never reading far past max), and with ErrEntityTooSmall at EOF
// if fewer than min arrived. max < 0 means no upper bound.
func LimitLength(r io.Reader, min, max int64) io.Reader {
	return &lengthReader{r: r, min: min, max: max}
}

type lengthReader struct {
	r        io.Reader
	n        int64 // bytes read from r
	min, max int64
	err      error // sticky once a bound is crossed
}

func (l *lengthReader) Read(p []byte) (int, error) {
	if l.err != nil {
		return 0, l.err
	}
	// Ask for at most one byte beyond max: enough to see it crossed.
	if l.max >= 0 && int64(len(p)) > l.max-l.n+1 {
		p = p[:l.max-l.n+1]
	}
	k, err := l.r.Read(p)
	l.n += int64(k)
	if l.max >= 0 && l.n > l.max {
		l.err = &SizeError{Kind: ErrEntityTooLarge, Proposed: l.n, Min: l.min, Max: l.max}
		return k - int(l.n-l.max), l.err // deliver nothing beyond max
	}
	if err == io.EOF && l.n < l.min {
		l.err = &SizeError{Kind: ErrEntityTooSmall, Proposed: l.n, Min: l.min, Max: l.max}
		return k, l.err
	}
	return k, err
}
