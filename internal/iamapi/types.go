package iamapi

import (
	"net/url"
	"strings"
	"time"

	"github.com/hoard-s3/hoard/internal/iam"
)

// IAM and STS write times in ISO 8601, UTC, to the second.
func isoTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

// encodeDoc URL-encodes a policy document as IAM returns it (the aws CLI
// decodes it; SDKs leave it to the caller).
func encodeDoc(doc string) string {
	return strings.ReplaceAll(url.QueryEscape(doc), "+", "%20")
}

type xmlUser struct {
	Path                string `xml:",omitempty"`
	UserName            string `xml:",omitempty"`
	UserId              string
	Arn                 string
	CreateDate          string
	PermissionsBoundary *xmlBoundary `xml:",omitempty"`
	Tags                []xmlTag     `xml:"Tags>member,omitempty"`
}

func toUser(u *iam.User) xmlUser {
	return xmlUser{Path: u.Path, UserName: u.UserName, UserId: u.UserID, Arn: u.ARN, CreateDate: isoTime(u.CreateDate)}
}

type xmlGroup struct {
	Path       string
	GroupName  string
	GroupId    string
	Arn        string
	CreateDate string
}

func toGroup(g *iam.Group) xmlGroup {
	return xmlGroup{Path: g.Path, GroupName: g.GroupName, GroupId: g.GroupID, Arn: g.ARN, CreateDate: isoTime(g.CreateDate)}
}

type xmlRole struct {
	Path                     string
	RoleName                 string
	RoleId                   string
	Arn                      string
	CreateDate               string
	AssumeRolePolicyDocument string
	Description              string `xml:",omitempty"`
	MaxSessionDuration       int32
	PermissionsBoundary      *xmlBoundary `xml:",omitempty"`
	Tags                     []xmlTag     `xml:"Tags>member,omitempty"`
}

func toRole(r *iam.Role) xmlRole {
	return xmlRole{
		Path: r.Path, RoleName: r.RoleName, RoleId: r.RoleID, Arn: r.ARN, CreateDate: isoTime(r.CreateDate),
		AssumeRolePolicyDocument: encodeDoc(r.AssumeRolePolicyDocument), Description: r.Description,
		MaxSessionDuration: r.MaxSessionDuration,
	}
}

type xmlAccessKey struct {
	UserName        string `xml:",omitempty"`
	AccessKeyId     string
	Status          string
	SecretAccessKey string `xml:",omitempty"`
	CreateDate      string
}

type userResult struct{ User xmlUser }
type groupResult struct{ Group xmlGroup }
type roleResult struct{ Role xmlRole }
type accessKeyResult struct{ AccessKey xmlAccessKey }

type listUsersResult struct {
	Users       []xmlUser `xml:"Users>member"`
	IsTruncated bool
	Marker      string `xml:",omitempty"`
}

type listGroupsResult struct {
	Groups      []xmlGroup `xml:"Groups>member"`
	IsTruncated bool
	Marker      string `xml:",omitempty"`
}

type getGroupResult struct {
	Group       xmlGroup
	Users       []xmlUser `xml:"Users>member"`
	IsTruncated bool
	Marker      string `xml:",omitempty"`
}

type listRolesResult struct {
	Roles       []xmlRole `xml:"Roles>member"`
	IsTruncated bool
	Marker      string `xml:",omitempty"`
}

type listAccessKeysResult struct {
	UserName          string         `xml:",omitempty"`
	AccessKeyMetadata []xmlAccessKey `xml:"AccessKeyMetadata>member"`
	IsTruncated       bool
	Marker            string `xml:",omitempty"`
}

type listPoliciesResult struct {
	PolicyNames []string `xml:"PolicyNames>member"`
	IsTruncated bool
	Marker      string `xml:",omitempty"`
}

type getUserPolicyResult struct {
	UserName       string
	PolicyName     string
	PolicyDocument string
}

type getGroupPolicyResult struct {
	GroupName      string
	PolicyName     string
	PolicyDocument string
}

type getRolePolicyResult struct {
	RoleName       string
	PolicyName     string
	PolicyDocument string
}

type xmlCredentials struct {
	AccessKeyId     string
	SecretAccessKey string
	SessionToken    string
	Expiration      string
}

func toCredentials(c *iam.Credentials) xmlCredentials {
	return xmlCredentials{AccessKeyId: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken, Expiration: isoTime(c.Expiration)}
}

type assumeRoleResult struct {
	Credentials     xmlCredentials
	AssumedRoleUser struct {
		AssumedRoleId string
		Arn           string
	}
	PackedPolicySize *int `xml:",omitempty"`
}

type sessionTokenResult struct{ Credentials xmlCredentials }

type callerIdentityResult struct {
	UserId  string
	Account string
	Arn     string
}

type summaryEntry struct {
	Key   string `xml:"key"`
	Value int    `xml:"value"`
}

type accountSummaryResult struct {
	Entries []summaryEntry `xml:"SummaryMap>entry"`
}
