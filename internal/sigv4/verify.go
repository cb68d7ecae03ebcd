package sigv4

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
)

// maxHashedBody bounds the body read to compute the payload hash of a
// non-S3 request (IAM, STS, KMS) that does not send x-amz-content-sha256.
// Those APIs take small form or JSON bodies.
const maxHashedBody = 1 << 20

// verifyHeaderV4 authenticates "Authorization: AWS4-HMAC-SHA256 ...".
func (v *Verifier) verifyHeaderV4(r *http.Request, authz string, q []queryPair) (*Auth, error) {
	sig, err := parseV4Authorization(authz)
	if err != nil {
		return nil, err
	}
	if err := v.checkScope(sig.scope, ErrAuthHeaderMalformed); err != nil {
		return nil, err
	}
	t, amzDate, err := requestDate(r)
	if err != nil {
		return nil, err
	}
	if sig.scope.date != amzDate[:8] {
		return nil, fmt.Errorf("%w: credential date %s is not the date of X-Amz-Date %s",
			ErrAuthHeaderMalformed, sig.scope.date, amzDate)
	}
	if err := checkSkew(v.now(), t); err != nil {
		return nil, err
	}
	payloadHash := r.Header.Get("X-Amz-Content-Sha256")
	var buffered []byte
	if payloadHash == "" {
		if sig.scope.service == "s3" {
			return nil, ErrMissingContentSHA256
		}
		if buffered, payloadHash, err = hashSmallBody(r); err != nil {
			return nil, err
		}
	}
	mode, err := parsePayloadMode(payloadHash)
	if err != nil {
		return nil, err
	}
	cred, err := v.lookup(r.Context(), sig.scope.accessKey, r.Header.Get("X-Amz-Security-Token"))
	if err != nil {
		return nil, err
	}
	key := v.keys.get(cred.Secret, sig.scope.date, sig.scope.region, sig.scope.service)
	rest := canonicalRest(canonicalQuery(q, ""), canonicalHeaders(r, sig.signedHeaders), sig.signedRaw, payloadHash)
	if !matchV4(r, key, rest, amzDate, sig) {
		return nil, ErrSignatureDoesNotMatch
	}
	a := &Auth{Method: V4Header, AccessKey: cred.AccessKey, Service: sig.scope.service, SignedAt: t}
	p := payload{mode: mode, hash: payloadHash, buffered: buffered,
		seed: chunkSeed{key: key, amzDate: amzDate, scope: sig.scope.String(), sig: sig.signature}}
	if err := p.attach(r, a); err != nil {
		return nil, err
	}
	return a, nil
}

// matchV4 reports whether the signature matches for any canonical form of
// the request path (see uriCandidates). Comparison is constant-time.
func matchV4(r *http.Request, key []byte, rest, amzDate string, sig v4Sig) bool {
	sc := sig.scope.String()
	for _, uri := range uriCandidates(r) {
		mac := hmacSHA256(key, stringToSign(r.Method, uri, rest, amzDate, sc))
		if hmac.Equal(mac, sig.signature) {
			return true
		}
	}
	return false
}

// hashSmallBody reads a bounded body so its hash can enter the canonical
// request; the bytes are handed back as the payload.
func hashSmallBody(r *http.Request) ([]byte, string, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return []byte{}, emptySHA256, nil
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, maxHashedBody+1))
	if err != nil {
		return nil, "", fmt.Errorf("reading request body: %w", err)
	}
	if len(b) > maxHashedBody {
		return nil, "", fmt.Errorf("%w: body over %d bytes needs x-amz-content-sha256", ErrInvalidContentSHA256, maxHashedBody)
	}
	sum := sha256.Sum256(b)
	return b, hex.EncodeToString(sum[:]), nil
}

// bodyOf returns the request body, never nil.
func bodyOf(r *http.Request) io.Reader {
	if r.Body == nil {
		return http.NoBody
	}
	return r.Body
}
