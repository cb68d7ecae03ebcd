package policy

// accountMatch says what a Principal element naming an account (its id or
// arn:aws:iam::ID:root) matches.
type accountMatch uint8

const (
	// accountsAll: every principal of the account, as S3 reads bucket
	// policies and as Deny statements of every resource policy read it.
	accountsAll accountMatch = iota
	// accountsRootOnly: only the account's root user. In a key policy an
	// account principal grants the root directly and, to everyone else,
	// only what their IAM policies allow.
	accountsRootOnly
	// accountsOnly: only statements that name the caller's account, to
	// find what a key policy delegates to IAM policies.
	accountsOnly
)

// EvaluateKey applies AWS KMS's authorization logic to a request on a KMS
// key: an explicit Deny in the key policy, an identity policy or the
// session policy wins; otherwise the key policy must allow the request,
// either naming the caller (its ARN, its role, "*", or the account when
// the caller is the account's root) or naming the caller's account, in
// which case the caller's identity policies must allow it too ("Enable IAM
// User Permissions"). A session policy narrows every Allow. With no key
// policy (key nil: an account-level action such as kms:CreateKey) the
// identity policies decide, the account's root being allowed everything.
func EvaluateKey(req *Request, key *Policy, identity []*Policy, session *Policy) Decision {
	e := newCtx(req)
	idAllow := false
	for _, p := range identity {
		switch p.eval(e) {
		case ResultDeny:
			return ExplicitDeny
		case ResultAllow:
			idAllow = true
		}
	}
	if key.eval(e) == ResultDeny {
		return ExplicitDeny
	}
	if session != nil {
		switch session.eval(e) {
		case ResultDeny:
			return ExplicitDeny
		case NotApplicable:
			return ImplicitDeny
		}
	}
	pr := &req.Principal
	if pr.Type == PrincipalAnonymous || pr.Type == "" {
		return ImplicitDeny
	}
	isRoot := pr.Type == PrincipalRoot
	if key == nil {
		if isRoot || idAllow {
			return Allowed
		}
		return ImplicitDeny
	}
	e.accounts = accountsRootOnly
	if key.eval(e) == ResultAllow {
		return Allowed
	}
	e.accounts = accountsOnly
	if idAllow && key.eval(e) == ResultAllow {
		return Allowed
	}
	return ImplicitDeny
}
