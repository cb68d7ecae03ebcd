package iamapi

import (
	"strconv"

	"github.com/hoard-s3/hoard/internal/iam"
)

func createGroup(h *Handler, c *call) (any, error) {
	g, err := h.svc.CreateGroup(c.ctx, c.get("GroupName"), c.get("Path"))
	if err != nil {
		return nil, err
	}
	return groupResult{toGroup(g)}, nil
}

func getGroup(h *Handler, c *call) (any, error) {
	p, err := c.page()
	if err != nil {
		return nil, err
	}
	g, users, next, err := h.svc.GetGroup(c.ctx, c.get("GroupName"), p)
	if err != nil {
		return nil, err
	}
	res := getGroupResult{Group: toGroup(g), IsTruncated: next != "", Marker: next}
	for i := range users {
		res.Users = append(res.Users, toUser(&users[i]))
	}
	return res, nil
}

func groupList(groups []iam.Group, next string) listGroupsResult {
	res := listGroupsResult{IsTruncated: next != "", Marker: next}
	for i := range groups {
		res.Groups = append(res.Groups, toGroup(&groups[i]))
	}
	return res
}

func listGroups(h *Handler, c *call) (any, error) {
	p, err := c.page()
	if err != nil {
		return nil, err
	}
	groups, next, err := h.svc.ListGroups(c.ctx, c.get("PathPrefix"), p)
	if err != nil {
		return nil, err
	}
	return groupList(groups, next), nil
}

func listGroupsForUser(h *Handler, c *call) (any, error) {
	p, err := c.page()
	if err != nil {
		return nil, err
	}
	groups, next, err := h.svc.ListGroupsForUser(c.ctx, c.get("UserName"), p)
	if err != nil {
		return nil, err
	}
	return groupList(groups, next), nil
}

func deleteGroup(h *Handler, c *call) (any, error) {
	return nil, h.svc.DeleteGroup(c.ctx, c.get("GroupName"))
}

func addUserToGroup(h *Handler, c *call) (any, error) {
	return nil, h.svc.AddUserToGroup(c.ctx, c.get("GroupName"), c.get("UserName"))
}

func removeUserFromGroup(h *Handler, c *call) (any, error) {
	return nil, h.svc.RemoveUserFromGroup(c.ctx, c.get("GroupName"), c.get("UserName"))
}

func putGroupPolicy(h *Handler, c *call) (any, error) {
	return nil, h.svc.PutGroupPolicy(c.ctx, c.get("GroupName"), c.get("PolicyName"), c.get("PolicyDocument"))
}

func getGroupPolicy(h *Handler, c *call) (any, error) {
	doc, err := h.svc.GetGroupPolicy(c.ctx, c.get("GroupName"), c.get("PolicyName"))
	if err != nil {
		return nil, err
	}
	return getGroupPolicyResult{c.get("GroupName"), c.get("PolicyName"), encodeDoc(doc)}, nil
}

func listGroupPolicies(h *Handler, c *call) (any, error) {
	return listPolicyNames(c, func(p iam.Page) ([]string, string, error) {
		return h.svc.ListGroupPolicies(c.ctx, c.get("GroupName"), p)
	})
}

func deleteGroupPolicy(h *Handler, c *call) (any, error) {
	return nil, h.svc.DeleteGroupPolicy(c.ctx, c.get("GroupName"), c.get("PolicyName"))
}

func createRole(h *Handler, c *call) (any, error) {
	in := iam.CreateRoleInput{
		RoleName: c.get("RoleName"), Path: c.get("Path"),
		AssumeRolePolicyDocument: c.get("AssumeRolePolicyDocument"), Description: c.get("Description"),
		PermissionsBoundary: c.get("PermissionsBoundary"),
	}
	var err error
	if in.Tags, err = c.tags(); err != nil {
		return nil, err
	}
	if s := c.get("MaxSessionDuration"); s != "" {
		n, err := strconv.ParseInt(s, 10, 32)
		if err != nil {
			return nil, apiErr(codeValidation, "1 validation error detected: Value '%s' at 'maxSessionDuration' failed to satisfy constraint: Member must have value between 3600 and 43200", clip(s))
		}
		in.MaxSessionDuration = int32(n)
	}
	r, err := h.svc.CreateRole(c.ctx, in)
	if err != nil {
		return nil, err
	}
	return roleResult{toFullRole(r)}, nil
}

func getRole(h *Handler, c *call) (any, error) {
	r, err := h.svc.GetRole(c.ctx, c.get("RoleName"))
	if err != nil {
		return nil, err
	}
	return roleResult{toFullRole(r)}, nil
}

func listRoles(h *Handler, c *call) (any, error) {
	p, err := c.page()
	if err != nil {
		return nil, err
	}
	roles, next, err := h.svc.ListRoles(c.ctx, c.get("PathPrefix"), p)
	if err != nil {
		return nil, err
	}
	res := listRolesResult{IsTruncated: next != "", Marker: next}
	for i := range roles {
		res.Roles = append(res.Roles, toRole(&roles[i]))
	}
	return res, nil
}

func deleteRole(h *Handler, c *call) (any, error) {
	return nil, h.svc.DeleteRole(c.ctx, c.get("RoleName"))
}

func putRolePolicy(h *Handler, c *call) (any, error) {
	return nil, h.svc.PutRolePolicy(c.ctx, c.get("RoleName"), c.get("PolicyName"), c.get("PolicyDocument"))
}

func getRolePolicy(h *Handler, c *call) (any, error) {
	doc, err := h.svc.GetRolePolicy(c.ctx, c.get("RoleName"), c.get("PolicyName"))
	if err != nil {
		return nil, err
	}
	return getRolePolicyResult{c.get("RoleName"), c.get("PolicyName"), encodeDoc(doc)}, nil
}

func listRolePolicies(h *Handler, c *call) (any, error) {
	return listPolicyNames(c, func(p iam.Page) ([]string, string, error) {
		return h.svc.ListRolePolicies(c.ctx, c.get("RoleName"), p)
	})
}

func deleteRolePolicy(h *Handler, c *call) (any, error) {
	return nil, h.svc.DeleteRolePolicy(c.ctx, c.get("RoleName"), c.get("PolicyName"))
}

func updateAssumeRolePolicy(h *Handler, c *call) (any, error) {
	return nil, h.svc.UpdateAssumeRolePolicy(c.ctx, c.get("RoleName"), c.get("PolicyDocument"))
}
