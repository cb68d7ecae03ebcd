package policy

import "strings"

// Intersect returns a policy that allows a request only when every one of
// ps allows it, and denies it when any of them denies it: how a session
// policy and a permissions boundary narrow what identity policies grant
// (pass it where EvaluateWithSession and EvaluateKey take the session
// policy). nil members are skipped; with none left Intersect returns nil,
// with one it returns that one.
func Intersect(ps ...*Policy) *Policy {
	var all []*Policy
	for _, p := range ps {
		if p != nil {
			all = append(all, p)
		}
	}
	switch len(all) {
	case 0:
		return nil
	case 1:
		return all[0]
	}
	return &Policy{Kind: KindSession, all: all}
}

func (p *Policy) evalAll(e *evalCtx) Result {
	res := ResultAllow
	for _, m := range p.all {
		switch m.eval(e) {
		case ResultDeny:
			return ResultDeny
		case NotApplicable:
			res = NotApplicable
		}
	}
	return res
}

// KeyPrincipalTagPrefix names a tag of the calling user or role.
const KeyPrincipalTagPrefix = "aws:PrincipalTag/"

// principalTag looks up aws:PrincipalTag/KEY; tag keys compare without
// regard to case, as IAM stores them.
func (e *evalCtx) principalTag(key string) ([]string, bool) {
	if len(key) <= len(KeyPrincipalTagPrefix) || !strings.EqualFold(key[:len(KeyPrincipalTagPrefix)], KeyPrincipalTagPrefix) {
		return nil, false
	}
	want := key[len(KeyPrincipalTagPrefix):]
	for k, v := range e.req.Principal.Tags {
		if strings.EqualFold(k, want) {
			return []string{v}, true
		}
	}
	return nil, false
}
