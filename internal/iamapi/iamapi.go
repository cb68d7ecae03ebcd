// Package iamapi serves the AWS IAM and STS query APIs (Action=…&Version=…
// in a form-encoded POST body or a GET query, answered in XML) over the
// identity service, at the same endpoint as S3.
//
// Dispatch: the wire layer sends here every request whose SigV4 credential
// scope names the service "iam" or "sts" (IsIAM), after verifying its
// signature; ServeVerified refuses anything the verifier refused. IAM
// actions need a request signed for "iam" and STS actions one signed for
// "sts", as AWS's endpoints do.
//
// Authorization: IAM actions by the caller's policies (authz.go); STS's
// AssumeRole by the role's trust policy and the caller's policies;
// GetSessionToken and GetCallerIdentity need no permission, as in AWS;
// AssumeRoleWithWebIdentity is unsigned and authorized by the identity
// provider's token and the role's trust policy.
package iamapi

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/hoard-s3/hoard/internal/iam"
	"github.com/hoard-s3/hoard/internal/sigv4"
)

// API versions and XML namespaces.
const (
	IAMVersion   = "2010-05-08"
	STSVersion   = "2011-06-15"
	iamNamespace = "https://iam.amazonaws.com/doc/2010-05-08/"
	stsNamespace = "https://sts.amazonaws.com/doc/2011-06-15/"
)

// MaxBody caps a request body: the largest legitimate request (a 10,240
// character role policy, URL-encoded) is far smaller.
const MaxBody = 256 << 10

// Handler serves the IAM and STS APIs.
type Handler struct {
	svc      *iam.Service
	log      *slog.Logger
	accounts Accounts // nil: one account
}

// New returns the handler over svc.
func New(svc *iam.Service, logger *slog.Logger) *Handler {
	if logger == nil {
		logger = slog.Default()
	}
	return &Handler{svc: svc, log: logger}
}

// call is one decoded request.
type call struct {
	ctx    context.Context
	action string
	params url.Values
	caller *iam.Principal
}

func (c *call) get(name string) string { return c.params.Get(name) }

type opFunc func(h *Handler, c *call) (any, error)

// IsIAM reports whether r is signed for the IAM or STS service, judged from
// the credential scope alone (the signature is verified afterwards).
func IsIAM(r *http.Request) bool {
	svc := ScopeService(r)
	return svc == "iam" || svc == "sts"
}

// ScopeService returns the service named by r's SigV4 credential scope
// (Authorization header or X-Amz-Credential query), or "".
func ScopeService(r *http.Request) string {
	cred := ""
	if a := r.Header.Get("Authorization"); strings.HasPrefix(a, "AWS4-") {
		_, rest, ok := strings.Cut(a, "Credential=")
		if !ok {
			return ""
		}
		cred, _, _ = strings.Cut(rest, ",")
	} else if r.URL != nil && strings.Contains(r.URL.RawQuery, "X-Amz-Credential") {
		q, err := url.ParseQuery(r.URL.RawQuery)
		if err != nil {
			return ""
		}
		cred = q.Get("X-Amz-Credential")
	}
	parts := strings.Split(strings.TrimSpace(cred), "/")
	if len(parts) != 5 {
		return ""
	}
	return parts[3]
}

// ServeVerified answers a request the wire layer authenticated: auth and
// err are what sigv4.Verifier returned for r.
func (h *Handler) ServeVerified(w http.ResponseWriter, r *http.Request, auth *sigv4.Auth, err error) {
	reqID := w.Header().Get("X-Amzn-RequestId")
	if reqID == "" {
		reqID = uuid.NewString()
		w.Header().Set("X-Amzn-RequestId", reqID)
	}
	ns := iamNamespace
	if auth != nil && auth.Service == "sts" || auth == nil && ScopeService(r) == "sts" {
		ns = stsNamespace
	}
	action, result, err := h.run(r, auth, err)
	if err != nil {
		h.writeError(w, r, ns, reqID, err)
		return
	}
	writeResult(w, ns, action, result, reqID)
}

