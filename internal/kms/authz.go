package kms

import (
	"context"
	"fmt"
	"sort"

	"github.com/hoard-s3/hoard/internal/policy"
	"github.com/hoard-s3/hoard/internal/sse"
)

// Every operation of the service is authorized here, as AWS KMS does it:
// the key's policy with the caller's identity and session policies
// (policy.EvaluateKey), whether the call comes from the KMS API or from
// S3 using the key for SSE-KMS. The caller travels in the context; a call
// without one is refused, so no path reaches a key unauthorized.

// Caller is who asks the key service.
type Caller struct {
	Principal policy.Principal
	// Identity and Session are the caller's compiled identity policies and
	// its session policy (nil when it has none).
	Identity []*policy.Policy
	Session  *policy.Policy
	// Context holds the request's global condition keys (policy.GlobalKeys).
	Context map[string][]string
	// ViaService is the service calling on the principal's behalf
	// ("s3.us-east-1.amazonaws.com" for SSE-KMS); empty for direct calls.
	ViaService string
}

type callerKey struct{}

// WithCaller returns ctx naming c as the caller of the key service.
func WithCaller(ctx context.Context, c *Caller) context.Context {
	return context.WithValue(ctx, callerKey{}, c)
}

// CallerFrom returns the caller ctx names, or nil.
func CallerFrom(ctx context.Context) *Caller {
	c, _ := ctx.Value(callerKey{}).(*Caller)
	return c
}

// NewCaller compiles a principal's stored identity policies (a user's and
// its groups', or a role's) and its session policy.
//
// Further limit documents (a permissions boundary) narrow it as the
// session policy does.
func NewCaller(p policy.Principal, identityDocs []string, sessionDoc string, limitDocs ...string) (*Caller, error) {
	c := &Caller{Principal: p}
	for _, doc := range identityDocs {
		// Stored documents were validated against their own kind's limit
		// when attached; the role limit is the largest.
		pp, err := policy.ParseCached(doc, policy.KindRole)
		if err != nil {
			return nil, fmt.Errorf("identity policy of %s: %w", p.ARN, err)
		}
		c.Identity = append(c.Identity, pp)
	}
	if sessionDoc != "" {
		pp, err := policy.ParseCached(sessionDoc, policy.KindSession)
		if err != nil {
			return nil, fmt.Errorf("session policy of %s: %w", p.ARN, err)
		}
		c.Session = pp
	}
	for _, doc := range limitDocs {
		if doc == "" {
			continue
		}
		pp, err := policy.ParseCached(doc, policy.KindRole)
		if err != nil {
			return nil, fmt.Errorf("permissions boundary of %s: %w", p.ARN, err)
		}
		c.Session = policy.Intersect(c.Session, pp)
	}
	return c, nil
}

// AccessDeniedError is a refusal, worded as KMS words it. It wraps
// sse.ErrKeyAccessDenied.
type AccessDeniedError struct{ Msg string }

func (e *AccessDeniedError) Error() string { return e.Msg }
func (e *AccessDeniedError) Unwrap() error { return sse.ErrKeyAccessDenied }

// access is one authorization question.
type access struct {
	action string
	// rec is the key acted on; nil for account-level actions (CreateKey,
	// ListKeys …) and for an alias itself, which only identity policies
	// govern.
	rec      *keyRecord
	resource string // when rec is nil: "*" or the alias ARN
	encCtx   map[string]string
	extra    map[string]string // further kms: condition keys
}

