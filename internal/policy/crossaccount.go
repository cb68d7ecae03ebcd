package policy

// KeyResourceAccount is aws:ResourceAccount, the account owning the
// resource (the wire layer supplies it with s3:ResourceAccount).
const KeyResourceAccount = "aws:ResourceAccount"

// EvaluateKeyFor is EvaluateKey for a key of keyAccount, with AWS KMS's
// rule for callers of another account: the key policy must allow them (by
// naming their account, their ARN or everyone) and, unless the caller is
// that account's root, their own identity policies must allow the request
// too; a key policy alone never grants another account's users anything.
// Account-level actions (no key policy) are never allowed across accounts.
func EvaluateKeyFor(req *Request, keyAccount string, key *Policy, identity []*Policy, session *Policy) Decision {
	d := EvaluateKey(req, key, identity, session)
	pr := &req.Principal
	if d != Allowed || keyAccount == "" || pr.Account == keyAccount {
		return d
	}
	if key == nil {
		return ImplicitDeny
	}
	if pr.Type == PrincipalRoot || identityAllows(req, identity) {
		return Allowed
	}
	return ImplicitDeny
}

// identityAllows reports whether an identity policy allows req (a Deny was
// already ruled out by the caller).
func identityAllows(req *Request, identity []*Policy) bool {
	e := newCtx(req)
	for _, p := range identity {
		if p.eval(e) == ResultAllow {
			return true
		}
	}
	return false
}