func (h *Handler) run(r *http.Request, auth *sigv4.Auth, authErr error) (string, any, error) {
	if authErr == nil && auth == nil {
		authErr = sigv4.ErrMissingAuth
	}
	if authErr != nil {
		return "", nil, authErr
	}
	body := auth.Body
	if body == nil {
		body = r.Body
	}
	params, err := decodeParams(r, body)
	if err != nil {
		return "", nil, err
	}
	action := params.Get("Action")
	ops, version := iamOps, IAMVersion
	if auth.Service == "sts" {
		ops, version = stsOps, STSVersion
	}
	op := ops[action]
	if op == nil || len(params["Action"]) != 1 {
		return "", nil, apiErr(codeInvalidAction, "Could not find operation %s for version %s", clip(action), version)
	}
	if v := params.Get("Version"); v != "" && v != version {
		return "", nil, apiErr(codeInvalidAction, "Could not find operation %s for version %s", clip(action), clip(v))
	}
	h, caller, err := h.forCaller(r.Context(), auth.AccessKey, params)
	if err != nil {
		return "", nil, err
	}
	c := &call{ctx: r.Context(), action: action, params: params, caller: &caller}
	if auth.Service == "iam" {
		if err := h.authorizeIAM(r, c); err != nil {
			return "", nil, err
		}
	}
	result, err := op(h, c)
	return action, result, err
}

// Operations lists the actions the handler serves for service ("iam" or
// "sts"), sorted.
func Operations(service string) []string {
	ops := iamOps
	if service == "sts" {
		ops = stsOps
	}
	names := make([]string, 0, len(ops))
	for name := range ops {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// decodeParams reads the query and, for a POST, the form-encoded body
// (whose values win). Malformed encodings and invalid UTF-8 are refused.
func decodeParams(r *http.Request, body io.Reader) (url.Values, error) {
	params, err := parseForm(r.URL.RawQuery)
	if err != nil {
		return nil, err
	}
	if r.Method != http.MethodPost {
		if r.Method != http.MethodGet {
			return nil, apiErr(codeInvalidAction, "The HTTP method %s is not supported.", clip(r.Method))
		}
		return params, nil
	}
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || mt != "application/x-www-form-urlencoded" {
			return nil, apiErr(codeInvalidInput, "The Content-Type must be application/x-www-form-urlencoded.")
		}
	}
	raw, err := readBody(body)
	if err != nil {
		return nil, err
	}
	form, err := parseForm(string(raw))
	if err != nil {
		return nil, err
	}
	for k, v := range form {
		params[k] = v
	}
	return params, nil
}

func readBody(body io.Reader) ([]byte, error) {
	if body == nil {
		return nil, nil
	}
	raw, err := io.ReadAll(io.LimitReader(body, MaxBody+1))
	if err != nil {
		return nil, fmt.Errorf("read request body: %w", err)
	}
	if len(raw) > MaxBody {
		return nil, apiErr(codeInvalidInput, "The request body exceeds %d bytes.", MaxBody)
	}
	return raw, nil
}

// parseForm decodes application/x-www-form-urlencoded text; every name and
// value must be valid UTF-8.
func parseForm(s string) (url.Values, error) {
	v, err := url.ParseQuery(s)
	if err != nil {
		return nil, apiErr(codeMalformedQuery, "The query string is malformed.")
	}
	for k, vals := range v {
		if !utf8.ValidString(k) {
			return nil, apiErr(codeMalformedQuery, "The query string is not valid UTF-8.")
		}
		for _, x := range vals {
			if !utf8.ValidString(x) {
				return nil, apiErr(codeMalformedQuery, "The query string is not valid UTF-8.")
			}
		}
	}
	return v, nil
}

// clip shortens hostile input before it goes into a message or a log.
func clip(s string) string {
	const max = 128
	if len(s) > max {
		s = s[:max] + "..."
	}
	return strings.ToValidUTF8(s, "?")
}
