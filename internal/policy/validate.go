package policy

import (
	"encoding/json"
	"errors"
	"regexp"
	"sort"
	"strings"
)

// ErrMalformedPolicy is wrapped by every rejection of a policy document.
var ErrMalformedPolicy = errors.New("malformed policy")

// Error is a rejected policy document; Reason is the message AWS returns
// with MalformedPolicy (S3) or MalformedPolicyDocument (IAM).
type Error struct{ Reason string }

func (e *Error) Error() string { return e.Reason }
func (e *Error) Unwrap() error { return ErrMalformedPolicy }

func malformed(reason string) error { return &Error{Reason: reason} }

var (
	accountRe   = regexp.MustCompile(`^[0-9]{12}$`)
	iamArnRe    = regexp.MustCompile(`^arn:aws:iam::[0-9]{12}:(root|(user|role|group)(/[\x21-\x7e]+)?/[\w+=,.@-]+)$`)
	stsArnRe    = regexp.MustCompile(`^arn:aws:sts::[0-9]{12}:(assumed-role/[\w+=,.@/-]+/[\w+=,.@-]+|federated-user/[\w+=,.@-]+)$`)
	actionRe    = regexp.MustCompile(`^[A-Za-z0-9-]+:[A-Za-z0-9*?]+$`)
	canonicalRe = regexp.MustCompile(`^[0-9a-f]{64}$`)
)

var statementFields = map[string]bool{
	"Sid": true, "Effect": true, "Principal": true, "NotPrincipal": true, "Action": true,
	"NotAction": true, "Resource": true, "NotResource": true, "Condition": true,
}

func (p *Policy) parseStatement(raw json.RawMessage) (*Statement, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, malformed("Invalid policy syntax.")
	}
	for _, k := range sortedKeys(m) {
		if !statementFields[k] {
			return nil, malformed("Unknown field " + k)
		}
	}
	st := &Statement{}
	if v, ok := m["Sid"]; ok {
		if decodeString(v, &st.Sid) != nil {
			return nil, malformed("Invalid policy syntax.")
		}
	}
	if err := st.parseEffect(m); err != nil {
		return nil, err
	}
	if err := p.parsePrincipal(st, m); err != nil {
		return nil, err
	}
	if err := p.parseActions(st, m); err != nil {
		return nil, err
	}
	if err := p.parseResources(st, m); err != nil {
		return nil, err
	}
	if v, ok := m["Condition"]; ok {
		conds, err := p.parseConditions(v)
		if err != nil {
			return nil, err
		}
		st.conds = conds
	}
	if p.Kind == KindBucket && !st.NotAction && !st.NotResource {
		if err := st.checkApplies(); err != nil {
			return nil, err
		}
	}
	return st, nil
}

func (st *Statement) parseEffect(m map[string]json.RawMessage) error {
	v, ok := m["Effect"]
	if !ok {
		return malformed("Missing required field Effect")
	}
	var e string
	if decodeString(v, &e) != nil || (e != string(Allow) && e != string(Deny)) {
		return malformed("Invalid effect: " + e)
	}
	st.Effect = Effect(e)
	return nil
}

// pick returns the value of exactly one of two mutually exclusive fields.
func pick(m map[string]json.RawMessage, a, b string) (json.RawMessage, bool, bool, error) {
	va, okA := m[a]
	vb, okB := m[b]
	switch {
	case okA && okB:
		return nil, false, false, malformed("Statement can not have both " + a + " and " + b)
	case okA:
		return va, false, true, nil
	case okB:
		return vb, true, true, nil
	}
	return nil, false, false, nil
}

func (p *Policy) parsePrincipal(st *Statement, m map[string]json.RawMessage) error {
	v, not, ok, err := pick(m, "Principal", "NotPrincipal")
	if err != nil {
		return err
	}
	if !ok {
		if p.Kind.resourceBased() {
			return malformed("Missing required field Principal")
		}
		return nil
	}
	if !p.Kind.resourceBased() {
		return malformed("Policy document should not specify a principal.")
	}
	pr, err := parsePrincipals(v)
	if err != nil {
		return err
	}
	st.Principal, st.NotPrincipal = pr, not
	return nil
}

