package kmsapi

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/hoard-s3/hoard/internal/kms"
	"github.com/hoard-s3/hoard/internal/policy"
	"github.com/hoard-s3/hoard/internal/sigv4"
	"github.com/hoard-s3/hoard/internal/tlsconf"
)

// ServeVerified answers a KMS request the wire layer has authenticated: auth
// and err are what sigv4.Verifier returned for r. Authentication failures
// are answered as KMS answers them (JSON, not S3 XML), and a request signed
// for another service is refused, so an S3 signature never reaches keys.
func (h *Handler) ServeVerified(w http.ResponseWriter, r *http.Request, auth *sigv4.Auth, err error) {
	if err == nil && auth == nil {
		err = sigv4.ErrMissingAuth
	}
	if err == nil && auth.Service != "kms" {
		err = errWrongService
	}
	if w.Header().Get("X-Amzn-RequestId") == "" {
		w.Header().Set("X-Amzn-RequestId", newRequestID())
	}
	var caller *kms.Caller
	if err == nil {
		caller, err = h.caller(r, auth)
	}
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	body := auth.Body
	if body == nil {
		body = r.Body
	}
	h.serve(w, r, caller, body)
}

// caller resolves who signed r, with its policies and the request's
// global condition keys.
func (h *Handler) caller(r *http.Request, auth *sigv4.Auth) (*kms.Caller, error) {
	if h.ids == nil {
		return nil, sigv4.ErrInvalidAccessKeyID
	}
	p, err := h.ids.Principal(r.Context(), auth.AccessKey)
	if err != nil {
		return nil, fmt.Errorf("resolve principal: %w", err)
	}
	c, err := kms.NewCaller(p.Principal, p.Policies, p.SessionPolicy, p.Boundary)
	if err != nil {
		// A stored policy the parser now refuses: deny rather than guess.
		h.log.ErrorContext(r.Context(), "stored policy does not parse; denying", "principal", p.ARN, "err", err)
		return nil, &kms.AccessDeniedError{Msg: "User: " + p.ARN + " is not authorized: a policy of the caller cannot be read"}
	}
	c.Context = policy.GlobalKeys(time.Now(), r.RemoteAddr, tlsconf.Secure(r), r.Header.Get("User-Agent"), r.Header.Get("Referer"))
	return c, nil
}

var errWrongService = newError("InvalidSignatureException", http.StatusBadRequest,
	"Credential should be scoped to correct service: 'kms'.")

// authMapping answers authentication failures in the words of AWS's JSON
// services.
var authMapping = []struct {
	err error
	api *APIError
}{
	{sigv4.ErrMissingAuth, newError("MissingAuthenticationTokenException", http.StatusBadRequest, "Request is missing Authentication Token")},
	{sigv4.ErrInvalidAccessKeyID, newError("UnrecognizedClientException", http.StatusBadRequest, "The security token included in the request is invalid.")},
	{sigv4.ErrInvalidSecurityToken, newError("UnrecognizedClientException", http.StatusBadRequest, "The security token included in the request is invalid.")},
	{sigv4.ErrExpiredToken, newError("ExpiredTokenException", http.StatusBadRequest, "The security token included in the request is expired")},
	{sigv4.ErrSignatureDoesNotMatch, newError("InvalidSignatureException", http.StatusBadRequest, "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.")},
	{sigv4.ErrContentSHA256Mismatch, newError("InvalidSignatureException", http.StatusBadRequest, "The request body does not match its signed hash.")},
	{sigv4.ErrInvalidContentSHA256, newError("InvalidSignatureException", http.StatusBadRequest, "The request payload hash is not valid.")},
	{sigv4.ErrRequestTimeTooSkewed, newError("InvalidSignatureException", http.StatusBadRequest, "Signature expired: the request time is too far from the server time.")},
	{sigv4.ErrExpired, newError("InvalidSignatureException", http.StatusBadRequest, "Signature expired.")},
	{sigv4.ErrInvalidRegion, newError("InvalidSignatureException", http.StatusBadRequest, "Credential should be scoped to a valid region.")},
	{sigv4.ErrMissingDate, newError("IncompleteSignatureException", http.StatusBadRequest, "Authorization requires a valid X-Amz-Date or Date header.")},
	{sigv4.ErrAuthHeaderMalformed, newError("IncompleteSignatureException", http.StatusBadRequest, "The Authorization header is malformed.")},
	{sigv4.ErrQueryParamsMalformed, newError("IncompleteSignatureException", http.StatusBadRequest, "The authorization query parameters are malformed.")},
	{sigv4.ErrUnsupportedAlgorithm, newError("IncompleteSignatureException", http.StatusBadRequest, "The signing algorithm is not supported.")},
	{sigv4.ErrMalformedChunk, newError("SerializationException", http.StatusBadRequest, "The request body is not valid aws-chunked encoding.")},
}

func authError(err error) (*APIError, bool) {
	for _, m := range authMapping {
		if errors.Is(err, m.err) {
			return m.api, true
		}
	}
	return nil, false
}
