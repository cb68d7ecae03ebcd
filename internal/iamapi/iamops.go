package iamapi

import (
	"sort"
	"strconv"

	"github.com/hoard-s3/hoard/internal/iam"
)

var iamOps = map[string]opFunc{
	"CreateUser": createUser, "GetUser": getUser, "ListUsers": listUsers, "DeleteUser": deleteUser,
	"CreateAccessKey": createAccessKey, "ListAccessKeys": listAccessKeys,
	"UpdateAccessKey": updateAccessKey, "DeleteAccessKey": deleteAccessKey,
	"PutUserPolicy": putUserPolicy, "GetUserPolicy": getUserPolicy,
	"ListUserPolicies": listUserPolicies, "DeleteUserPolicy": deleteUserPolicy,
	"CreateGroup": createGroup, "GetGroup": getGroup, "ListGroups": listGroups, "DeleteGroup": deleteGroup,
	"AddUserToGroup": addUserToGroup, "RemoveUserFromGroup": removeUserFromGroup,
	"ListGroupsForUser": listGroupsForUser,
	"PutGroupPolicy":    putGroupPolicy, "GetGroupPolicy": getGroupPolicy,
	"ListGroupPolicies": listGroupPolicies, "DeleteGroupPolicy": deleteGroupPolicy,
	"CreateRole": createRole, "GetRole": getRole, "ListRoles": listRoles, "DeleteRole": deleteRole,
	"PutRolePolicy": putRolePolicy, "GetRolePolicy": getRolePolicy,
	"ListRolePolicies": listRolePolicies, "DeleteRolePolicy": deleteRolePolicy,
	"GetAccountSummary": getAccountSummary, "UpdateAssumeRolePolicy": updateAssumeRolePolicy,
}

// page decodes Marker and MaxItems.
func (c *call) page() (iam.Page, error) {
	p := iam.Page{Marker: c.get("Marker")}
	if s := c.get("MaxItems"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 1000 {
			return p, apiErr(codeValidation, "1 validation error detected: Value '%s' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 1000", clip(s))
		}
		p.MaxItems = n
	}
	return p, nil
}

// userName is the UserName parameter; without it the caller's own user.
// The root has no user: its keys are configured outside IAM.
func (c *call) userName() (string, error) {
	if n := c.get("UserName"); n != "" {
		return n, nil
	}
	if c.caller.UserName != "" {
		return c.caller.UserName, nil
	}
	return "", apiErr(codeValidation, "Must specify userName when calling with non-User credentials")
}

func createUser(h *Handler, c *call) (any, error) {
	tags, err := c.tags()
	if err != nil {
		return nil, err
	}
	u, err := h.svc.CreateUserWith(c.ctx, iam.CreateUserInput{
		UserName: c.get("UserName"), Path: c.get("Path"), Tags: tags, PermissionsBoundary: c.get("PermissionsBoundary"),
	})
	if err != nil {
		return nil, err
	}
	return userResult{toFullUser(u)}, nil
}

func getUser(h *Handler, c *call) (any, error) {
	if c.get("UserName") == "" && c.caller.IsRoot() {
		return userResult{xmlUser{UserId: c.caller.UserID, Arn: c.caller.ARN, CreateDate: isoTime(rootCreated)}}, nil
	}
	name, err := c.userName()
	if err != nil {
		return nil, err
	}
	u, err := h.svc.GetUser(c.ctx, name)
	if err != nil {
		return nil, err
	}
	return userResult{toFullUser(u)}, nil
}

func listUsers(h *Handler, c *call) (any, error) {
	p, err := c.page()
	if err != nil {
		return nil, err
	}
	users, next, err := h.svc.ListUsers(c.ctx, c.get("PathPrefix"), p)
	if err != nil {
		return nil, err
	}
	res := listUsersResult{IsTruncated: next != "", Marker: next}
	for i := range users {
		res.Users = append(res.Users, toUser(&users[i]))
	}
	return res, nil
}

func deleteUser(h *Handler, c *call) (any, error) {
	return nil, h.svc.DeleteUser(c.ctx, c.get("UserName"))
}

// rootSelf reports whether a key call without UserName is the calling
// root's about its own keys, as in AWS.
func (c *call) rootSelf() bool { return c.get("UserName") == "" && c.caller.IsRoot() }

