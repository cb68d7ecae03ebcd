package iamapi

import (
	"fmt"
	"strconv"

	"github.com/hoard-s3/hoard/internal/iam"
)

func init() {
	for name, op := range map[string]opFunc{
		"TagUser": tagUser, "UntagUser": untagUser, "ListUserTags": listUserTags,
		"TagRole": tagRole, "UntagRole": untagRole, "ListRoleTags": listRoleTags,
		"PutUserPermissionsBoundary": func(h *Handler, c *call) (any, error) {
			return nil, h.svc.PutUserPermissionsBoundary(c.ctx, c.get("UserName"), c.get("PermissionsBoundary"))
		},
		"DeleteUserPermissionsBoundary": func(h *Handler, c *call) (any, error) {
			return nil, h.svc.DeleteUserPermissionsBoundary(c.ctx, c.get("UserName"))
		},
		"PutRolePermissionsBoundary": func(h *Handler, c *call) (any, error) {
			return nil, h.svc.PutRolePermissionsBoundary(c.ctx, c.get("RoleName"), c.get("PermissionsBoundary"))
		},
		"DeleteRolePermissionsBoundary": func(h *Handler, c *call) (any, error) {
			return nil, h.svc.DeleteRolePermissionsBoundary(c.ctx, c.get("RoleName"))
		},
	} {
		iamOps[name] = op
	}
}

// maxListParams bounds the members a list parameter may have: more than
// any IAM list takes (50 tags), few enough to scan.
const maxListParams = 200

// list decodes NAME.member.1, NAME.member.2, … up to the first gap.
func (c *call) list(name string) []string {
	var out []string
	for i := 1; i <= maxListParams; i++ {
		v, ok := c.params[fmt.Sprintf("%s.member.%d", name, i)]
		if !ok {
			break
		}
		out = append(out, v[0])
	}
	return out
}

// tags decodes Tags.member.N.Key and .Value.
func (c *call) tags() ([]iam.Tag, error) {
	var out []iam.Tag
	for i := 1; i <= maxListParams; i++ {
		p := "Tags.member." + strconv.Itoa(i)
		k, ok := c.params[p+".Key"]
		if !ok {
			if _, v := c.params[p+".Value"]; v {
				return nil, apiErr(codeValidation, "1 validation error detected: Value null at 'tags.%d.member.key' failed to satisfy constraint: Member must not be null", i)
			}
			break
		}
		out = append(out, iam.Tag{Key: k[0], Value: c.get(p + ".Value")})
	}
	return out, nil
}

type xmlTag struct{ Key, Value string }

func toTags(tags []iam.Tag) []xmlTag {
	out := make([]xmlTag, 0, len(tags))
	for _, t := range tags {
		out = append(out, xmlTag{t.Key, t.Value})
	}
	return out
}

type listTagsResult struct {
	Tags        []xmlTag `xml:"Tags>member"`
	IsTruncated bool
	Marker      string `xml:",omitempty"`
}

func tagUser(h *Handler, c *call) (any, error) {
	tags, err := c.tags()
	if err != nil {
		return nil, err
	}
	return nil, h.svc.TagUser(c.ctx, c.get("UserName"), tags)
}

func untagUser(h *Handler, c *call) (any, error) {
	return nil, h.svc.UntagUser(c.ctx, c.get("UserName"), c.list("TagKeys"))
}

func listUserTags(h *Handler, c *call) (any, error) {
	u, err := h.svc.GetUser(c.ctx, c.get("UserName"))
	if err != nil {
		return nil, err
	}
	return pageTags(c, u.Tags)
}

func tagRole(h *Handler, c *call) (any, error) {
	tags, err := c.tags()
	if err != nil {
		return nil, err
	}
	return nil, h.svc.TagRole(c.ctx, c.get("RoleName"), tags)
}

func untagRole(h *Handler, c *call) (any, error) {
	return nil, h.svc.UntagRole(c.ctx, c.get("RoleName"), c.list("TagKeys"))
}

func listRoleTags(h *Handler, c *call) (any, error) {
	r, err := h.svc.GetRole(c.ctx, c.get("RoleName"))
	if err != nil {
		return nil, err
	}
	return pageTags(c, r.Tags)
}

// pageTags pages a tag list; the marker is the index of the next tag.
func pageTags(c *call, tags []iam.Tag) (any, error) {
	p, err := c.page()
	if err != nil {
		return nil, err
	}
	start := 0
	if p.Marker != "" {
		n, err := strconv.Atoi(p.Marker)
		if err != nil || n < 0 || n > len(tags) {
			return nil, apiErr(codeInvalidInput, "Invalid Marker.")
		}
		start = n
	}
	limit := p.MaxItems
	if limit == 0 {
		limit = 100
	}
	res := listTagsResult{}
	end := min(start+limit, len(tags))
	res.Tags = toTags(tags[start:end])
	if end < len(tags) {
		res.IsTruncated, res.Marker = true, strconv.Itoa(end)
	}
	return res, nil
}

type xmlBoundary struct {
	PermissionsBoundaryType string
	PermissionsBoundaryArn  string
}

func toBoundary(arn string) *xmlBoundary {
	if arn == "" {
		return nil
	}
	return &xmlBoundary{PermissionsBoundaryType: "PermissionsBoundaryPolicy", PermissionsBoundaryArn: arn}
}

// toFullUser is a user as GetUser and CreateUser answer: listings leave
// out tags and boundary, as AWS's do.
func toFullUser(u *iam.User) xmlUser {
	x := toUser(u)
	x.PermissionsBoundary = toBoundary(u.PermissionsBoundary)
	if len(u.Tags) > 0 {
		x.Tags = toTags(u.Tags)
	}
	return x
}

func toFullRole(r *iam.Role) xmlRole {
	x := toRole(r)
	x.PermissionsBoundary = toBoundary(r.PermissionsBoundary)
	if len(r.Tags) > 0 {
		x.Tags = toTags(r.Tags)
	}
	return x
}

func init() {
	iamOps["UpdateUser"] = func(h *Handler, c *call) (any, error) {
		return nil, h.svc.UpdateUser(c.ctx, c.get("UserName"), c.get("NewUserName"), c.get("NewPath"))
	}
	iamOps["UpdateGroup"] = func(h *Handler, c *call) (any, error) {
		return nil, h.svc.UpdateGroup(c.ctx, c.get("GroupName"), c.get("NewGroupName"), c.get("NewPath"))
	}
	iamOps["UpdateRole"] = func(h *Handler, c *call) (any, error) {
		in := iam.UpdateRoleInput{}
		if _, ok := c.params["Description"]; ok {
			d := c.get("Description")
			in.Description = &d
		}
		if s := c.get("MaxSessionDuration"); s != "" {
			n, err := strconv.ParseInt(s, 10, 32)
			if err != nil || n == 0 {
				return nil, apiErr(codeValidation, "1 validation error detected: Value '%s' at 'maxSessionDuration' failed to satisfy constraint: Member must have value between 3600 and 43200", clip(s))
			}
			in.MaxSessionDuration = int32(n)
		}
		// UpdateRole's answer has an (empty) result element, unlike the
		// other updates'.
		return struct{}{}, h.svc.UpdateRole(c.ctx, c.get("RoleName"), in)
	}
}