func (p *Policy) parseActions(st *Statement, m map[string]json.RawMessage) error {
	v, not, ok, err := pick(m, "Action", "NotAction")
	if err != nil {
		return err
	}
	if !ok {
		return p.missing("actions")
	}
	list, err := stringList(v)
	if err != nil || len(list) == 0 {
		return malformed("Policy has invalid action")
	}
	for _, a := range list {
		pat := compile(a, compileOpts{wildcards: true, fold: true})
		if err := p.checkAction(a, &pat); err != nil {
			return err
		}
		st.actions = append(st.actions, pat)
	}
	st.NotAction = not
	return nil
}

// missing reports an absent Action or Resource in the words of the service
// that owns the document: S3 for bucket policies, IAM otherwise.
func (p *Policy) missing(what string) error {
	if p.Kind == KindBucket {
		return malformed("Statement is missing required element")
	}
	return malformed("Policy statement must contain " + what + ".")
}

// checkAction accepts "*" and service:Name patterns. Actions of the
// services Hoard serves must name at least one real action; bucket
// policies may only name S3 actions.
func (p *Policy) checkAction(a string, pat *pattern) error {
	if a == "*" {
		return nil
	}
	if !actionRe.MatchString(a) {
		return malformed("Policy has invalid action")
	}
	svc := strings.ToLower(a[:strings.IndexByte(a, ':')])
	if p.Kind == KindBucket && svc != "s3" {
		return malformed("Policy has invalid action")
	}
	if p.Kind == KindTrust && svc != "sts" || p.Kind == KindKey && svc != "kms" {
		return malformed("Policy has invalid action")
	}
	if found, known := knownActions(svc, pat); known && len(found) == 0 {
		return malformed("Policy has invalid action")
	}
	return nil
}

func (p *Policy) parseResources(st *Statement, m map[string]json.RawMessage) error {
	v, not, ok, err := pick(m, "Resource", "NotResource")
	if err != nil {
		return err
	}
	if !ok {
		if p.Kind == KindTrust {
			return nil // trust policies name no resource: the role is it
		}
		return p.missing("resources")
	}
	list, err := stringList(v)
	if err != nil || len(list) == 0 {
		return malformed("Policy has invalid resource")
	}
	for _, r := range list {
		if r != "*" && !validArn(r) {
			return malformed("Policy has invalid resource")
		}
		if p.Kind == KindBucket && r != "*" && !strings.HasPrefix(r, "arn:aws:s3:::") {
			return malformed("Policy has invalid resource")
		}
		st.resources = append(st.resources, compile(r, compileOpts{wildcards: true, vars: p.vars}))
	}
	st.NotResource = not
	return nil
}

// validArn checks the six colon-separated fields of an ARN pattern.
func validArn(s string) bool {
	parts := strings.SplitN(s, ":", 6)
	return len(parts) == 6 && parts[0] == "arn" && parts[1] != "" && parts[2] != ""
}

// checkApplies rejects a bucket-policy statement with an action that can
// apply to none of its resources (s3:GetObject on a bucket ARN).
func (st *Statement) checkApplies() error {
	for i := range st.actions {
		a := &st.actions[i]
		if a.raw == "*" {
			continue
		}
		found, _ := knownActions("s3", a)
		ok := false
		for _, name := range found {
			if st.resourceFits(actionType[name]) {
				ok = true
				break
			}
		}
		if !ok {
			return malformed("Action does not apply to any resource(s) in statement")
		}
	}
	return nil
}

func (st *Statement) resourceFits(t ResourceType) bool {
	for _, r := range st.resources {
		if r.raw == "*" {
			return true
		}
		rest := strings.TrimPrefix(r.raw, "arn:aws:s3:::")
		slash := strings.Contains(rest, "/")
		switch t {
		case ResourceObject:
			if slash || strings.ContainsAny(rest, "*?") {
				return true
			}
		case ResourceBucket:
			if !slash {
				return true
			}
		case ResourceAccount:
			if rest == "*" {
				return true
			}
		}
	}
	return false
}

// CheckBucket reports whether every Resource of a bucket policy lies in the
// given bucket, as S3 requires of PutBucketPolicy.
func (p *Policy) CheckBucket(bucket string) error {
	for _, st := range p.Statements {
		for _, r := range st.resources {
			rest := strings.TrimPrefix(r.raw, "arn:aws:s3:::")
			if r.raw == "*" || rest == r.raw {
				continue
			}
			name, _, _ := strings.Cut(rest, "/")
			b := compile(name, compileOpts{wildcards: true})
			if !b.matchStatic(bucket) {
				return malformed("Policy has invalid resource")
			}
		}
	}
	return nil
}

// sortedKeys gives deterministic iteration (and so deterministic errors).
func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
