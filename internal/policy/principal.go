package policy

import (
	"bytes"
	"encoding/json"
	"strings"
)

// Principals is a compiled Principal or NotPrincipal element.
type Principals struct {
	Any       bool            // "*" or {"AWS": "*"}: everyone, anonymous included
	Accounts  map[string]bool // account ids (also from arn:aws:iam::ID:root)
	ARNs      map[string]bool // user, role, assumed-role and federated-user ARNs
	Services  map[string]bool // service principals such as logging.s3.amazonaws.com
	Canonical map[string]bool // canonical user ids
	Federated map[string]bool // identity providers
}

func parsePrincipals(raw json.RawMessage) (*Principals, error) {
	bad := malformed("Invalid principal in policy")
	pr := &Principals{}
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '"' {
		var s string
		if decodeString(raw, &s) != nil || s != "*" {
			return nil, bad
		}
		pr.Any = true
		return pr, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil || len(m) == 0 {
		return nil, bad
	}
	for _, k := range sortedKeys(m) {
		vals, err := stringList(m[k])
		if err != nil || len(vals) == 0 {
			return nil, bad
		}
		for _, v := range vals {
			if !pr.add(k, v) {
				return nil, bad
			}
		}
	}
	return pr, nil
}

// add records one principal; wildcards other than a lone "*" are invalid,
// as in AWS.
func (pr *Principals) add(typ, v string) bool {
	set := func(m *map[string]bool, k string) bool {
		if *m == nil {
			*m = map[string]bool{}
		}
		(*m)[k] = true
		return true
	}
	switch typ {
	case "AWS":
		switch {
		case v == "*":
			pr.Any = true
			return true
		case accountRe.MatchString(v):
			return set(&pr.Accounts, v)
		case rootAccount(v) != "":
			return set(&pr.Accounts, rootAccount(v))
		case iamArnRe.MatchString(v) || stsArnRe.MatchString(v):
			return set(&pr.ARNs, v)
		}
	case "Service":
		if v != "" && !strings.ContainsAny(v, "*? ") {
			return set(&pr.Services, v)
		}
	case "CanonicalUser":
		if canonicalRe.MatchString(v) {
			return set(&pr.Canonical, v)
		}
	case "Federated":
		if v != "" && !strings.ContainsAny(v, "*? ") {
			return set(&pr.Federated, v)
		}
	}
	return false
}

// Match reports whether the requester is one of the principals. A role ARN
// matches every session of that role; an account matches every
// authenticated principal of the account.
func (pr *Principals) Match(p *Principal) bool { return pr.match(p, accountsAll) }

func (pr *Principals) match(p *Principal, how accountMatch) bool {
	if how == accountsOnly {
		return p.Type != PrincipalAnonymous && p.Type != "" && p.Type != PrincipalService && pr.Accounts[p.Account]
	}
	if pr.Any {
		return true
	}
	switch p.Type {
	case PrincipalAnonymous, "":
		return false
	case PrincipalService:
		return pr.Services[p.ARN]
	}
	if pr.Accounts[p.Account] && (how == accountsAll || p.Type == PrincipalRoot) {
		return true
	}
	if pr.ARNs[p.ARN] || (p.RoleARN != "" && pr.ARNs[p.RoleARN]) {
		return true
	}
	if p.CanonicalID != "" && pr.Canonical[p.CanonicalID] {
		return true
	}
	return p.Type == PrincipalFederated && p.Provider != "" && pr.Federated[p.Provider]
}

// Excludes reports whether a NotPrincipal element exempts the requester.
// AWS requires every level of the requester's identity to be listed: the
// account and the user, or the account, the role and the session ARN.
func (pr *Principals) Excludes(p *Principal) bool {
	if pr.Any {
		return true
	}
	switch p.Type {
	case PrincipalAnonymous, "":
		return false
	case PrincipalService:
		return pr.Services[p.ARN]
	case PrincipalRoot:
		return pr.Accounts[p.Account]
	case PrincipalAssumedRole:
		return pr.Accounts[p.Account] && pr.ARNs[p.ARN] && pr.ARNs[p.RoleARN]
	}
	if p.CanonicalID != "" && pr.Canonical[p.CanonicalID] {
		return true
	}
	return pr.Accounts[p.Account] && pr.ARNs[p.ARN]
}

// rootAccount returns ID for "arn:aws:iam::ID:root", else "".
func rootAccount(v string) string {
	rest, ok := strings.CutPrefix(v, "arn:aws:iam::")
	if !ok {
		return ""
	}
	id, ok := strings.CutSuffix(rest, ":root")
	if !ok || !accountRe.MatchString(id) {
		return ""
	}
	return id
}
