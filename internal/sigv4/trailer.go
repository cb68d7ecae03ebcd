package sigv4

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
)

const trailerSigName = "x-amz-trailer-signature"

// readTrailers reads "name:value" lines after the final chunk up to the
// blank line (a body that ends instead is accepted, as some clients omit
// it). A trailer line may end with a bare LF: minio-go ends them so, and
// MinIO accepts it. Only declared trailers are allowed; in signed mode the
// x-amz-trailer-signature line must come last and cover the others.
func (c *chunkedReader) readTrailers() error {
	c.trailers = make(map[string]string, len(c.cfg.trailers))
	var canon strings.Builder
	var sigHex string
	sawSig := false
	total := 0
	for {
		line, eof, err := c.readLineEnd(true)
		if err != nil {
			return err
		}
		if eof || line == "" {
			break
		}
		if total += len(line) + 2; total > maxTrailerSize {
			return fmt.Errorf("%w: trailers exceed %d bytes", ErrMalformedChunk, maxTrailerSize)
		}
		if sawSig {
			return fmt.Errorf("%w: trailer after %s", ErrMalformedChunk, trailerSigName)
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			return fmt.Errorf("%w: trailer line %q is not name:value", ErrMalformedChunk, trunc(line))
		}
		name, value = strings.ToLower(strings.TrimSpace(name)), strings.TrimSpace(value)
		if name == trailerSigName && c.cfg.signed {
			sigHex, sawSig = value, true
			continue
		}
		if !slices.Contains(c.cfg.trailers, name) {
			return fmt.Errorf("%w: trailer %q was not declared in x-amz-trailer", ErrMalformedChunk, trunc(name))
		}
		if _, dup := c.trailers[name]; dup {
			return fmt.Errorf("%w: trailer %q repeated", ErrMalformedChunk, name)
		}
		c.trailers[name] = value
		canon.WriteString(name + ":" + value + "\n")
	}
	if !c.cfg.signed || (len(c.trailers) == 0 && !sawSig) {
		return nil
	}
	return c.checkTrailerSig(sawSig, sigHex, canon.String())
}

// checkTrailerSig verifies the trailer signature, chained from the final
// chunk's signature.
func (c *chunkedReader) checkTrailerSig(present bool, sigHex, canon string) error {
	if !present {
		return fmt.Errorf("%w: trailers without %s", ErrSignatureDoesNotMatch, trailerSigName)
	}
	want, err := parseHexSig(sigHex)
	if err != nil {
		return fmt.Errorf("%w: %s: %w", ErrMalformedChunk, trailerSigName, err)
	}
	sum := sha256.Sum256([]byte(canon))
	s := c.cfg.seed
	sts := "AWS4-HMAC-SHA256-TRAILER\n" + s.amzDate + "\n" + s.scope + "\n" +
		hex.EncodeToString(c.prev) + "\n" + hex.EncodeToString(sum[:])
	if !hmac.Equal(hmacSHA256(s.key, sts), want) {
		return fmt.Errorf("%w: trailer signature", ErrSignatureDoesNotMatch)
	}
	return nil
}