// authorize answers one access question for the caller ctx names.
func (s *Service) authorize(ctx context.Context, a access) error {
	c := CallerFrom(ctx)
	resource := a.resource
	var keyPolicy *policy.Policy
	if a.rec != nil {
		resource = s.keyARN(a.rec.ID)
		p, err := policy.ParseCached(s.keyPolicy(a.rec), policy.KindKey)
		if err != nil {
			return fmt.Errorf("key %s: stored key policy: %w: %w", a.rec.ID, errCorruptKeyRecord, err)
		}
		keyPolicy = p
	}
	if c == nil {
		return &AccessDeniedError{Msg: fmt.Sprintf("No caller is authorized to perform: %s on resource: %s", a.action, resource)}
	}
	req := &policy.Request{Principal: c.Principal, Action: a.action, Resource: resource, Context: s.conditions(c, a)}
	d := policy.EvaluateKeyFor(req, s.acct, keyPolicy, c.Identity, c.Session)
	if d == policy.Allowed {
		return nil
	}
	why := "no identity-based policy allows the " + a.action + " action"
	switch {
	case d == policy.ExplicitDeny:
		why = "of an explicit deny in a policy"
	case a.rec != nil:
		why = "no resource-based policy allows the " + a.action + " action"
	}
	return &AccessDeniedError{Msg: fmt.Sprintf("User: %s is not authorized to perform: %s on resource: %s because %s", c.Principal.ARN, a.action, resource, why)}
}

// conditions are the request's global keys plus the kms: keys of the
// action (AWS KMS's condition keys).
func (s *Service) conditions(c *Caller, a access) map[string][]string {
	m := make(map[string][]string, len(c.Context)+8+len(a.encCtx)+len(a.extra))
	for k, v := range c.Context {
		m[k] = v
	}
	if c.Principal.Account != "" {
		m["kms:CallerAccount"] = []string{c.Principal.Account}
	}
	if c.ViaService != "" {
		m["kms:ViaService"] = []string{c.ViaService}
	}
	if len(a.encCtx) > 0 {
		keys := make([]string, 0, len(a.encCtx))
		for k, v := range a.encCtx {
			m["kms:EncryptionContext:"+k] = []string{v}
			keys = append(keys, k)
		}
		sort.Strings(keys)
		m["kms:EncryptionContextKeys"] = keys
	}
	if a.rec != nil || a.action == "kms:CreateKey" {
		m["kms:KeySpec"] = []string{"SYMMETRIC_DEFAULT"}
		m["kms:KeyUsage"] = []string{"ENCRYPT_DECRYPT"}
		m["kms:KeyOrigin"] = []string{"AWS_KMS"}
		m["kms:MultiRegion"] = []string{"false"}
	}
	for k, v := range a.extra {
		m[k] = []string{v}
	}
	return m
}

// withRequestAlias adds kms:RequestAlias when the request names its key by
// an alias (name or ARN).
func (s *Service) withRequestAlias(extra map[string]string, ref string) map[string]string {
	_, alias, err := s.parseRef(ref)
	if err != nil || alias == "" {
		return extra
	}
	if extra == nil {
		extra = make(map[string]string, 1)
	}
	extra["kms:RequestAlias"] = alias
	return extra
}

// cryptoAccess is the question of a cryptographic operation on a key.
func cryptoAccess(action string, rec *keyRecord, encCtx map[string]string) access {
	return access{action: action, rec: rec, encCtx: encCtx, extra: map[string]string{"kms:EncryptionAlgorithm": "SYMMETRIC_DEFAULT"}}
}

// checkLockout is KMS's policy lockout safety check: the new policy must
// let the caller make a later PutKeyPolicy request on the key.
func (s *Service) checkLockout(ctx context.Context, doc *policy.Policy, keyID string) error {
	c := CallerFrom(ctx)
	lockout := &PolicyError{Reason: "The new key policy will not allow you to update the key policy in the future."}
	if c == nil {
		return lockout
	}
	a := access{action: "kms:PutKeyPolicy", rec: &keyRecord{ID: keyID}}
	req := &policy.Request{Principal: c.Principal, Action: a.action, Resource: s.keyARN(keyID), Context: s.conditions(c, a)}
	if policy.EvaluateKeyFor(req, s.acct, doc, c.Identity, c.Session) != policy.Allowed {
		return lockout
	}
	return nil
}
