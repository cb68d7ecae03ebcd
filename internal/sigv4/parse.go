package sigv4

import (
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// scope is a parsed SigV4 credential: AK/date/region/service/aws4_request.
type scope struct {
	accessKey, date, region, service string
}

func (s scope) String() string {
	return s.date + "/" + s.region + "/" + s.service + "/aws4_request"
}

// v4Sig holds the signature parameters of a header-signed or presigned
// request, whichever form they arrived in.
type v4Sig struct {
	scope         scope
	signedHeaders []string
	signedRaw     string // SignedHeaders exactly as sent; part of the canonical request
	signature     []byte // 32 bytes
}

// parseV4Authorization parses
// "AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...".
// Errors wrap ErrAuthHeaderMalformed (or ErrUnsupportedAlgorithm).
func parseV4Authorization(h string) (v4Sig, error) {
	algo, rest, _ := strings.Cut(h, " ")
	if algo != algoV4 {
		if strings.HasPrefix(algo, "AWS4-") {
			return v4Sig{}, fmt.Errorf("%w: %q", ErrUnsupportedAlgorithm, trunc(algo))
		}
		return v4Sig{}, fmt.Errorf("%w: unsupported authorization type", ErrAuthHeaderMalformed)
	}
	var cred, signed, sig string
	var seen [3]bool
	for part := range strings.SplitSeq(rest, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return v4Sig{}, fmt.Errorf("%w: component %q is not name=value", ErrAuthHeaderMalformed, trunc(part))
		}
		var i int
		switch k {
		case "Credential":
			i, cred = 0, v
		case "SignedHeaders":
			i, signed = 1, v
		case "Signature":
			i, sig = 2, v
		default:
			return v4Sig{}, fmt.Errorf("%w: unknown component %q", ErrAuthHeaderMalformed, trunc(k))
		}
		if seen[i] {
			return v4Sig{}, fmt.Errorf("%w: duplicate %s", ErrAuthHeaderMalformed, k)
		}
		seen[i] = true
	}
	if !seen[0] || !seen[1] || !seen[2] {
		return v4Sig{}, fmt.Errorf("%w: Credential, SignedHeaders and Signature are required", ErrAuthHeaderMalformed)
	}
	s, err := parseV4Parts(cred, signed, sig)
	if err != nil {
		return v4Sig{}, fmt.Errorf("%w: %w", ErrAuthHeaderMalformed, err)
	}
	return s, nil
}

// parseV4Parts validates the three signature parameters; errors are plain
// and get wrapped by the caller with the sentinel of its form.
func parseV4Parts(cred, signed, sig string) (v4Sig, error) {
	var s v4Sig
	var err error
	if s.scope, err = parseCredential(cred); err != nil {
		return s, err
	}
	if s.signedHeaders, err = parseSignedHeaders(signed); err != nil {
		return s, err
	}
	s.signedRaw = signed
	if s.signature, err = parseHexSig(sig); err != nil {
		return s, fmt.Errorf("signature: %w", err)
	}
	return s, nil
}

func parseCredential(c string) (scope, error) {
	parts := strings.Split(c, "/")
	if len(parts) != 5 || parts[0] == "" || parts[4] != "aws4_request" {
		return scope{}, fmt.Errorf("credential %q is not AK/date/region/service/aws4_request", trunc(c))
	}
	if _, err := time.Parse("20060102", parts[1]); err != nil {
		return scope{}, fmt.Errorf("credential date %q is not YYYYMMDD", trunc(parts[1]))
	}
	if parts[3] == "" {
		return scope{}, fmt.Errorf("credential %q has an empty service", trunc(c))
	}
	return scope{accessKey: parts[0], date: parts[1], region: parts[2], service: parts[3]}, nil
}

// maxSignedHeaders bounds SignedHeaders; SDKs sign around a dozen.
const maxSignedHeaders = 128

// parseSignedHeaders accepts a ';'-separated list of distinct lower-case
// names that includes host, as S3 requires.
func parseSignedHeaders(s string) ([]string, error) {
	if s == "" {
		return nil, fmt.Errorf("SignedHeaders is empty")
	}
	names := strings.Split(s, ";")
	if len(names) > maxSignedHeaders {
		return nil, fmt.Errorf("SignedHeaders lists more than %d names", maxSignedHeaders)
	}
	host := false
	for i, n := range names {
		if n == "" || n != strings.ToLower(n) || strings.ContainsAny(n, " \t:") {
			return nil, fmt.Errorf("SignedHeaders has an invalid name %q", trunc(n))
		}
		for _, m := range names[:i] {
			if m == n {
				return nil, fmt.Errorf("SignedHeaders repeats %q", trunc(n))
			}
		}
		host = host || n == "host"
	}
	if !host {
		return nil, fmt.Errorf("SignedHeaders must include host")
	}
	return names, nil
}

func parseHexSig(s string) ([]byte, error) {
	if len(s) != 64 {
		return nil, fmt.Errorf("want 64 hex digits, got %d characters", len(s))
	}
	b, err := hex.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("not hex")
	}
	return b, nil
}

// requestDate returns the signing time of a header-signed request and its
// ISO 8601 basic form: X-Amz-Date, else Date. Errors wrap ErrMissingDate.
func requestDate(r *http.Request) (time.Time, string, error) {
	if v := r.Header.Get("X-Amz-Date"); v != "" {
		t, err := time.Parse(iso8601Basic, v)
		if err != nil {
			return time.Time{}, "", fmt.Errorf("%w: X-Amz-Date %q is not YYYYMMDDTHHMMSSZ", ErrMissingDate, trunc(v))
		}
		return t, v, nil
	}
	if v := r.Header.Get("Date"); v != "" {
		t, err := parseHTTPDate(v)
		if err != nil {
			return time.Time{}, "", fmt.Errorf("%w: Date %q is not an HTTP date", ErrMissingDate, trunc(v))
		}
		t = t.UTC()
		return t, t.Format(iso8601Basic), nil
	}
	return time.Time{}, "", ErrMissingDate
}

// maxSkew is how far a request's clock may be from ours, as in S3.
const maxSkew = 15 * time.Minute

func checkSkew(now, t time.Time) error {
	if d := now.Sub(t); d > maxSkew || d < -maxSkew {
		return fmt.Errorf("%w: signed at %s, server time %s", ErrRequestTimeTooSkewed,
			t.UTC().Format(iso8601Basic), now.UTC().Format(iso8601Basic))
	}
	return nil
}

// trunc keeps client-supplied text in error messages short.
func trunc(s string) string {
	if len(s) > 64 {
		return s[:64] + "..."
	}
	return s
}

// parseHTTPDate accepts the HTTP date formats plus the numeric-zone form
// ("Tue, 27 Mar 2007 19:36:42 +0000") older S3 clients send, and ISO 8601
// basic, which some put in x-amz-date.
func parseHTTPDate(v string) (time.Time, error) {
	if t, err := http.ParseTime(v); err == nil {
		return t.UTC(), nil
	}
	if t, err := time.Parse(time.RFC1123Z, v); err == nil {
		return t.UTC(), nil
	}
	return time.Parse(iso8601Basic, v)
}
