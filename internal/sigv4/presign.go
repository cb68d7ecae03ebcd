package sigv4

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// maxPresignExpiry is the longest X-Amz-Expires S3 accepts: seven days.
const maxPresignExpiry = 604800

// presignedParams are the X-Amz-* query parameters of a presigned URL.
type presignedParams struct {
	sig     v4Sig
	t       time.Time
	amzDate string
	expires time.Duration
}

func parsePresigned(q []queryPair) (presignedParams, error) {
	var p presignedParams
	var missing []string
	get := func(k string) string {
		v, present, dup := queryGet(q, k)
		if !present {
			missing = append(missing, k)
		} else if dup {
			missing = append(missing, k+" (once)")
		}
		return v
	}
	algo := get("X-Amz-Algorithm")
	cred := get("X-Amz-Credential")
	signed := get("X-Amz-SignedHeaders")
	sig := get("X-Amz-Signature")
	amzDate := get("X-Amz-Date")
	expires := get("X-Amz-Expires")
	if algo != "" && algo != algoV4 && strings.HasPrefix(algo, "AWS4-") {
		return p, fmt.Errorf("%w: %q", ErrUnsupportedAlgorithm, trunc(algo))
	}
	if len(missing) > 0 {
		return p, fmt.Errorf("%w: query must carry %s", ErrQueryParamsMalformed, strings.Join(missing, ", "))
	}
	if algo != algoV4 {
		return p, fmt.Errorf("%w: X-Amz-Algorithm must be %s", ErrQueryParamsMalformed, algoV4)
	}
	var err error
	if p.sig, err = parseV4Parts(cred, signed, sig); err != nil {
		return p, fmt.Errorf("%w: %w", ErrQueryParamsMalformed, err)
	}
	if p.t, err = time.Parse(iso8601Basic, amzDate); err != nil {
		return p, fmt.Errorf("%w: X-Amz-Date %q is not YYYYMMDDTHHMMSSZ", ErrQueryParamsMalformed, trunc(amzDate))
	}
	p.amzDate = amzDate
	if p.sig.scope.date != amzDate[:8] {
		return p, fmt.Errorf("%w: credential date %s is not the date of X-Amz-Date %s",
			ErrQueryParamsMalformed, p.sig.scope.date, amzDate)
	}
	n, err := strconv.Atoi(expires)
	if err != nil {
		return p, fmt.Errorf("%w: X-Amz-Expires must be an integer from 1 to %d", ErrQueryParamsMalformed, maxPresignExpiry)
	}
	if n < 1 || n > maxPresignExpiry {
		// S3 refuses a lifetime out of range as forbidden, not malformed.
		return p, fmt.Errorf("%w: %d is not from 1 to %d", ErrPresignExpiry, n, maxPresignExpiry)
	}
	p.expires = time.Duration(n) * time.Second
	return p, nil
}

// verifyPresignedV4 authenticates a URL carrying X-Amz-Signature.
func (v *Verifier) verifyPresignedV4(r *http.Request, q []queryPair) (*Auth, error) {
	p, err := parsePresigned(q)
	if err != nil {
		return nil, err
	}
	if err := v.checkScope(p.sig.scope, ErrQueryParamsMalformed); err != nil {
		return nil, err
	}
	now := v.now()
	if p.t.Sub(now) > maxSkew {
		return nil, fmt.Errorf("%w: URL signed for %s, server time %s", ErrRequestTimeTooSkewed,
			p.amzDate, now.UTC().Format(iso8601Basic))
	}
	if now.After(p.t.Add(p.expires)) {
		return nil, fmt.Errorf("%w: expired at %s", ErrExpired, p.t.Add(p.expires).UTC().Format(iso8601Basic))
	}
	payloadHash := r.Header.Get("X-Amz-Content-Sha256")
	if payloadHash == "" {
		payloadHash, _, _ = queryGet(q, "X-Amz-Content-Sha256")
	}
	if payloadHash == "" {
		payloadHash = unsignedPayload
	}
	mode, err := parsePayloadMode(payloadHash)
	if err != nil {
		return nil, err
	}
	token, present, _ := queryGet(q, "X-Amz-Security-Token")
	if !present {
		token = r.Header.Get("X-Amz-Security-Token")
	}
	cred, err := v.lookup(r.Context(), p.sig.scope.accessKey, token)
	if err != nil {
		return nil, err
	}
	s := p.sig.scope
	key := v.keys.get(cred.Secret, s.date, s.region, s.service)
	rest := canonicalRest(canonicalQuery(q, "X-Amz-Signature"), canonicalHeaders(r, p.sig.signedHeaders),
		p.sig.signedRaw, payloadHash)
	if !matchV4(r, key, rest, p.amzDate, p.sig) {
		return nil, ErrSignatureDoesNotMatch
	}
	a := &Auth{Method: V4Presigned, AccessKey: cred.AccessKey, Service: s.service, SignedAt: p.t}
	pl := payload{mode: mode, hash: payloadHash,
		seed: chunkSeed{key: key, amzDate: p.amzDate, scope: s.String(), sig: p.sig.signature}}
	if err := pl.attach(r, a); err != nil {
		return nil, err
	}
	return a, nil
}
