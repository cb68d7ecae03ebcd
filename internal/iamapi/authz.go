package iamapi

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/hoard-s3/hoard/internal/iam"
	"github.com/hoard-s3/hoard/internal/policy"
)

// IAM calls are authorized like every other action: the caller's identity
// policies (inline and managed, its groups' too) must allow iam:ACTION on
// the entity the call acts on, no explicit Deny may refuse it, and the
// caller's permissions boundary and session policy cap it. The account
// root may do everything. So an administrator need not be the root, and
// nobody gains a right by acting on himself: attaching a policy to your
// own user needs iam:AttachUserPolicy on your own user's ARN.

// target is what an action's resource is.
type target struct {
	kind  iam.EntityKind // "" for account-wide actions (resource "*")
	param string         // the request parameter naming the entity
	self  bool           // without the parameter, the caller's own user
}

var (
	onUser   = target{kind: iam.KindUser, param: "UserName"}
	onSelf   = target{kind: iam.KindUser, param: "UserName", self: true}
	onGroup  = target{kind: iam.KindGroup, param: "GroupName"}
	onRole   = target{kind: iam.KindRole, param: "RoleName"}
	onPolicy = target{kind: iam.KindPolicy, param: "PolicyArn"}
	onOIDC   = target{kind: iam.KindOIDCProvider, param: "OpenIDConnectProviderArn"}
)

// targets maps each action to its resource; actions absent act on the
// account ("*": ListUsers, ListRoles, ListPolicies, GetAccountSummary…).
var targets = map[string]target{
	"CreateUser": onUser, "GetUser": onSelf, "DeleteUser": onUser,
	"CreateAccessKey": onSelf, "ListAccessKeys": onSelf, "UpdateAccessKey": onSelf, "DeleteAccessKey": onSelf,
	"PutUserPolicy": onUser, "GetUserPolicy": onUser, "ListUserPolicies": onUser, "DeleteUserPolicy": onUser,
	"AttachUserPolicy": onUser, "DetachUserPolicy": onUser, "ListAttachedUserPolicies": onUser,
	"ListGroupsForUser": onUser, "TagUser": onUser, "UntagUser": onUser, "ListUserTags": onUser,
	"PutUserPermissionsBoundary": onUser, "DeleteUserPermissionsBoundary": onUser,

	"CreateGroup": onGroup, "GetGroup": onGroup, "DeleteGroup": onGroup,
	"AddUserToGroup": onGroup, "RemoveUserFromGroup": onGroup,
	"PutGroupPolicy": onGroup, "GetGroupPolicy": onGroup, "ListGroupPolicies": onGroup, "DeleteGroupPolicy": onGroup,
	"AttachGroupPolicy": onGroup, "DetachGroupPolicy": onGroup, "ListAttachedGroupPolicies": onGroup,

	"CreateRole": onRole, "GetRole": onRole, "DeleteRole": onRole, "UpdateAssumeRolePolicy": onRole,
	"PutRolePolicy": onRole, "GetRolePolicy": onRole, "ListRolePolicies": onRole, "DeleteRolePolicy": onRole,
	"AttachRolePolicy": onRole, "DetachRolePolicy": onRole, "ListAttachedRolePolicies": onRole,
	"TagRole": onRole, "UntagRole": onRole, "ListRoleTags": onRole,
	"PutRolePermissionsBoundary": onRole, "DeleteRolePermissionsBoundary": onRole, "UpdateRole": onRole,
	"UpdateUser": onUser, "UpdateGroup": onGroup,

	"CreatePolicy": {kind: iam.KindPolicy, param: "PolicyName"}, "GetPolicy": onPolicy, "DeletePolicy": onPolicy,
	"CreatePolicyVersion": onPolicy, "GetPolicyVersion": onPolicy, "ListPolicyVersions": onPolicy,
	"DeletePolicyVersion": onPolicy, "SetDefaultPolicyVersion": onPolicy, "ListEntitiesForPolicy": onPolicy,

	"CreateOpenIDConnectProvider": {kind: iam.KindOIDCProvider, param: "Url"},
	"GetOpenIDConnectProvider":    onOIDC, "DeleteOpenIDConnectProvider": onOIDC,
	"AddClientIDToOpenIDConnectProvider": onOIDC, "RemoveClientIDFromOpenIDConnectProvider": onOIDC,
	"UpdateOpenIDConnectProviderThumbprint": onOIDC,
	"TagOpenIDConnectProvider":              onOIDC, "UntagOpenIDConnectProvider": onOIDC, "ListOpenIDConnectProviderTags": onOIDC,
}

