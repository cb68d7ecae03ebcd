package sigv4

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"
)

const (
	testAK     = "AKIDHOARDTEST"
	testSecret = "hoard/secret+KEY0123456789abcdefghij"
	testRegion = "us-east-1"
	tokenAK    = "ASIATEMPORARY"
	tokenValue = "session-token-value"

	docAK     = "AKIAIOSFODNN7EXAMPLE"
	docSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
)

var testTime = time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)

// testCreds is an in-memory credential store.
type testCreds map[string]Credential

func (c testCreds) Lookup(_ context.Context, ak string) (Credential, error) {
	if cred, ok := c[ak]; ok {
		return cred, nil
	}
	return Credential{}, fmt.Errorf("%w: %s", ErrInvalidAccessKeyID, ak)
}

func newTestVerifier(now time.Time) *Verifier {
	v := NewVerifier(testRegion, testCreds{
		testAK:  {AccessKey: testAK, Secret: testSecret},
		tokenAK: {AccessKey: tokenAK, Secret: testSecret, SessionToken: tokenValue},
		docAK:   {AccessKey: docAK, Secret: docSecret},
	})
	v.Now = func() time.Time { return now }
	return v
}

// serverSide sends a client request through the HTTP/1.1 wire format and
// reads it back as a server would see it (RequestURI, Host, ContentLength,
// header casing), without a network.
func serverSide(t testing.TB, req *http.Request) *http.Request {
	t.Helper()
	var buf bytes.Buffer
	if err := req.Write(&buf); err != nil {
		t.Fatalf("writing request: %v", err)
	}
	r, err := http.ReadRequest(bufio.NewReader(&buf))
	if err != nil {
		t.Fatalf("reading request back: %v\n%s", err, buf.String())
	}
	return r
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func wantErr(t *testing.T, got, want error) {
	t.Helper()
	if want == nil {
		if got != nil {
			t.Fatalf("unexpected error: %v", got)
		}
		return
	}
	if !errors.Is(got, want) {
		t.Fatalf("error = %v, want %v", got, want)
	}
}

// chunkOpts drives the test aws-chunked encoder.
type chunkOpts struct {
	signed    bool
	seed      chunkSeed
	chunkSize int
	trailers  [][2]string // name, value
	sigTrail  bool        // add x-amz-trailer-signature
	badChunk  int         // 1-based chunk whose signature is corrupted
	badTrail  bool        // corrupt the trailer signature
}

// encodeChunked frames data as aws-chunked, computing the signatures the
// way a client does.
func encodeChunked(data []byte, o chunkOpts) []byte {
	var b bytes.Buffer
	prev := o.seed.sig
	n := 0
	emit := func(chunk []byte) {
		n++
		if !o.signed {
			fmt.Fprintf(&b, "%x\r\n", len(chunk))
		} else {
			sts := "AWS4-HMAC-SHA256-PAYLOAD\n" + o.seed.amzDate + "\n" + o.seed.scope + "\n" +
				hex.EncodeToString(prev) + "\n" + emptySHA256 + "\n" + sha256Hex(chunk)
			sig := hmacSHA256(o.seed.key, sts)
			prev = sig
			if n == o.badChunk {
				sig = bytes.Clone(sig)
				sig[0] ^= 1
			}
			fmt.Fprintf(&b, "%x;chunk-signature=%x\r\n", len(chunk), sig)
		}
		b.Write(chunk)
		if len(chunk) > 0 || len(o.trailers) == 0 && !o.sigTrail && !o.trailerMode() {
			b.WriteString("\r\n")
		}
	}
	for off := 0; off < len(data); off += o.chunkSize {
		emit(data[off:min(off+o.chunkSize, len(data))])
	}
	emit(nil)
	if !o.trailerMode() {
		return b.Bytes()
	}
	var canon string
	for _, tr := range o.trailers {
		fmt.Fprintf(&b, "%s:%s\r\n", tr[0], tr[1])
		canon += tr[0] + ":" + tr[1] + "\n"
	}
	if o.sigTrail {
		sts := "AWS4-HMAC-SHA256-TRAILER\n" + o.seed.amzDate + "\n" + o.seed.scope + "\n" +
			hex.EncodeToString(prev) + "\n" + sha256Hex([]byte(canon))
		sig := hmacSHA256(o.seed.key, sts)
		if o.badTrail {
			sig[0] ^= 1
		}
		fmt.Fprintf(&b, "x-amz-trailer-signature:%x\r\n", sig)
	}
	b.WriteString("\r\n")
	return b.Bytes()
}

func (o chunkOpts) trailerMode() bool { return len(o.trailers) > 0 || o.sigTrail }
