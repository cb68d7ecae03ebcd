package sigv4

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// v2SubResources are the query parameters that enter the Signature V2
// canonicalized resource, per the S3 documentation.
var v2SubResources = setOf("acl", "delete", "lifecycle", "location", "logging", "notification",
	"partNumber", "policy", "requestPayment", "tagging", "torrent", "uploadId", "uploads",
	"versionId", "versioning", "versions", "website", "cors", "restore",
	"response-cache-control", "response-content-disposition", "response-content-encoding",
	"response-content-language", "response-content-type", "response-expires")

// v2ExtraSubResources are sub-resources added after the documented list
// that some clients (botocore, minio-go) also sign. A request using one is
// checked against both lists, since clients disagree.
var v2ExtraSubResources = setOf("accelerate", "analytics", "encryption", "inventory", "legal-hold",
	"metrics", "object-lock", "replication", "retention", "select", "select-type", "storageClass")

func setOf(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

// verifyHeaderV2 authenticates "Authorization: AWS AccessKey:Signature".
// SignedAt is the request's Date (or x-amz-date).
func (v *Verifier) verifyHeaderV2(r *http.Request, authz, bucket string) (*Auth, error) {
	ak, sigB64, ok := strings.Cut(strings.TrimPrefix(authz, "AWS "), ":")
	if !ok || ak == "" || sigB64 == "" {
		return nil, fmt.Errorf("%w: want \"AWS AccessKeyId:Signature\"", ErrAuthHeaderMalformed)
	}
	sig, err := base64.StdEncoding.DecodeString(sigB64)
	if err != nil || len(sig) != sha1.Size {
		return nil, fmt.Errorf("%w: signature is not base64 HMAC-SHA1", ErrAuthHeaderMalformed)
	}
	dateLine := r.Header.Get("Date")
	raw := dateLine
	if _, ok := r.Header["X-Amz-Date"]; ok {
		// With x-amz-date the Date line of the string to sign is empty,
		// and Date no longer counts: an empty x-amz-date is no date.
		raw, dateLine = r.Header.Get("X-Amz-Date"), ""
	}
	if raw == "" {
		return nil, ErrMissingDate
	}
	t, err := parseHTTPDate(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: %q is not an HTTP date", ErrMissingDate, trunc(raw))
	}
	if t.Before(time.Unix(0, 0)) {
		// S3 takes a date before the Unix epoch for no date at all.
		return nil, fmt.Errorf("%w: %q is before 1970", ErrMissingDate, trunc(raw))
	}
	if err := checkSkew(v.now(), t); err != nil {
		return nil, err
	}
	return v.finishV2(r, V2Header, ak, sig, dateLine, bucket, r.Header.Get("X-Amz-Security-Token"), t)
}

// verifyPresignedV2 authenticates ?AWSAccessKeyId=&Expires=&Signature=.
// SignedAt is the expiry instant, the only time such a URL carries.
func (v *Verifier) verifyPresignedV2(r *http.Request, q []queryPair, bucket string) (*Auth, error) {
	ak, okA, dupA := queryGet(q, "AWSAccessKeyId")
	sigB64, okS, dupS := queryGet(q, "Signature")
	exp, okE, dupE := queryGet(q, "Expires")
	if !okA || !okS || !okE || dupA || dupS || dupE || ak == "" {
		return nil, fmt.Errorf("%w: AWSAccessKeyId, Expires and Signature are each required once", ErrQueryParamsMalformed)
	}
	// An unescaped '+' in the signature arrives as a space.
	sig, err := base64.StdEncoding.DecodeString(strings.ReplaceAll(sigB64, " ", "+"))
	if err != nil || len(sig) != sha1.Size {
		return nil, fmt.Errorf("%w: Signature is not base64 HMAC-SHA1", ErrQueryParamsMalformed)
	}
	secs, err := strconv.ParseInt(exp, 10, 64)
	if err != nil || secs < 0 {
		return nil, fmt.Errorf("%w: Expires %q is not epoch seconds", ErrQueryParamsMalformed, trunc(exp))
	}
	if v.now().Unix() > secs {
		return nil, fmt.Errorf("%w: expired at %d", ErrExpired, secs)
	}
	token, present, _ := queryGet(q, "x-amz-security-token")
	if !present {
		token = r.Header.Get("X-Amz-Security-Token")
	}
	return v.finishV2(r, V2Presigned, ak, sig, exp, bucket, token, time.Unix(secs, 0).UTC())
}

func (v *Verifier) finishV2(r *http.Request, m Method, ak string, sig []byte, dateLine, bucket, token string, t time.Time) (*Auth, error) {
	cred, err := v.lookup(r.Context(), ak, token)
	if err != nil {
		return nil, err
	}
	if !matchV2(r, cred.Secret, sig, dateLine, bucket) {
		return nil, ErrSignatureDoesNotMatch
	}
	return &Auth{Method: m, AccessKey: cred.AccessKey, Service: "s3", SignedAt: t,
		Body: bodyOf(r), Length: r.ContentLength, Trailer: noTrailer}, nil
}

// matchV2 tries each canonical path form (see uriCandidates) with the
// documented sub-resource list and, when the query uses a newer one, the
// extended list.
func matchV2(r *http.Request, secret string, sig []byte, dateLine, bucket string) bool {
	q, _ := parseQuery(r.URL.RawQuery)
	subs := []string{v2SubResourceString(q, v2SubResources, nil)}
	if ext := v2SubResourceString(q, v2SubResources, v2ExtraSubResources); ext != subs[0] {
		subs = append(subs, ext)
	}
	head := r.Method + "\n" + r.Header.Get("Content-Md5") + "\n" + r.Header.Get("Content-Type") + "\n" +
		dateLine + "\n" + v2AmzHeaders(r)
	prefix := ""
	if bucket != "" {
		prefix = "/" + bucket
	}
	for _, uri := range v2URICandidates(r) {
		for _, sub := range subs {
			h := hmac.New(sha1.New, []byte(secret))
			h.Write([]byte(head + prefix + uri + sub))
			if hmac.Equal(h.Sum(nil), sig) {
				return true
			}
		}
	}
	return false
}

// v2URICandidates adds, for a path-style bucket request ("/bucket"), the
// form with a trailing slash: botocore signs a bucket's canonical resource
// as "/bucket/" whatever the path it sends, as S3's documentation writes it.
func v2URICandidates(r *http.Request) []string {
	uris := uriCandidates(r)
	for _, u := range uris {
		if len(u) > 1 && !strings.Contains(u[1:], "/") {
			uris = append(uris, u+"/")
		}
	}
	return uris
}

// v2AmzHeaders renders the x-amz-* headers: lower-case names, sorted,
// values trimmed and joined with ',', one "name:value\n" each.
func v2AmzHeaders(r *http.Request) string {
	var names []string
	for k := range r.Header {
		if lk := strings.ToLower(k); strings.HasPrefix(lk, "x-amz-") {
			names = append(names, lk)
		}
	}
	slices.Sort(names)
	names = slices.Compact(names)
	var b strings.Builder
	for _, n := range names {
		b.WriteString(n + ":")
		for i, v := range r.Header.Values(n) {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strings.TrimSpace(v))
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// v2SubResourceString renders "?a&b=v" for the sub-resources in the query,
// sorted by name, values decoded.
func v2SubResourceString(q []queryPair, set, extra map[string]bool) string {
	var sel []queryPair
	for _, p := range q {
		if set[p.key] || extra[p.key] {
			sel = append(sel, p)
		}
	}
	if len(sel) == 0 {
		return ""
	}
	slices.SortStableFunc(sel, func(a, b queryPair) int { return strings.Compare(a.key, b.key) })
	var b strings.Builder
	for i, p := range sel {
		if i == 0 {
			b.WriteByte('?')
		} else {
			b.WriteByte('&')
		}
		b.WriteString(p.key)
		if p.value != "" {
			b.WriteString("=" + p.value)
		}
	}
	return b.String()
}