// authorizeIAM decides an IAM call of c's caller.
func (h *Handler) authorizeIAM(r *http.Request, c *call) error {
	p := c.caller
	if p.Temporary && p.Type != policy.PrincipalAssumedRole {
		// GetSessionToken's credentials call IAM only with MFA in AWS,
		// which Hoard does not have.
		return apiErr(codeAccessDenied, "User: %s is not authorized to perform: iam:%s because the request was made with session credentials without MFA", p.ARN, c.action)
	}
	if p.IsRoot() {
		return nil
	}
	action := "iam:" + c.action
	resource, cond, err := h.resourceOf(c)
	if err != nil {
		return err
	}
	for k, v := range policy.GlobalKeys(time.Now(), r.RemoteAddr, r.TLS != nil, r.Header.Get("User-Agent"), r.Header.Get("Referer")) {
		cond[k] = v
	}
	return h.evaluate(p, action, resource, cond)
}

// evaluate applies AWS's evaluation to one IAM or STS action.
func (h *Handler) evaluate(p *iam.Principal, action, resource string, cond map[string][]string) error {
	var ids []*policy.Policy
	for _, doc := range p.Policies {
		pp, err := policy.ParseCached(doc, policy.KindRole)
		if err != nil {
			return h.unreadable(p, err)
		}
		ids = append(ids, pp)
	}
	var limit *policy.Policy
	for _, l := range []struct {
		doc  string
		kind policy.Kind
	}{{p.SessionPolicy, policy.KindSession}, {p.Boundary, policy.KindRole}} {
		if l.doc == "" {
			continue
		}
		pp, err := policy.ParseCached(l.doc, l.kind)
		if err != nil {
			return h.unreadable(p, err)
		}
		limit = policy.Intersect(limit, pp)
	}
	req := &policy.Request{Principal: p.Principal, Action: action, Resource: resource, Context: cond}
	switch policy.EvaluateWithSession(req, ids, nil, limit, h.svc.AccountID()) {
	case policy.Allowed:
		return nil
	case policy.ExplicitDeny:
		return apiErr(codeAccessDenied, "User: %s is not authorized to perform: %s on resource: %s with an explicit deny in an identity-based policy", p.ARN, action, clip(resource))
	}
	why := "no identity-based policy allows the " + action + " action"
	if p.Boundary != "" {
		why = "no permissions boundary allows the " + action + " action"
		if pb, err := policy.ParseCached(p.Boundary, policy.KindRole); err == nil && pb.Evaluate(req) == policy.ResultAllow {
			why = "no identity-based policy allows the " + action + " action"
		}
	}
	return apiErr(codeAccessDenied, "User: %s is not authorized to perform: %s on resource: %s because %s", p.ARN, action, clip(resource), why)
}

func (h *Handler) unreadable(p *iam.Principal, err error) error {
	h.log.Error("stored policy does not parse; denying", "principal", p.ARN, "err", err)
	return apiErr(codeAccessDenied, "User: %s is not authorized: a policy of the caller cannot be read", p.ARN)
}

// resourceOf names the resource of c's action and the condition keys the
// action brings (tags, the policy attached, the boundary set).
func (h *Handler) resourceOf(c *call) (string, map[string][]string, error) {
	cond := map[string][]string{}
	t, ok := targets[c.action]
	if !ok {
		return "*", cond, nil
	}
	name := c.get(t.param)
	if name == "" && t.self {
		if c.caller.UserName == "" {
			return c.caller.ARN, cond, nil
		}
		name = c.caller.UserName
	}
	var resource string
	var tags map[string]string
	switch t.kind {
	case iam.KindPolicy:
		if t.param == "PolicyArn" {
			resource = name
			break
		}
		resource, _, _ = h.svc.Resource(c.ctx, t.kind, name, c.get("Path"))
	case iam.KindOIDCProvider:
		resource = name
		if t.param == "Url" {
			resource = fmt.Sprintf("arn:aws:iam::%s:oidc-provider/%s", h.svc.AccountID(), strings.TrimPrefix(name, "https://"))
		}
	default:
		var err error
		resource, tags, err = h.svc.Resource(c.ctx, t.kind, name, c.get("Path"))
		if err != nil {
			return "", nil, err
		}
	}
	for k, v := range tags {
		cond["aws:ResourceTag/"+k] = []string{v}
		cond["iam:ResourceTag/"+k] = []string{v}
	}
	requestKeys(c, cond)
	return resource, cond, nil
}

// requestKeys adds the condition keys taken from the request itself.
func requestKeys(c *call, cond map[string][]string) {
	if arn := c.get("PolicyArn"); arn != "" && strings.Contains(c.action, "Attach") {
		cond["iam:PolicyARN"] = []string{arn}
	}
	if b := c.get("PermissionsBoundary"); b != "" {
		cond["iam:PermissionsBoundary"] = []string{b}
	}
	tags, _ := c.tags()
	keys := make([]string, 0, len(tags))
	for _, t := range tags {
		cond["aws:RequestTag/"+t.Key] = []string{t.Value}
		keys = append(keys, t.Key)
	}
	keys = append(keys, c.list("TagKeys")...)
	if len(keys) > 0 {
		cond["aws:TagKeys"] = keys
	}
}
