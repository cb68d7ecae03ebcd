package iamapi

import (
	"context"

	"github.com/hoard-s3/hoard/internal/iam"
)

type ctxT = context.Context

func init() {
	for name, op := range map[string]opFunc{
		"CreatePolicy": createPolicy, "GetPolicy": getPolicy, "ListPolicies": listPolicies, "DeletePolicy": deletePolicy,
		"CreatePolicyVersion": createPolicyVersion, "GetPolicyVersion": getPolicyVersion,
		"ListPolicyVersions": listPolicyVersions, "DeletePolicyVersion": deletePolicyVersion,
		"SetDefaultPolicyVersion": setDefaultPolicyVersion, "ListEntitiesForPolicy": listEntitiesForPolicy,
		"AttachUserPolicy":          attachOp((*iam.Service).AttachUserPolicy, "UserName"),
		"DetachUserPolicy":          attachOp((*iam.Service).DetachUserPolicy, "UserName"),
		"AttachGroupPolicy":         attachOp((*iam.Service).AttachGroupPolicy, "GroupName"),
		"DetachGroupPolicy":         attachOp((*iam.Service).DetachGroupPolicy, "GroupName"),
		"AttachRolePolicy":          attachOp((*iam.Service).AttachRolePolicy, "RoleName"),
		"DetachRolePolicy":          attachOp((*iam.Service).DetachRolePolicy, "RoleName"),
		"ListAttachedUserPolicies":  listAttachedOp((*iam.Service).ListAttachedUserPolicies, "UserName"),
		"ListAttachedGroupPolicies": listAttachedOp((*iam.Service).ListAttachedGroupPolicies, "GroupName"),
		"ListAttachedRolePolicies":  listAttachedOp((*iam.Service).ListAttachedRolePolicies, "RoleName"),
	} {
		iamOps[name] = op
	}
}

type xmlPolicy struct {
	PolicyName                    string
	PolicyId                      string
	Arn                           string
	Path                          string
	DefaultVersionId              string
	AttachmentCount               int
	PermissionsBoundaryUsageCount int
	IsAttachable                  bool
	Description                   string `xml:",omitempty"`
	CreateDate                    string
	UpdateDate                    string
}

func toPolicy(p *iam.ManagedPolicy) xmlPolicy {
	return xmlPolicy{
		PolicyName: p.PolicyName, PolicyId: p.PolicyID, Arn: p.ARN, Path: p.Path,
		DefaultVersionId: p.DefaultVersionID, AttachmentCount: p.AttachmentCount, IsAttachable: p.IsAttachable,
		Description: p.Description, CreateDate: isoTime(p.CreateDate), UpdateDate: isoTime(p.UpdateDate),
	}
}

type xmlPolicyVersion struct {
	Document         string `xml:",omitempty"`
	VersionId        string
	IsDefaultVersion bool
	CreateDate       string
}

func toVersion(v *iam.PolicyVersion) xmlPolicyVersion {
	return xmlPolicyVersion{Document: encodeDoc(v.Document), VersionId: v.VersionID, IsDefaultVersion: v.IsDefaultVersion, CreateDate: isoTime(v.CreateDate)}
}

type policyResult struct{ Policy xmlPolicy }
type policyVersionResult struct{ PolicyVersion xmlPolicyVersion }

type listManagedResult struct {
	Policies    []xmlPolicy `xml:"Policies>member"`
	IsTruncated bool
	Marker      string `xml:",omitempty"`
}

type listVersionsResult struct {
	Versions    []xmlPolicyVersion `xml:"Versions>member"`
	IsTruncated bool
}

type xmlAttached struct {
	PolicyName string
	PolicyArn  string
}

type listAttachedResult struct {
	AttachedPolicies []xmlAttached `xml:"AttachedPolicies>member"`
	IsTruncated      bool
	Marker           string `xml:",omitempty"`
}

type listEntitiesResult struct {
	PolicyGroups []xmlPolicyGroup `xml:"PolicyGroups>member"`
	PolicyUsers  []xmlPolicyUser  `xml:"PolicyUsers>member"`
	PolicyRoles  []xmlPolicyRole  `xml:"PolicyRoles>member"`
	IsTruncated  bool
	Marker       string `xml:",omitempty"`
}

type xmlPolicyGroup struct{ GroupName, GroupId string }
type xmlPolicyUser struct{ UserName, UserId string }
type xmlPolicyRole struct{ RoleName, RoleId string }

func createPolicy(h *Handler, c *call) (any, error) {
	p, err := h.svc.CreatePolicy(c.ctx, iam.CreatePolicyInput{
		PolicyName: c.get("PolicyName"), Path: c.get("Path"),
		PolicyDocument: c.get("PolicyDocument"), Description: c.get("Description"),
	})
	if err != nil {
		return nil, err
	}
	return policyResult{toPolicy(p)}, nil
}

func getPolicy(h *Handler, c *call) (any, error) {
	p, err := h.svc.GetPolicy(c.ctx, c.get("PolicyArn"))
	if err != nil {
		return nil, err
	}
	return policyResult{toPolicy(p)}, nil
}

