package iam

import "github.com/hoard-s3/hoard/internal/policy"

// trusts decides AssumeRole as AWS does: the role's
// trust policy must allow the caller; when it names the caller (or
// everyone) that suffices, when it names only the account the caller's own
// identity policies must allow sts:AssumeRole on the role too. An explicit
// Deny in the caller's policies, or a session policy of the caller that
// does not allow it, refuses.
func (s *Service) trusts(role *Role, caller *Principal, action string, cond map[string][]string) bool {
	trust, err := policy.Parse([]byte(role.AssumeRolePolicyDocument), policy.KindTrust)
	if err != nil {
		return false
	}
	req := &policy.Request{Principal: caller.Principal, Action: action, Resource: role.ARN, Context: cond}
	if trust.Evaluate(req) != policy.ResultAllow {
		return false
	}
	// Evaluated without its account, the caller matches only a trust that
	// names it (or everyone).
	named := *req
	named.Principal.Account = ""
	namedByTrust := trust.Evaluate(&named) == policy.ResultAllow

	allowed := false
	for _, doc := range caller.Policies {
		p, err := policy.Parse([]byte(doc), policy.KindRole)
		if err != nil {
			continue // stored documents were valid when put; a stricter parser skips them
		}
		switch p.Evaluate(req) {
		case policy.ResultDeny:
			return false
		case policy.ResultAllow:
			allowed = true
		}
	}
	// A permissions boundary caps what the caller's identity policies
	// grant; a trust naming the caller is a resource-based grant it does
	// not cap (but its explicit Deny still denies).
	if caller.Boundary != "" && !caller.IsRoot() {
		p, err := policy.Parse([]byte(caller.Boundary), policy.KindRole)
		if err != nil {
			return false
		}
		switch p.Evaluate(req) {
		case policy.ResultDeny:
			return false
		case policy.NotApplicable:
			allowed = false
		}
	}
	if caller.SessionPolicy != "" {
		p, err := policy.Parse([]byte(caller.SessionPolicy), policy.KindSession)
		if err != nil || p.Evaluate(req) != policy.ResultAllow {
			return false
		}
	}
	if caller.Account != s.acct {
		// Across accounts the trust alone never suffices: the caller's
		// account must allow it too (its root has every right there).
		return caller.IsRoot() || allowed
	}
	return caller.IsRoot() || namedByTrust || allowed
}
