package kmsapi

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/hoard-s3/hoard/internal/kms"
)

// KeyServices gives each account's key service (*accounts.Registry).
type KeyServices interface {
	KMS(ctx context.Context, account string) (*kms.Service, error)
}

// WithAccounts makes the handler serve each caller from its own account's
// keys, and a request naming a key by another account's ARN from that
// account's (whose key policy then decides).
func (h *Handler) WithAccounts(ks KeyServices) *Handler {
	h.keys = ks
	return h
}

// forRequest is the handler over the key service a request addresses.
func (h *Handler) forRequest(ctx context.Context, raw []byte) *Handler {
	c := kms.CallerFrom(ctx)
	if h.keys == nil || c == nil {
		return h
	}
	acct := c.Principal.Account
	var ref struct{ KeyId string }
	if json.Unmarshal(raw, &ref) == nil {
		if a := arnAccount(ref.KeyId); a != "" {
			acct = a
		}
	}
	svc, err := h.keys.KMS(ctx, acct)
	if err != nil || svc == nil {
		// An account that does not exist: the caller's own service
		// answers NotFound for the foreign ARN.
		if svc, err = h.keys.KMS(ctx, c.Principal.Account); err != nil || svc == nil {
			return h
		}
	}
	out := *h
	out.svc = svc
	return &out
}

// arnAccount is the account of arn:aws:kms:REGION:ACCOUNT:…, or "".
func arnAccount(ref string) string {
	rest, ok := strings.CutPrefix(ref, "arn:")
	if !ok {
		return ""
	}
	parts := strings.SplitN(rest, ":", 5)
	if len(parts) != 5 || parts[1] != "kms" || len(parts[3]) != 12 {
		return ""
	}
	for _, c := range parts[3] {
		if c < '0' || c > '9' {
			return ""
		}
	}
	return parts[3]
}
