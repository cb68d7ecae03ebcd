package policy

import "strings"

// fixedKeys are the condition keys that, given fixed values, make a
// statement with a wildcard principal non-public (S3 "The meaning of
// public"). aws:SourceIp is handled separately: its CIDRs must be narrow.
var fixedKeys = map[string]bool{
	"aws:sourcearn": true, "aws:sourcevpc": true, "aws:sourcevpce": true,
	"aws:sourceowner": true, "aws:sourceaccount": true, "aws:userid": true,
	"aws:principalarn": true, "aws:principalaccount": true, "aws:principalorgid": true,
	"s3:x-amz-server-side-encryption-aws-kms-key-id": true,
	"s3:dataaccesspointarn":                          true, "s3:dataaccesspointaccount": true,
}

// Narrowest CIDRs still treated as open to the public: S3 considers a
// range at least this wide to be no restriction.
const (
	minPublicBits4 = 8
	minPublicBits6 = 32
)

// IsPublic reports whether a bucket policy grants public access as S3
// defines it: some Allow statement applies to a wildcard principal (or uses
// NotPrincipal) and none of its conditions fixes a restricting key to
// values without wildcards. Negated operators, IfExists and ForAllValues
// restrict nothing, since a request without the key passes them.
func IsPublic(p *Policy) bool {
	if p == nil {
		return false
	}
	for _, st := range p.Statements {
		if st.Effect != Allow || st.Principal == nil {
			continue
		}
		// Principal "*" grants everyone; NotPrincipal grants everyone but
		// the listed (and NotPrincipal "*" grants no one).
		if st.NotPrincipal == st.Principal.Any {
			continue
		}
		if !st.restricted() {
			return true
		}
	}
	return false
}

func (st *Statement) restricted() bool {
	for _, c := range st.conds {
		if c.negated || c.ifExists || c.set == setAll || c.base == opNull {
			continue
		}
		key := strings.ToLower(c.key)
		if key == "aws:sourceip" && c.base == opIP {
			if narrowCIDRs(c) {
				return true
			}
			continue
		}
		if !fixedKeys[key] {
			continue
		}
		switch c.base {
		case opString, opStringIC, opStringLike, opArn:
			if fixedValues(c, key) {
				return true
			}
		}
	}
	return false
}

func narrowCIDRs(c *condition) bool {
	for _, v := range c.values {
		min := minPublicBits4
		if v.ip.Addr().Is6() {
			min = minPublicBits6
		}
		if v.ip.Bits() < min {
			return false
		}
	}
	return true
}

// fixedValues: every value is a literal (no wildcard, no variable). For
// aws:userid, role-session patterns such as "AROLEID:*" never qualify.
func fixedValues(c *condition, key string) bool {
	for _, v := range c.values {
		if v.pat.wild || v.pat.hasVar || v.pat.raw == "" {
			return false
		}
		if key == "aws:userid" && strings.HasSuffix(v.pat.raw, ":*") {
			return false
		}
	}
	return true
}
