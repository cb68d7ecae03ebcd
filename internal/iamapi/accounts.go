package iamapi

import (
	"context"
	"net/url"
	"strings"

	"github.com/hoard-s3/hoard/internal/iam"
)

// Accounts gives each account's identity service (*accounts.Registry).
type Accounts interface {
	Principal(ctx context.Context, accessKey string) (iam.Principal, error)
	IAM(ctx context.Context, account string) (*iam.Service, error)
}

// WithAccounts makes the handler serve each caller from its own account's
// identities; AssumeRole goes to the account of the role it names, whose
// trust policy (and the caller's own policies) decide.
func (h *Handler) WithAccounts(a Accounts) *Handler {
	h.accounts = a
	return h
}

// forCaller resolves who signed with accessKey and the handler over the
// identity service the request addresses.
func (h *Handler) forCaller(ctx context.Context, accessKey string, params url.Values) (*Handler, iam.Principal, error) {
	if h.accounts == nil {
		p, err := h.svc.Principal(ctx, accessKey)
		return h, p, err
	}
	p, err := h.accounts.Principal(ctx, accessKey)
	if err != nil {
		return nil, iam.Principal{}, err
	}
	acct := p.Account
	if params.Get("Action") == "AssumeRole" {
		if a := roleAccount(params.Get("RoleArn")); a != "" {
			acct = a
		}
	}
	svc, err := h.accounts.IAM(ctx, acct)
	if err != nil {
		// A role of an account that does not exist: the caller's own
		// service refuses the foreign ARN.
		if svc, err = h.accounts.IAM(ctx, p.Account); err != nil {
			return nil, iam.Principal{}, err
		}
	}
	out := *h
	out.svc = svc
	return &out, p, nil
}

// roleAccount is the account of arn:aws:iam::ACCOUNT:role/…, or "".
func roleAccount(arn string) string {
	rest, ok := strings.CutPrefix(arn, "arn:aws:iam::")
	if !ok || len(rest) < 13 || rest[12] != ':' {
		return ""
	}
	for _, c := range rest[:12] {
		if c < '0' || c > '9' {
			return ""
		}
	}
	return rest[:12]
}
