package policy

import "strings"

// PrincipalType values are those of aws:PrincipalType.
type PrincipalType string

const (
	PrincipalRoot        PrincipalType = "Account"
	PrincipalUser        PrincipalType = "User"
	PrincipalAssumedRole PrincipalType = "AssumedRole"
	PrincipalFederated   PrincipalType = "FederatedUser"
	PrincipalAnonymous   PrincipalType = "Anonymous"
	PrincipalService     PrincipalType = "Service" // ARN holds the service name
)

// Principal is the authenticated requester.
type Principal struct {
	Type        PrincipalType
	ARN         string // arn:aws:iam::ACCOUNT:user/NAME, arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION, ...
	Account     string // twelve digits; empty for anonymous
	UserName    string // IAM users only (aws:username)
	UserID      string // aws:userid: AIDA... for users, ROLEID:session for roles, account id for root
	RoleARN     string // assumed-role sessions: the role's arn:aws:iam::ACCOUNT:role/NAME
	CanonicalID string
	Provider    string // federated users: identity provider
	OrgID       string // aws:PrincipalOrgID: the organization of the principal's account, if any
	// Tags are the user's or role's tags (aws:PrincipalTag/KEY).
	Tags map[string]string
}

// Request is one authorization question.
type Request struct {
	Principal Principal
	Action    string // "s3:GetObject"
	Resource  string // arn:aws:s3:::bucket, arn:aws:s3:::bucket/key, or "*"
	// Context holds condition keys (see keys.go); names compare
	// case-insensitively, values are case-sensitive.
	Context map[string][]string
}

// Decision is the outcome of evaluation.
type Decision uint8

const (
	ImplicitDeny Decision = iota // nothing allowed it
	Allowed
	ExplicitDeny // a Deny statement applied
)

func (d Decision) String() string {
	switch d {
	case Allowed:
		return "Allow"
	case ExplicitDeny:
		return "ExplicitDeny"
	}
	return "ImplicitDeny"
}

// Result is what one policy says about a request.
type Result uint8

const (
	NotApplicable Result = iota
	ResultAllow
	ResultDeny
)

// evalCtx carries per-request state so the action is lower-cased once.
type evalCtx struct {
	req    *Request
	action string
	// accounts says how a Principal naming an account matches (see
	// keypolicy.go); S3 and trust policies use accountsAll.
	accounts accountMatch
}

func newCtx(req *Request) *evalCtx {
	return &evalCtx{req: req, action: strings.ToLower(req.Action)}
}

// Evaluate runs one policy against a request: Deny if any applicable
// statement denies, Allow if one allows, else NotApplicable. Principal
// elements are checked only in resource-based policies.
func (p *Policy) Evaluate(req *Request) Result {
	return p.eval(newCtx(req))
}

func (p *Policy) eval(e *evalCtx) Result {
	if p == nil {
		return NotApplicable
	}
	if p.all != nil {
		return p.evalAll(e)
	}
	res := NotApplicable
	for _, st := range p.Statements {
		if !st.applies(e, p.Kind.resourceBased()) {
			continue
		}
		if st.Effect == Deny {
			return ResultDeny
		}
		res = ResultAllow
	}
	return res
}

func (st *Statement) applies(e *evalCtx, checkPrincipal bool) bool {
	if checkPrincipal && st.Principal != nil {
		if st.NotPrincipal {
			if st.Principal.Excludes(&e.req.Principal) {
				return false
			}
		} else if !st.Principal.match(&e.req.Principal, e.accounts) {
			return false
		}
	}
	if st.matchAction(e.action) == st.NotAction {
		return false
	}
	if st.matchResource(e) == st.NotResource {
		return false
	}
	for _, c := range st.conds {
		if !c.eval(e) {
			return false
		}
	}
	return true
}

func (st *Statement) matchAction(a string) bool {
	for i := range st.actions {
		if st.actions[i].matchStatic(a) {
			return true
		}
	}
	return false
}

func (st *Statement) matchResource(e *evalCtx) bool {
	if st.resources == nil {
		return true // trust policies: the role itself
	}
	for i := range st.resources {
		if st.resources[i].match(e.req.Resource, e) {
			return true
		}
	}
	return false
}

// Evaluate applies AWS's policy evaluation logic for S3: an explicit Deny in
// any policy wins; the bucket owner's root is otherwise allowed everything;
// a principal of the owning account needs an Allow from an identity policy
// or the bucket policy; anonymous requests need the bucket policy; other
// accounts need both the bucket policy and their own identity policy
// (their root has all rights in its own account). Else implicit deny.
func Evaluate(req *Request, identity []*Policy, resource *Policy, bucketOwnerAccount string) Decision {
	return EvaluateWithSession(req, identity, resource, nil, bucketOwnerAccount)
}

// EvaluateWithSession is Evaluate for temporary credentials: when session
// is non-nil (AssumeRole with a Policy), a Deny in it denies and every Allow
// from identity or bucket policy must also be allowed by the session
// policy, which narrows but never widens access.
func EvaluateWithSession(req *Request, identity []*Policy, resource *Policy, session *Policy, bucketOwnerAccount string) Decision {
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
	resRes := resource.eval(e)
	if resRes == ResultDeny {
		return ExplicitDeny
	}
	sessAllow := true
	if session != nil {
		switch session.eval(e) {
		case ResultDeny:
			return ExplicitDeny
		case NotApplicable:
			sessAllow = false
		}
	}
	pr := &req.Principal
	isRoot := pr.Type == PrincipalRoot
	resAllow := resRes == ResultAllow
	var allowed bool
	switch {
	case pr.Type == PrincipalAnonymous || pr.Type == "" || pr.Type == PrincipalService:
		allowed = resAllow // no identity policies exist for these
	case pr.Account == bucketOwnerAccount || bucketOwnerAccount == "":
		allowed = isRoot || idAllow || resAllow
	default:
		allowed = resAllow && (isRoot || idAllow)
	}
	if allowed && sessAllow {
		return Allowed
	}
	return ImplicitDeny
}

// lookup finds a condition key: exact spelling first, then a
// case-insensitive scan (contexts are small), then keys derived from the
// principal.
func (e *evalCtx) lookup(key string) ([]string, bool) {
	ctx := e.req.Context
	if v, ok := ctx[key]; ok {
		return v, true
	}
	for k, v := range ctx {
		if strings.EqualFold(k, key) {
			return v, true
		}
	}
	return e.principalKey(key)
}

func (e *evalCtx) principalKey(key string) ([]string, bool) {
	pr := &e.req.Principal
	one := func(s string) ([]string, bool) {
		if s == "" {
			return nil, false
		}
		return []string{s}, true
	}
	switch {
	case strings.EqualFold(key, KeyUsername):
		if pr.Type == PrincipalUser {
			return one(pr.UserName)
		}
	case strings.EqualFold(key, KeyUserID):
		if pr.Type == PrincipalAnonymous {
			return one("anonymous")
		}
		return one(pr.UserID)
	case strings.EqualFold(key, KeyPrincipalArn):
		if pr.Type == PrincipalAssumedRole && pr.RoleARN != "" {
			return one(pr.RoleARN) // AWS gives the role ARN, not the session's
		}
		return one(pr.ARN)
	case strings.EqualFold(key, KeyPrincipalAccount):
		return one(pr.Account)
	case strings.EqualFold(key, KeyPrincipalType):
		return one(string(pr.Type))
	case strings.EqualFold(key, KeyPrincipalOrgID):
		return one(pr.OrgID)
	}
	return e.principalTag(key)
}
