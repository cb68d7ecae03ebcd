package iamapi_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/hoard-s3/hoard/internal/testserver"
)

// TestRenames: a renamed user keeps its id, keys, inline and managed
// policies and groups; a renamed group keeps its members; UpdateRole
// changes the description and session limit.
func TestRenames(t *testing.T) {
	srv := testserver.Start(t)
	c, hc := ctx(t), srv.HTTPClient()
	root := iamClient(srv.URL, hc, rootCreds)
	const list = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
	key := keyFor(t, c, root, &iam.CreateUserInput{UserName: aws.String("old")}, []string{docListBuckets}, list)
	must[*iam.CreateGroupOutput](t)(root.CreateGroup(c, &iam.CreateGroupInput{GroupName: aws.String("devs")}))
	must[*iam.AddUserToGroupOutput](t)(root.AddUserToGroup(c, &iam.AddUserToGroupInput{GroupName: aws.String("devs"), UserName: aws.String("old")}))
	before := must[*iam.GetUserOutput](t)(root.GetUser(c, &iam.GetUserInput{UserName: aws.String("old")})).User

	_, err := root.UpdateUser(c, &iam.UpdateUserInput{UserName: aws.String("nobody"), NewUserName: aws.String("x")})
	wantCode(t, err, "NoSuchEntity", 404)
	must[*iam.CreateUserOutput](t)(root.CreateUser(c, &iam.CreateUserInput{UserName: aws.String("taken")}))
	_, err = root.UpdateUser(c, &iam.UpdateUserInput{UserName: aws.String("old"), NewUserName: aws.String("TAKEN")})
	wantCode(t, err, "EntityAlreadyExists", 409)
	must[*iam.UpdateUserOutput](t)(root.UpdateUser(c, &iam.UpdateUserInput{UserName: aws.String("old"), NewUserName: aws.String("new"), NewPath: aws.String("/moved/")}))

	_, err = root.GetUser(c, &iam.GetUserInput{UserName: aws.String("old")})
	wantCode(t, err, "NoSuchEntity", 404)
	u := must[*iam.GetUserOutput](t)(root.GetUser(c, &iam.GetUserInput{UserName: aws.String("new")})).User
	if aws.ToString(u.UserId) != aws.ToString(before.UserId) || aws.ToString(u.Arn) != userARN+"moved/new" {
		t.Fatalf("renamed user = %+v", u)
	}
	if _, err := s3Client(srv.URL, hc, key).ListBuckets(c, &s3.ListBucketsInput{}); err != nil {
		t.Fatalf("the key follows the rename: %v", err)
	}
	keys := must[*iam.ListAccessKeysOutput](t)(root.ListAccessKeys(c, &iam.ListAccessKeysInput{UserName: aws.String("new")}))
	pols := must[*iam.ListUserPoliciesOutput](t)(root.ListUserPolicies(c, &iam.ListUserPoliciesInput{UserName: aws.String("new")}))
	att := must[*iam.ListAttachedUserPoliciesOutput](t)(root.ListAttachedUserPolicies(c, &iam.ListAttachedUserPoliciesInput{UserName: aws.String("new")}))
	ents := must[*iam.ListEntitiesForPolicyOutput](t)(root.ListEntitiesForPolicy(c, &iam.ListEntitiesForPolicyInput{PolicyArn: aws.String(list)}))
	if len(keys.AccessKeyMetadata) != 1 || aws.ToString(keys.AccessKeyMetadata[0].UserName) != "new" || len(pols.PolicyNames) != 1 ||
		len(att.AttachedPolicies) != 1 || len(ents.PolicyUsers) != 1 || aws.ToString(ents.PolicyUsers[0].UserName) != "new" {
		t.Fatalf("after rename: keys %+v policies %+v attached %+v entities %+v", keys.AccessKeyMetadata, pols.PolicyNames, att.AttachedPolicies, ents.PolicyUsers)
	}

	must[*iam.UpdateGroupOutput](t)(root.UpdateGroup(c, &iam.UpdateGroupInput{GroupName: aws.String("devs"), NewGroupName: aws.String("engineers")}))
	g := must[*iam.GetGroupOutput](t)(root.GetGroup(c, &iam.GetGroupInput{GroupName: aws.String("engineers")}))
	if len(g.Users) != 1 || aws.ToString(g.Users[0].UserName) != "new" {
		t.Fatalf("renamed group members = %+v", g.Users)
	}
	gs := must[*iam.ListGroupsForUserOutput](t)(root.ListGroupsForUser(c, &iam.ListGroupsForUserInput{UserName: aws.String("new")}))
	if len(gs.Groups) != 1 || aws.ToString(gs.Groups[0].GroupName) != "engineers" {
		t.Fatalf("groups for user = %+v", gs.Groups)
	}

	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + acct + `:root"},"Action":"sts:AssumeRole"}]}`
	must[*iam.CreateRoleOutput](t)(root.CreateRole(c, &iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(trust)}))
	must[*iam.UpdateRoleOutput](t)(root.UpdateRole(c, &iam.UpdateRoleInput{RoleName: aws.String("r"), Description: aws.String("d"), MaxSessionDuration: aws.Int32(43200)}))
	r := must[*iam.GetRoleOutput](t)(root.GetRole(c, &iam.GetRoleInput{RoleName: aws.String("r")})).Role
	if aws.ToString(r.Description) != "d" || aws.ToInt32(r.MaxSessionDuration) != 43200 {
		t.Fatalf("UpdateRole = %+v", r)
	}
	_, err = root.UpdateRole(c, &iam.UpdateRoleInput{RoleName: aws.String("r"), MaxSessionDuration: aws.Int32(60)})
	wantCode(t, err, "ValidationError", 400)
}
