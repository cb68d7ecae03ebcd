package sigv4

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

const (
	algoV4        = "AWS4-HMAC-SHA256"
	algoV4a       = "AWS4-ECDSA-P256-SHA256"
	iso8601Basic  = "20060102T150405Z"
	emptySHA256   = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	hexDigitsUp   = "0123456789ABCDEF"
	maxQueryPairs = 1000
)

// awsURIEncode applies the SigV4 URI encoding: every byte except the
// unreserved set A-Z a-z 0-9 - _ . ~ becomes %XX (upper-case hex); '/' is
// kept when keepSlash is set (paths) and encoded otherwise (query parts).
func awsURIEncode(s string, keepSlash bool) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/4)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isUnreserved(c) || (keepSlash && c == '/') {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigitsUp[c>>4])
		b.WriteByte(hexDigitsUp[c&15])
	}
	return b.String()
}

func isUnreserved(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '-' || c == '_' || c == '.' || c == '~'
}

// queryPair is one decoded name=value pair of a query string.
type queryPair struct{ key, value string }

// parseQuery splits a raw query into decoded pairs in their original order,
// the way url.ParseQuery (and so the AWS SDKs) reads it: '+' is a space,
// empty segments are skipped. A component that is not valid percent-encoding
// is kept literally, so it canonicalises deterministically and simply fails
// to verify rather than being dropped. More than maxQueryPairs pairs is an
// error: silently ignoring the rest would leave them unsigned.
func parseQuery(raw string) ([]queryPair, bool) {
	var pairs []queryPair
	for raw != "" {
		if len(pairs) == maxQueryPairs {
			return nil, false
		}
		var seg string
		seg, raw, _ = strings.Cut(raw, "&")
		if seg == "" {
			continue
		}
		k, v, _ := strings.Cut(seg, "=")
		pairs = append(pairs, queryPair{unescapeQuery(k), unescapeQuery(v)})
	}
	return pairs, true
}

func unescapeQuery(s string) string {
	if u, err := url.QueryUnescape(s); err == nil {
		return u
	}
	return s
}

// queryGet returns the value of the only pair named key, whether it occurs
// (more than once counts as present with dup set).
func queryGet(pairs []queryPair, key string) (value string, present, dup bool) {
	for _, p := range pairs {
		if p.key == key {
			if present {
				return value, true, true
			}
			value, present = p.value, true
		}
	}
	return value, present, false
}

// canonicalQuery encodes the pairs, minus any named skip, sorted by encoded
// name and then value; empty values keep their '='.
func canonicalQuery(pairs []queryPair, skip string) string {
	enc := make([]queryPair, 0, len(pairs))
	for _, p := range pairs {
		if skip != "" && p.key == skip {
			continue
		}
		enc = append(enc, queryPair{awsURIEncode(p.key, false), awsURIEncode(p.value, false)})
	}
	slices.SortFunc(enc, func(a, b queryPair) int {
		if c := strings.Compare(a.key, b.key); c != 0 {
			return c
		}
		return strings.Compare(a.value, b.value)
	})
	var b strings.Builder
	for i, p := range enc {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(p.key)
		b.WriteByte('=')
		b.WriteString(p.value)
	}
	return b.String()
}

// canonicalHeaders renders "name:value\n" for each signed header, in the
// order the client listed them. Values are trimmed, runs of spaces folded,
// and repeated headers joined with ','. Headers that net/http lifts out of
// the header map (Host, Content-Length, Transfer-Encoding) are restored.
func canonicalHeaders(r *http.Request, signed []string) string {
	var b strings.Builder
	for _, name := range signed {
		b.WriteString(name)
		b.WriteByte(':')
		for i, v := range headerValues(r, name) {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(foldSpaces(v))
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func headerValues(r *http.Request, lname string) []string {
	switch lname {
	case "host":
		if r.Host != "" {
			return []string{r.Host}
		}
		if r.URL != nil {
			return []string{r.URL.Host}
		}
		return nil
	case "content-length":
		if v := r.Header.Values("Content-Length"); len(v) > 0 {
			return v
		}
		if r.ContentLength >= 0 {
			return []string{strconv.FormatInt(r.ContentLength, 10)}
		}
		return nil
	case "transfer-encoding":
		if v := r.Header.Values("Transfer-Encoding"); len(v) > 0 {
			return v
		}
		return r.TransferEncoding
	}
	return r.Header.Values(lname)
}

// foldSpaces trims surrounding spaces and folds inner runs of spaces to one.
func foldSpaces(s string) string {
	s = strings.Trim(s, " \t")
	if !strings.Contains(s, "  ") {
		return s
	}
	var b strings.Builder
	space := false
	for i := 0; i < len(s); i++ {
		if s[i] == ' ' {
			if space {
				continue
			}
			space = true
		} else {
			space = false
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// uriCandidates lists the canonical URIs worth trying, most faithful first:
// the path exactly as it appeared on the request line, the path as net/http
// re-escapes it, and the AWS encoding of the decoded path. Clients disagree
// on which characters to escape; all three denote the same decoded path, so
// accepting any of them never lets a signature cover a different resource.
func uriCandidates(r *http.Request) []string {
	out := make([]string, 0, 3)
	add := func(p string) {
		if p == "" {
			p = "/"
		}
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	if ru := r.RequestURI; strings.HasPrefix(ru, "/") {
		p, _, _ := strings.Cut(ru, "?")
		add(p)
	}
	if r.URL != nil {
		add(r.URL.EscapedPath())
		add(awsURIEncode(r.URL.Path, true))
	}
	return out
}

// canonicalRest is the canonical request after the URI line.
func canonicalRest(query, headers, signedHeaders, payloadHash string) string {
	return query + "\n" + headers + "\n" + signedHeaders + "\n" + payloadHash
}

// stringToSign hashes the canonical request (method, uri, rest) and frames it.
func stringToSign(method, uri, rest, amzDate, scope string) string {
	h := sha256.New()
	h.Write([]byte(method))
	h.Write([]byte{'\n'})
	h.Write([]byte(uri))
	h.Write([]byte{'\n'})
	h.Write([]byte(rest))
	return algoV4 + "\n" + amzDate + "\n" + scope + "\n" + hex.EncodeToString(h.Sum(nil))
}
