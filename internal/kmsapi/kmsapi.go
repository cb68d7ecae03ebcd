// Package kmsapi serves the AWS KMS JSON API (protocol awsJson1.1) over the
// built-in key service, at the same endpoint as S3.
//
// Dispatch: the wire layer sends every POST whose X-Amz-Target header
// starts with "TrentService." here, after authenticating it with SigV4;
// ServeVerified refuses a request the verifier refused or one signed for
// another service (a request signed for "s3" must not reach this handler,
// nor one signed for "kms" the S3 API).
//
// Authorization: the handler names the signer to the key service
// (kms.WithCaller) with its identity policies and the request's global
// condition keys; the key service authorizes every operation against the
// key policy, as it does for S3's SSE-KMS calls.
package kmsapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/hoard-s3/hoard/internal/iam"
	"github.com/hoard-s3/hoard/internal/kms"
)

// TargetPrefix starts the X-Amz-Target header of every KMS request.
const TargetPrefix = "TrentService."

// MaxBody caps a request body; the largest legitimate KMS request here
// (ReEncrypt of a 6 KiB blob with two contexts) is far smaller.
const MaxBody = 1 << 20

// IsKMS reports whether r is a KMS API request.
func IsKMS(r *http.Request) bool {
	return r.Method == http.MethodPost && strings.HasPrefix(r.Header.Get("X-Amz-Target"), TargetPrefix)
}

// Identities resolves the access key of a verified request to its
// principal (*iam.Service).
type Identities interface {
	Principal(ctx context.Context, accessKey string) (iam.Principal, error)
}

// Handler serves the KMS API.
type Handler struct {
	svc  *kms.Service
	ids  Identities
	log  *slog.Logger
	keys KeyServices // nil: one account
}

// New returns the KMS API handler over svc (which also names the region
// and account of the ARNs it answers with), authorizing the principals
// ids resolves.
func New(svc *kms.Service, ids Identities, logger *slog.Logger) *Handler {
	if logger == nil {
		logger = slog.Default()
	}
	return &Handler{svc: svc, ids: ids, log: logger}
}

// operation decodes a request body, runs it and returns the response value.
type operation func(h *Handler, ctx context.Context, body []byte) (any, error)

var operations = map[string]operation{
	"CreateKey":                       createKey,
	"DescribeKey":                     describeKey,
	"ListKeys":                        listKeys,
	"EnableKey":                       enableKey,
	"DisableKey":                      disableKey,
	"ScheduleKeyDeletion":             scheduleKeyDeletion,
	"GetKeyPolicy":                    getKeyPolicy,
	"PutKeyPolicy":                    putKeyPolicy,
	"ListKeyPolicies":                 listKeyPolicies,
	"CancelKeyDeletion":               cancelKeyDeletion,
	"CreateAlias":                     createAlias,
	"UpdateAlias":                     updateAlias,
	"DeleteAlias":                     deleteAlias,
	"ListAliases":                     listAliases,
	"GenerateDataKey":                 generateDataKey,
	"GenerateDataKeyWithoutPlaintext": generateDataKeyWithoutPlaintext,
	"GenerateRandom":                  generateRandom,
	"Encrypt":                         encrypt,
	"Decrypt":                         decrypt,
	"ReEncrypt":                       reEncrypt,
}

// Operations lists the KMS operations the handler serves, sorted.
func Operations() []string {
	names := make([]string, 0, len(operations))
	for name := range operations {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// serve serves r for caller with its payload read from body (the verified
// payload reader from authentication).
func (h *Handler) serve(w http.ResponseWriter, r *http.Request, caller *kms.Caller, body io.Reader) {
	resp, err := h.run(r.WithContext(kms.WithCaller(r.Context(), caller)), body)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, resp)
}

func (h *Handler) run(r *http.Request, body io.Reader) (any, error) {
	target := r.Header.Get("X-Amz-Target")
	name, ok := strings.CutPrefix(target, TargetPrefix)
	op := operations[name]
	if r.Method != http.MethodPost || !ok || op == nil {
		return nil, unsupported("operation %q is not supported", clip(target))
	}
	if err := checkContentType(r.Header.Get("Content-Type")); err != nil {
		return nil, err
	}
	raw, err := readBody(body)
	if err != nil {
		return nil, err
	}
	return op(h.forRequest(r.Context(), raw), r.Context(), raw)
}

func checkContentType(ct string) error {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil || (mt != "application/x-amz-json-1.1" && mt != "application/x-amz-json-1.0") {
		return serialization("Content-Type must be application/x-amz-json-1.1")
	}
	return nil
}

// readBody reads at most MaxBody bytes of valid UTF-8; an empty body is an
// empty object.
func readBody(body io.Reader) ([]byte, error) {
	if body == nil {
		return []byte("{}"), nil
	}
	raw, err := io.ReadAll(io.LimitReader(body, MaxBody+1))
	if err != nil {
		return nil, fmt.Errorf("read request body: %w", err)
	}
	switch {
	case len(raw) > MaxBody:
		return nil, serialization("request body exceeds %d bytes", MaxBody)
	case len(bytes.TrimSpace(raw)) == 0:
		return []byte("{}"), nil
	case !utf8.Valid(raw):
		return nil, serialization("request body is not valid UTF-8")
	}
	return raw, nil
}

// decode parses one JSON object into v; anything else is a
// SerializationException.
func decode(raw []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(v); err != nil {
		return serialization("cannot parse request: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return serialization("unexpected data after the request object")
	}
	return nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	raw, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		raw = []byte(`{"__type":"KMSInternalException","message":"cannot encode the response"}`)
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.WriteHeader(status)
	w.Write(raw)
}

func (h *Handler) writeError(w http.ResponseWriter, r *http.Request, err error) {
	e := toAPIError(err)
	if e.Status >= 500 {
		h.log.ErrorContext(r.Context(), "kms request failed", "target", clip(r.Header.Get("X-Amz-Target")), "err", err)
	}
	w.Header().Set("X-Amzn-ErrorType", e.Type)
	writeJSON(w, e.Status, e)
}

// clip shortens hostile input before it goes into a message or a log.
func clip(s string) string {
	const max = 128
	if len(s) > max {
		return s[:max] + "..."
	}
	return s
}

var errInternal = errors.New("internal error")

func newRequestID() string { return uuid.NewString() }
