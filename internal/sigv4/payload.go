package sigv4

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// payloadMode is what x-amz-content-sha256 says about the body.
type payloadMode int

const (
	modeHex                   payloadMode = iota // hex SHA-256 of the body
	modeUnsigned                                 // UNSIGNED-PAYLOAD
	modeStreamSigned                             // aws-chunked, chunk signatures
	modeStreamSignedTrailer                      // ... plus signed trailers
	modeStreamUnsignedTrailer                    // aws-chunked, no signatures, trailers
)

const (
	unsignedPayload        = "UNSIGNED-PAYLOAD"
	streamingSigned        = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
	streamingSignedTrail   = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
	streamingUnsignedTrail = "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
	maxDeclaredTrailers    = 8
)

func parsePayloadMode(v string) (payloadMode, error) {
	switch v {
	case unsignedPayload:
		return modeUnsigned, nil
	case streamingSigned:
		return modeStreamSigned, nil
	case streamingSignedTrail:
		return modeStreamSignedTrailer, nil
	case streamingUnsignedTrail:
		return modeStreamUnsignedTrailer, nil
	}
	if len(v) == 64 {
		if _, err := hex.DecodeString(v); err == nil {
			return modeHex, nil
		}
	}
	return 0, fmt.Errorf("%w: %q", ErrInvalidContentSHA256, trunc(v))
}

func (m payloadMode) streaming() bool { return m >= modeStreamSigned }
func (m payloadMode) trailers() bool {
	return m == modeStreamSignedTrailer || m == modeStreamUnsignedTrailer
}

// chunkSeed is what chunk and trailer signatures chain from.
type chunkSeed struct {
	key     []byte
	amzDate string
	scope   string
	sig     []byte
}

// payload turns a verified request into Auth.Body and friends.
type payload struct {
	mode     payloadMode
	hash     string // the x-amz-content-sha256 value signed
	buffered []byte // body already read by hashSmallBody, if any
	seed     chunkSeed
}

func (p payload) attach(r *http.Request, a *Auth) error {
	a.Length = r.ContentLength
	a.Trailer = noTrailer
	declared, err := parseTrailerHeader(r.Header.Values("X-Amz-Trailer"))
	if err != nil {
		return err
	}
	if len(declared) > 0 && !p.mode.trailers() {
		return fmt.Errorf("%w: x-amz-trailer needs a STREAMING-*-TRAILER payload", ErrInvalidContentSHA256)
	}
	switch {
	case p.buffered != nil:
		a.Body, a.Length = bytes.NewReader(p.buffered), int64(len(p.buffered))
	case p.mode == modeHex:
		want, _ := hex.DecodeString(p.hash)
		a.Body = &hashReader{r: bodyOf(r), h: sha256.New(), want: want}
	case p.mode == modeUnsigned:
		a.Body = bodyOf(r)
	default:
		n, err := decodedLength(r)
		if err != nil {
			return err
		}
		cr := newChunkedReader(bodyOf(r), chunkConfig{
			signed:   p.mode == modeStreamSigned || p.mode == modeStreamSignedTrailer,
			trailer:  p.mode.trailers(),
			declared: n,
			trailers: declared,
			seed:     p.seed,
		})
		a.Body, a.Length, a.Trailer, a.DeclaredTrailers = cr, n, cr.trailer, declared
	}
	return nil
}

func noTrailer(string) (string, bool) { return "", false }

func decodedLength(r *http.Request) (int64, error) {
	v := r.Header.Get("X-Amz-Decoded-Content-Length")
	if v == "" {
		return 0, ErrMissingDecodedLength
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%w: invalid value %q", ErrMissingDecodedLength, trunc(v))
	}
	return n, nil
}

// parseTrailerHeader reads x-amz-trailer: comma-separated header names.
func parseTrailerHeader(values []string) ([]string, error) {
	var names []string
	for _, v := range values {
		for n := range strings.SplitSeq(v, ",") {
			n = strings.ToLower(strings.TrimSpace(n))
			if n == "" {
				continue
			}
			if !validTrailerName(n) || len(names) == maxDeclaredTrailers {
				return nil, fmt.Errorf("%w: invalid x-amz-trailer %q", ErrMalformedChunk, trunc(v))
			}
			names = append(names, n)
		}
	}
	return names, nil
}

func validTrailerName(n string) bool {
	if n == "" || len(n) > 128 || n == "x-amz-trailer-signature" {
		return false
	}
	for i := 0; i < len(n); i++ {
		c := n[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// hashReader passes the body through and checks its SHA-256 at EOF.
type hashReader struct {
	r    io.Reader
	h    hash.Hash
	want []byte
	err  error
}

func (h *hashReader) Read(p []byte) (int, error) {
	if h.err != nil {
		return 0, h.err
	}
	n, err := h.r.Read(p)
	h.h.Write(p[:n])
	if err == io.EOF {
		if got := h.h.Sum(nil); !bytes.Equal(got, h.want) {
			err = fmt.Errorf("%w: body hashes to %x", ErrContentSHA256Mismatch, got)
		}
	}
	if err != nil {
		h.err = err
	}
	return n, err
}
