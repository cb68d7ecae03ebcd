package policy

// AllowsIgnoringConditions reports whether a statement allows req by its
// principal, action and resource alone, and no statement without
// conditions denies it. It answers "could this policy grant it" where the
// condition keys are those of a later request (S3 checks a log target's
// policy so when logging is configured, and evaluates the conditions when
// it delivers).
func (p *Policy) AllowsIgnoringConditions(req *Request) bool {
	if p == nil {
		return false
	}
	e := newCtx(req)
	allowed := false
	for _, st := range p.Statements {
		bare := *st
		bare.conds = nil
		if !bare.applies(e, p.Kind.resourceBased()) {
			continue
		}
		if st.Effect == Deny && len(st.conds) == 0 {
			return false
		}
		if st.Effect == Allow {
			allowed = true
		}
	}
	return allowed
}
