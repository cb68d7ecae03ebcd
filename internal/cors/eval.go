package cors

import (
	"net/http"
	"strconv"
	"strings"
)

// HTTP header names of the CORS protocol.
const (
	HeaderOrigin           = "Origin"
	HeaderRequestMethod    = "Access-Control-Request-Method"
	HeaderRequestHeaders   = "Access-Control-Request-Headers"
	HeaderAllowOrigin      = "Access-Control-Allow-Origin"
	HeaderAllowMethods     = "Access-Control-Allow-Methods"
	HeaderAllowHeaders     = "Access-Control-Allow-Headers"
	HeaderExposeHeaders    = "Access-Control-Expose-Headers"
	HeaderMaxAge           = "Access-Control-Max-Age"
	HeaderAllowCredentials = "Access-Control-Allow-Credentials"
)

// Vary is the value S3 sends with every CORS answer whose rule matched: the
// answer depends on these request headers, so caches must key on them.
const Vary = "Origin, Access-Control-Request-Headers, Access-Control-Request-Method"

// Result is the answer of the matching rule, ready to become headers.
type Result struct {
	Rule             *Rule    // the first rule that matched
	AllowOrigin      string   // the request's Origin, or "*" for a rule that allows every origin
	AllowCredentials bool     // S3 sends "true" unless the answer is "*"
	AllowMethods     []string // every method of the rule, as S3 answers
	AllowHeaders     []string // the requested headers, lowercased, in request order
	ExposeHeaders    []string
	MaxAgeSeconds    *int
}

// Preflight evaluates an OPTIONS request: the first rule whose origins,
// methods and allowed headers cover the Origin, the
// Access-Control-Request-Method and every name in requestHeaders wins. No
// match (or no configuration) is false; S3 then answers 403 AccessForbidden.
func Preflight(cfg *Config, origin, method string, requestHeaders []string) (*Result, bool) {
	if cfg == nil || origin == "" || method == "" {
		return nil, false
	}
	names := normalizeHeaders(requestHeaders)
	for i := range cfg.Rules {
		r := &cfg.Rules[i]
		if r.allowsOrigin(origin) && r.allowsMethod(method) && r.allowsHeaders(names) {
			res := r.result(origin)
			res.AllowHeaders = names
			return res, true
		}
	}
	return nil, false
}

// Actual evaluates a request that is not a preflight. S3 does not check a
// real request's headers, only its origin and method. No match is false:
// S3 then serves the request without any CORS header.
func Actual(cfg *Config, origin, method string) (*Result, bool) {
	return Preflight(cfg, origin, method, nil)
}

// ForRequest evaluates a non-OPTIONS request as S3 does, which treats
// preflight headers on a real request as if it were a preflight: an
// Access-Control-Request-Method replaces the request's method in the
// match, and Access-Control-Request-Headers must be allowed too.
func ForRequest(cfg *Config, method string, h http.Header) (*Result, bool) {
	if m := h.Get(HeaderRequestMethod); m != "" {
		method = m
	}
	return Preflight(cfg, h.Get(HeaderOrigin), method, SplitHeaderList(h.Values(HeaderRequestHeaders)))
}

// SplitHeaderList splits comma-separated header-name lists, as found in
// Access-Control-Request-Headers, into names (empty items dropped).
func SplitHeaderList(values []string) []string {
	var out []string
	for _, v := range values {
		for _, name := range strings.Split(v, ",") {
			if name = strings.TrimSpace(name); name != "" {
				out = append(out, name)
			}
		}
	}
	return out
}

// normalizeHeaders lowercases and trims names: S3 matches them without
// regard to case and echoes them back in lowercase.
func normalizeHeaders(names []string) []string {
	var out []string
	for _, n := range names {
		if n = strings.ToLower(strings.TrimSpace(n)); n != "" {
			out = append(out, n)
		}
	}
	return out
}

func (r *Rule) allowsOrigin(origin string) bool {
	for _, o := range r.AllowedOrigins {
		// Origins are compared byte for byte: browsers serialize them in
		// lowercase, and S3 documents no case folding.
		if wildcardMatch(o, origin) {
			return true
		}
	}
	return false
}

func (r *Rule) allowsMethod(method string) bool {
	for _, m := range r.AllowedMethods {
		if m == method {
			return true
		}
	}
	return false
}

// allowsHeaders reports whether every (lowercased) name matches an
// AllowedHeader. A rule without AllowedHeader allows no requested header.
func (r *Rule) allowsHeaders(names []string) bool {
	for _, n := range names {
		ok := false
		for _, a := range r.AllowedHeaders {
			if wildcardMatch(strings.ToLower(a), n) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

func (r *Rule) allowsAnyOrigin() bool {
	for _, o := range r.AllowedOrigins {
		if o == "*" {
			return true
		}
	}
	return false
}

func (r *Rule) result(origin string) *Result {
	res := &Result{
		Rule:          r,
		AllowOrigin:   origin,
		AllowMethods:  r.AllowedMethods,
		ExposeHeaders: r.ExposeHeaders,
		MaxAgeSeconds: r.MaxAgeSeconds,
	}
	// S3 answers "*" without credentials for a rule that allows every
	// origin, and otherwise echoes the origin with credentials allowed.
	if r.allowsAnyOrigin() {
		res.AllowOrigin = "*"
	} else {
		res.AllowCredentials = true
	}
	return res
}

// WriteHeaders adds the answer's headers to h, with the Vary S3 sends.
// Vary is added, not set, so values the handler already put there stay.
func (res *Result) WriteHeaders(h http.Header) {
	h.Set(HeaderAllowOrigin, res.AllowOrigin)
	if res.AllowCredentials {
		h.Set(HeaderAllowCredentials, "true")
	}
	h.Add("Vary", Vary)
	h.Set(HeaderAllowMethods, strings.Join(res.AllowMethods, ", "))
	if len(res.AllowHeaders) > 0 {
		h.Set(HeaderAllowHeaders, strings.Join(res.AllowHeaders, ", "))
	}
	if len(res.ExposeHeaders) > 0 {
		h.Set(HeaderExposeHeaders, strings.Join(res.ExposeHeaders, ", "))
	}
	if res.MaxAgeSeconds != nil {
		h.Set(HeaderMaxAge, strconv.Itoa(*res.MaxAgeSeconds))
	}
}

// wildcardMatch matches s against a pattern holding at most one '*', which
// stands for any run of bytes, the empty one included. Patterns with more
// stars (refused by Parse) never match, so a hand-built Config cannot
// widen access by accident.
func wildcardMatch(pattern, s string) bool {
	star := strings.IndexByte(pattern, '*')
	if star < 0 {
		return pattern == s
	}
	prefix, suffix := pattern[:star], pattern[star+1:]
	if strings.IndexByte(suffix, '*') >= 0 {
		return false
	}
	return len(s) >= len(prefix)+len(suffix) &&
		strings.HasPrefix(s, prefix) && strings.HasSuffix(s, suffix)
}