func createAccessKey(h *Handler, c *call) (any, error) {
	if c.rootSelf() {
		k, err := h.svc.CreateRootAccessKey(c.ctx)
		if err != nil {
			return nil, err
		}
		return accessKeyResult{xmlAccessKey{AccessKeyId: k.AccessKeyID, Status: k.Status, SecretAccessKey: k.SecretAccessKey, CreateDate: isoTime(k.CreateDate)}}, nil
	}
	name, err := c.userName()
	if err != nil {
		return nil, err
	}
	k, err := h.svc.CreateAccessKey(c.ctx, name)
	if err != nil {
		return nil, err
	}
	return accessKeyResult{xmlAccessKey{UserName: k.UserName, AccessKeyId: k.AccessKeyID, Status: k.Status, SecretAccessKey: k.SecretAccessKey, CreateDate: isoTime(k.CreateDate)}}, nil
}

func listAccessKeys(h *Handler, c *call) (any, error) {
	p, err := c.page()
	if err != nil {
		return nil, err
	}
	if c.rootSelf() {
		keys, err := h.svc.ListRootAccessKeys(c.ctx, iam.AccessKey{CreateDate: rootCreated})
		if err != nil {
			return nil, err
		}
		res := listAccessKeysResult{AccessKeyMetadata: []xmlAccessKey{}}
		for _, k := range keys {
			res.AccessKeyMetadata = append(res.AccessKeyMetadata, xmlAccessKey{AccessKeyId: k.AccessKeyID, Status: k.Status, CreateDate: isoTime(k.CreateDate)})
		}
		return res, nil
	}
	name, err := c.userName()
	if err != nil {
		return nil, err
	}
	keys, next, err := h.svc.ListAccessKeys(c.ctx, name, p)
	if err != nil {
		return nil, err
	}
	res := listAccessKeysResult{UserName: name, IsTruncated: next != "", Marker: next}
	for _, k := range keys {
		res.UserName = k.UserName
		res.AccessKeyMetadata = append(res.AccessKeyMetadata, xmlAccessKey{UserName: k.UserName, AccessKeyId: k.AccessKeyID, Status: k.Status, CreateDate: isoTime(k.CreateDate)})
	}
	return res, nil
}

func updateAccessKey(h *Handler, c *call) (any, error) {
	if c.rootSelf() {
		return nil, h.svc.UpdateRootAccessKey(c.ctx, c.get("AccessKeyId"), c.get("Status"))
	}
	name, err := c.userName()
	if err != nil {
		return nil, err
	}
	return nil, h.svc.UpdateAccessKey(c.ctx, name, c.get("AccessKeyId"), c.get("Status"))
}

func deleteAccessKey(h *Handler, c *call) (any, error) {
	if c.rootSelf() {
		return nil, h.svc.DeleteRootAccessKey(c.ctx, c.get("AccessKeyId"))
	}
	name, err := c.userName()
	if err != nil {
		return nil, err
	}
	return nil, h.svc.DeleteAccessKey(c.ctx, name, c.get("AccessKeyId"))
}

func putUserPolicy(h *Handler, c *call) (any, error) {
	return nil, h.svc.PutUserPolicy(c.ctx, c.get("UserName"), c.get("PolicyName"), c.get("PolicyDocument"))
}

func getUserPolicy(h *Handler, c *call) (any, error) {
	doc, err := h.svc.GetUserPolicy(c.ctx, c.get("UserName"), c.get("PolicyName"))
	if err != nil {
		return nil, err
	}
	return getUserPolicyResult{c.get("UserName"), c.get("PolicyName"), encodeDoc(doc)}, nil
}

func listUserPolicies(h *Handler, c *call) (any, error) {
	return listPolicyNames(c, func(p iam.Page) ([]string, string, error) {
		return h.svc.ListUserPolicies(c.ctx, c.get("UserName"), p)
	})
}

func deleteUserPolicy(h *Handler, c *call) (any, error) {
	return nil, h.svc.DeleteUserPolicy(c.ctx, c.get("UserName"), c.get("PolicyName"))
}

func listPolicyNames(c *call, list func(iam.Page) ([]string, string, error)) (any, error) {
	p, err := c.page()
	if err != nil {
		return nil, err
	}
	names, next, err := list(p)
	if err != nil {
		return nil, err
	}
	return listPoliciesResult{PolicyNames: names, IsTruncated: next != "", Marker: next}, nil
}

func getAccountSummary(h *Handler, c *call) (any, error) {
	m, err := h.svc.AccountSummary(c.ctx)
	if err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var res accountSummaryResult
	for _, k := range keys {
		res.Entries = append(res.Entries, summaryEntry{Key: k, Value: m[k]})
	}
	return res, nil
}