func listPolicies(h *Handler, c *call) (any, error) {
	p, err := c.page()
	if err != nil {
		return nil, err
	}
	only, err := c.boolParam("OnlyAttached")
	if err != nil {
		return nil, err
	}
	list, next, err := h.svc.ListPolicies(c.ctx, iam.ListPoliciesInput{Scope: c.get("Scope"), OnlyAttached: only, PathPrefix: c.get("PathPrefix"), Page: p})
	if err != nil {
		return nil, err
	}
	res := listManagedResult{Policies: []xmlPolicy{}, IsTruncated: next != "", Marker: next}
	for i := range list {
		res.Policies = append(res.Policies, toPolicy(&list[i]))
	}
	return res, nil
}

func deletePolicy(h *Handler, c *call) (any, error) {
	return nil, h.svc.DeletePolicy(c.ctx, c.get("PolicyArn"))
}

func createPolicyVersion(h *Handler, c *call) (any, error) {
	def, err := c.boolParam("SetAsDefault")
	if err != nil {
		return nil, err
	}
	v, err := h.svc.CreatePolicyVersion(c.ctx, c.get("PolicyArn"), c.get("PolicyDocument"), def)
	if err != nil {
		return nil, err
	}
	x := toVersion(v)
	x.Document = ""
	return policyVersionResult{x}, nil
}

func getPolicyVersion(h *Handler, c *call) (any, error) {
	v, err := h.svc.GetPolicyVersion(c.ctx, c.get("PolicyArn"), c.get("VersionId"))
	if err != nil {
		return nil, err
	}
	return policyVersionResult{toVersion(v)}, nil
}

func listPolicyVersions(h *Handler, c *call) (any, error) {
	if _, err := c.page(); err != nil {
		return nil, err
	}
	vs, err := h.svc.ListPolicyVersions(c.ctx, c.get("PolicyArn"))
	if err != nil {
		return nil, err
	}
	res := listVersionsResult{Versions: []xmlPolicyVersion{}}
	for i := range vs {
		x := toVersion(&vs[i])
		x.Document = "" // ListPolicyVersions omits documents, as AWS
		res.Versions = append(res.Versions, x)
	}
	return res, nil
}

func deletePolicyVersion(h *Handler, c *call) (any, error) {
	return nil, h.svc.DeletePolicyVersion(c.ctx, c.get("PolicyArn"), c.get("VersionId"))
}

func setDefaultPolicyVersion(h *Handler, c *call) (any, error) {
	return nil, h.svc.SetDefaultPolicyVersion(c.ctx, c.get("PolicyArn"), c.get("VersionId"))
}

func listEntitiesForPolicy(h *Handler, c *call) (any, error) {
	p, err := c.page()
	if err != nil {
		return nil, err
	}
	ents, next, err := h.svc.ListEntitiesForPolicy(c.ctx, c.get("PolicyArn"), c.get("EntityFilter"), c.get("PathPrefix"), p)
	if err != nil {
		return nil, err
	}
	res := listEntitiesResult{PolicyGroups: []xmlPolicyGroup{}, PolicyUsers: []xmlPolicyUser{}, PolicyRoles: []xmlPolicyRole{}, IsTruncated: next != "", Marker: next}
	for _, e := range ents {
		switch e.Kind {
		case "User":
			res.PolicyUsers = append(res.PolicyUsers, xmlPolicyUser{e.Name, e.ID})
		case "Group":
			res.PolicyGroups = append(res.PolicyGroups, xmlPolicyGroup{e.Name, e.ID})
		default:
			res.PolicyRoles = append(res.PolicyRoles, xmlPolicyRole{e.Name, e.ID})
		}
	}
	return res, nil
}

func attachOp(fn func(*iam.Service, ctxT, string, string) error, field string) opFunc {
	return func(h *Handler, c *call) (any, error) {
		return nil, fn(h.svc, c.ctx, c.get(field), c.get("PolicyArn"))
	}
}

func listAttachedOp(fn func(*iam.Service, ctxT, string, string, iam.Page) ([]iam.AttachedPolicy, string, error), field string) opFunc {
	return func(h *Handler, c *call) (any, error) {
		p, err := c.page()
		if err != nil {
			return nil, err
		}
		list, next, err := fn(h.svc, c.ctx, c.get(field), c.get("PathPrefix"), p)
		if err != nil {
			return nil, err
		}
		res := listAttachedResult{AttachedPolicies: []xmlAttached{}, IsTruncated: next != "", Marker: next}
		for _, a := range list {
			res.AttachedPolicies = append(res.AttachedPolicies, xmlAttached{a.PolicyName, a.PolicyARN})
		}
		return res, nil
	}
}

// boolParam decodes an optional boolean parameter.
func (c *call) boolParam(name string) (bool, error) {
	switch c.get(name) {
	case "", "false":
		return false, nil
	case "true":
		return true, nil
	}
	return false, apiErr(codeValidation, "1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must be a boolean", clip(c.get(name)), name)
}
