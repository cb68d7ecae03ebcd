package iamapi_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/hoard-s3/hoard/internal/testserver"
)

const userARN = "arn:aws:iam::" + acct + ":user/"

// keyFor makes a user with the given inline policies and managed policy
// ARNs and returns its key.
func keyFor(t *testing.T, c context.Context, root *iam.Client, in *iam.CreateUserInput, inline []string, managed ...string) creds {
	t.Helper()
	must[*iam.CreateUserOutput](t)(root.CreateUser(c, in))
	for i, d := range inline {
		must[*iam.PutUserPolicyOutput](t)(root.PutUserPolicy(c, &iam.PutUserPolicyInput{UserName: in.UserName,
			PolicyName: aws.String(string(rune('a' + i))), PolicyDocument: aws.String(d)}))
	}
	for _, arn := range managed {
		must[*iam.AttachUserPolicyOutput](t)(root.AttachUserPolicy(c, &iam.AttachUserPolicyInput{UserName: in.UserName, PolicyArn: aws.String(arn)}))
	}
	k := must[*iam.CreateAccessKeyOutput](t)(root.CreateAccessKey(c, &iam.CreateAccessKeyInput{UserName: in.UserName})).AccessKey
	return creds{aws.ToString(k.AccessKeyId), aws.ToString(k.SecretAccessKey), ""}
}

func wantDenied(t *testing.T, err error, action, resource string) {
	t.Helper()
	wantCode(t, err, "AccessDenied", 403)
	var api smithy.APIError
	errors.As(err, &api)
	if !strings.Contains(api.ErrorMessage(), "is not authorized to perform: "+action+" on resource: "+resource) {
		t.Fatalf("message %q does not name %s on %s", api.ErrorMessage(), action, resource)
	}
}

func TestNonRootAdministrator(t *testing.T) {
	srv := testserver.Start(t)
	c, hc := ctx(t), srv.HTTPClient()
	root := iamClient(srv.URL, hc, rootCreds)
	admin := iamClient(srv.URL, hc, keyFor(t, c, root, &iam.CreateUserInput{UserName: aws.String("admin")}, nil,
		"arn:aws:iam::aws:policy/IAMFullAccess"))

	// The administrator runs the account's IAM without the root.
	must[*iam.CreateUserOutput](t)(admin.CreateUser(c, &iam.CreateUserInput{UserName: aws.String("bob")}))
	p := must[*iam.CreatePolicyOutput](t)(admin.CreatePolicy(c, &iam.CreatePolicyInput{PolicyName: aws.String("list"), PolicyDocument: aws.String(docListBuckets)})).Policy
	must[*iam.AttachUserPolicyOutput](t)(admin.AttachUserPolicy(c, &iam.AttachUserPolicyInput{UserName: aws.String("bob"), PolicyArn: p.Arn}))
	bk := must[*iam.CreateAccessKeyOutput](t)(admin.CreateAccessKey(c, &iam.CreateAccessKeyInput{UserName: aws.String("bob")})).AccessKey
	bob := creds{aws.ToString(bk.AccessKeyId), aws.ToString(bk.SecretAccessKey), ""}
	if _, err := s3Client(srv.URL, hc, bob).ListBuckets(c, &s3.ListBucketsInput{}); err != nil {
		t.Fatal(err)
	}
	// IAMFullAccess grants no S3.
	_, err := s3Client(srv.URL, hc, keyOf(t, c, admin, "admin")).ListBuckets(c, &s3.ListBucketsInput{})
	wantCode(t, err, "AccessDenied", 403)

	// Bob may not manage IAM, not even for himself.
	bobIAM := iamClient(srv.URL, hc, bob)
	_, err = bobIAM.CreateUser(c, &iam.CreateUserInput{UserName: aws.String("eve")})
	wantDenied(t, err, "iam:CreateUser", userARN+"eve")
	_, err = bobIAM.AttachUserPolicy(c, &iam.AttachUserPolicyInput{UserName: aws.String("bob"), PolicyArn: aws.String("arn:aws:iam::aws:policy/AdministratorAccess")})
	wantDenied(t, err, "iam:AttachUserPolicy", userARN+"bob")
	_, err = bobIAM.PutUserPolicy(c, &iam.PutUserPolicyInput{UserName: aws.String("bob"), PolicyName: aws.String("x"), PolicyDocument: aws.String(docCreateBkt)})
	wantDenied(t, err, "iam:PutUserPolicy", userARN+"bob")
	la := must[*iam.ListAttachedUserPoliciesOutput](t)(root.ListAttachedUserPolicies(c, &iam.ListAttachedUserPoliciesInput{UserName: aws.String("bob")}))
	if len(la.AttachedPolicies) != 1 {
		t.Fatalf("a refused attach changed bob: %+v", la.AttachedPolicies)
	}

	// A role with IAMReadOnlyAccess reads IAM through its sessions.
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + userARN + `bob"},"Action":"sts:AssumeRole"}]}`
	role := must[*iam.CreateRoleOutput](t)(admin.CreateRole(c, &iam.CreateRoleInput{RoleName: aws.String("auditor"), AssumeRolePolicyDocument: aws.String(trust)})).Role
	must[*iam.AttachRolePolicyOutput](t)(admin.AttachRolePolicy(c, &iam.AttachRolePolicyInput{RoleName: aws.String("auditor"), PolicyArn: aws.String("arn:aws:iam::aws:policy/IAMReadOnlyAccess")}))
	ar := must[*sts.AssumeRoleOutput](t)(stsClient(srv.URL, hc, bob).AssumeRole(c, &sts.AssumeRoleInput{RoleArn: role.Arn, RoleSessionName: aws.String("audit")})).Credentials
	auditor := iamClient(srv.URL, hc, creds{aws.ToString(ar.AccessKeyId), aws.ToString(ar.SecretAccessKey), aws.ToString(ar.SessionToken)})
	if lu, err := auditor.ListUsers(c, &iam.ListUsersInput{}); err != nil || len(lu.Users) != 2 {
		t.Fatalf("ListUsers as auditor: %v", err)
	}
	_, err = auditor.DeleteUser(c, &iam.DeleteUserInput{UserName: aws.String("bob")})
	wantDenied(t, err, "iam:DeleteUser", userARN+"bob")
	_, err = root.DeleteRole(c, &iam.DeleteRoleInput{RoleName: aws.String("auditor")})
	wantCode(t, err, "DeleteConflict", 409)
}

// keyOf creates another key of a user through client.
func keyOf(t *testing.T, c context.Context, client *iam.Client, user string) creds {
	t.Helper()
	k := must[*iam.CreateAccessKeyOutput](t)(client.CreateAccessKey(c, &iam.CreateAccessKeyInput{UserName: aws.String(user)})).AccessKey
	return creds{aws.ToString(k.AccessKeyId), aws.ToString(k.SecretAccessKey), ""}
}

// TestDelegatedAdminAndBoundaries: a user may create users only with a
// given permissions boundary, so what he hands out never exceeds it; a
// boundary caps even AdministratorAccess, and its owner cannot lift it.
func TestDelegatedAdminAndBoundaries(t *testing.T) {
	srv := testserver.Start(t)
	c, hc := ctx(t), srv.HTTPClient()
	root := iamClient(srv.URL, hc, rootCreds)
	s3root := s3Client(srv.URL, hc, rootCreds)
	must[*s3.CreateBucketOutput](t)(s3root.CreateBucket(c, &s3.CreateBucketInput{Bucket: aws.String("data")}))
	const ro = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
	const adminPol = "arn:aws:iam::aws:policy/AdministratorAccess"
	delegate := `{"Version":"2012-10-17","Statement":[
	 {"Effect":"Allow","Action":["iam:CreateUser","iam:PutUserPermissionsBoundary"],"Resource":"` + userARN + `app-*",
	  "Condition":{"StringEquals":{"iam:PermissionsBoundary":"` + ro + `"}}},
	 {"Effect":"Allow","Action":["iam:AttachUserPolicy","iam:CreateAccessKey"],"Resource":"` + userARN + `app-*"}]}`
	lead := iamClient(srv.URL, hc, keyFor(t, c, root, &iam.CreateUserInput{UserName: aws.String("lead")}, []string{delegate}))

	_, err := lead.CreateUser(c, &iam.CreateUserInput{UserName: aws.String("app-1")})
	wantDenied(t, err, "iam:CreateUser", userARN+"app-1")
	_, err = lead.CreateUser(c, &iam.CreateUserInput{UserName: aws.String("app-1"), PermissionsBoundary: aws.String(adminPol)})
	wantDenied(t, err, "iam:CreateUser", userARN+"app-1")
	_, err = lead.CreateUser(c, &iam.CreateUserInput{UserName: aws.String("other"), PermissionsBoundary: aws.String(ro)})
	wantDenied(t, err, "iam:CreateUser", userARN+"other")
	u := must[*iam.CreateUserOutput](t)(lead.CreateUser(c, &iam.CreateUserInput{UserName: aws.String("app-1"), PermissionsBoundary: aws.String(ro)})).User
	if u.PermissionsBoundary == nil || aws.ToString(u.PermissionsBoundary.PermissionsBoundaryArn) != ro {
		t.Fatalf("CreateUser boundary = %+v", u.PermissionsBoundary)
	}
	// The lead may attach AdministratorAccess, but the boundary caps it.
	must[*iam.AttachUserPolicyOutput](t)(lead.AttachUserPolicy(c, &iam.AttachUserPolicyInput{UserName: aws.String("app-1"), PolicyArn: aws.String(adminPol)}))
	app := keyOf(t, c, lead, "app-1")
	appS3 := s3Client(srv.URL, hc, app)
	if _, err := appS3.ListObjectsV2(c, &s3.ListObjectsV2Input{Bucket: aws.String("data")}); err != nil {
		t.Fatalf("read inside the boundary: %v", err)
	}
	_, err = appS3.PutObject(c, &s3.PutObjectInput{Bucket: aws.String("data"), Key: aws.String("k"), Body: strings.NewReader("x")})
	wantCode(t, err, "AccessDenied", 403)
	appIAM := iamClient(srv.URL, hc, app)
	_, err = appIAM.DeleteUserPermissionsBoundary(c, &iam.DeleteUserPermissionsBoundaryInput{UserName: aws.String("app-1")})
	wantDenied(t, err, "iam:DeleteUserPermissionsBoundary", userARN+"app-1")
	_, err = appIAM.CreateUser(c, &iam.CreateUserInput{UserName: aws.String("app-2")})
	wantDenied(t, err, "iam:CreateUser", userARN+"app-2")
	_, err = lead.AttachUserPolicy(c, &iam.AttachUserPolicyInput{UserName: aws.String("lead"), PolicyArn: aws.String(adminPol)})
	wantDenied(t, err, "iam:AttachUserPolicy", userARN+"lead")

	// The root lifts the boundary: AdministratorAccess applies in full.
	must[*iam.DeleteUserPermissionsBoundaryOutput](t)(root.DeleteUserPermissionsBoundary(c, &iam.DeleteUserPermissionsBoundaryInput{UserName: aws.String("app-1")}))
	if _, err := appS3.PutObject(c, &s3.PutObjectInput{Bucket: aws.String("data"), Key: aws.String("k"), Body: strings.NewReader("x")}); err != nil {
		t.Fatalf("PutObject without the boundary: %v", err)
	}
	_, err = root.PutUserPermissionsBoundary(c, &iam.PutUserPermissionsBoundaryInput{UserName: aws.String("app-1"), PermissionsBoundary: aws.String("arn:aws:iam::" + acct + ":policy/none")})
	wantCode(t, err, "InvalidInput", 400)
}

func TestTagsAndTagConditions(t *testing.T) {
	srv := testserver.Start(t)
	c, hc := ctx(t), srv.HTTPClient()
	root := iamClient(srv.URL, hc, rootCreds)
	byTeam := `{"Version":"2012-10-17","Statement":[
	 {"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"blue"}}},
	 {"Effect":"Allow","Action":["iam:GetUser","iam:ListUserTags"],"Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/team":"${aws:PrincipalTag/team}"}}},
	 {"Effect":"Allow","Action":"iam:TagUser","Resource":"*","Condition":{"StringEquals":{"aws:RequestTag/team":"blue"},"ForAllValues:StringEquals":{"aws:TagKeys":["team"]}}}]}`
	team := []types.Tag{{Key: aws.String("team"), Value: aws.String("blue")}}
	me := keyFor(t, c, root, &iam.CreateUserInput{UserName: aws.String("me"), Tags: team}, []string{byTeam})
	must[*iam.CreateUserOutput](t)(root.CreateUser(c, &iam.CreateUserInput{UserName: aws.String("mate"), Tags: []types.Tag{{Key: aws.String("Team"), Value: aws.String("blue")}}}))
	must[*iam.CreateUserOutput](t)(root.CreateUser(c, &iam.CreateUserInput{UserName: aws.String("stranger")}))
	meS3, meIAM := s3Client(srv.URL, hc, me), iamClient(srv.URL, hc, me)

	if _, err := meS3.ListBuckets(c, &s3.ListBucketsInput{}); err != nil {
		t.Fatalf("aws:PrincipalTag allows: %v", err)
	}
	if _, err := meIAM.GetUser(c, &iam.GetUserInput{UserName: aws.String("mate")}); err != nil {
		t.Fatalf("aws:ResourceTag matches (tag keys ignore case): %v", err)
	}
	_, err := meIAM.GetUser(c, &iam.GetUserInput{UserName: aws.String("stranger")})
	wantDenied(t, err, "iam:GetUser", userARN+"stranger")
	_, err = meIAM.TagUser(c, &iam.TagUserInput{UserName: aws.String("stranger"), Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("red")}}})
	wantCode(t, err, "AccessDenied", 403)
	_, err = meIAM.TagUser(c, &iam.TagUserInput{UserName: aws.String("stranger"), Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("blue")}, {Key: aws.String("cost"), Value: aws.String("1")}}})
	wantCode(t, err, "AccessDenied", 403) // aws:TagKeys has a key outside the set
	must[*iam.TagUserOutput](t)(meIAM.TagUser(c, &iam.TagUserInput{UserName: aws.String("stranger"), Tags: team}))
	if _, err := meIAM.GetUser(c, &iam.GetUserInput{UserName: aws.String("stranger")}); err != nil {
		t.Fatalf("tagged into the team: %v", err)
	}

	// Tags are listed in pages and replaced by key regardless of case.
	for _, k := range []string{"a", "b", "c"} {
		must[*iam.TagUserOutput](t)(root.TagUser(c, &iam.TagUserInput{UserName: aws.String("me"), Tags: []types.Tag{{Key: aws.String(k), Value: aws.String(k)}}}))
	}
	must[*iam.TagUserOutput](t)(root.TagUser(c, &iam.TagUserInput{UserName: aws.String("me"), Tags: []types.Tag{{Key: aws.String("TEAM"), Value: aws.String("red")}}}))
	lt := must[*iam.ListUserTagsOutput](t)(root.ListUserTags(c, &iam.ListUserTagsInput{UserName: aws.String("me"), MaxItems: aws.Int32(3)}))
	if len(lt.Tags) != 3 || !lt.IsTruncated {
		t.Fatalf("ListUserTags page = %+v", lt)
	}
	lt2 := must[*iam.ListUserTagsOutput](t)(root.ListUserTags(c, &iam.ListUserTagsInput{UserName: aws.String("me"), Marker: lt.Marker}))
	if len(lt2.Tags) != 1 || lt2.IsTruncated || aws.ToString(lt2.Tags[0].Key) != "c" {
		t.Fatalf("ListUserTags rest = %+v", lt2)
	}
	_, err = meS3.ListBuckets(c, &s3.ListBucketsInput{})
	wantCode(t, err, "AccessDenied", 403) // team is red now
	must[*iam.UntagUserOutput](t)(root.UntagUser(c, &iam.UntagUserInput{UserName: aws.String("me"), TagKeys: []string{"team", "a"}}))
	got := must[*iam.GetUserOutput](t)(root.GetUser(c, &iam.GetUserInput{UserName: aws.String("me")})).User
	if len(got.Tags) != 2 {
		t.Fatalf("tags after untag = %+v", got.Tags)
	}
	_, err = root.TagUser(c, &iam.TagUserInput{UserName: aws.String("me"), Tags: []types.Tag{{Key: aws.String("aws:x"), Value: aws.String("1")}}})
	wantCode(t, err, "ValidationError", 400)

	// Roles carry tags too; a role session sees them as aws:PrincipalTag.
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + acct + `:root"},"Action":"sts:AssumeRole"}]}`
	role := must[*iam.CreateRoleOutput](t)(root.CreateRole(c, &iam.CreateRoleInput{RoleName: aws.String("blue"), AssumeRolePolicyDocument: aws.String(trust), Tags: team})).Role
	must[*iam.PutRolePolicyOutput](t)(root.PutRolePolicy(c, &iam.PutRolePolicyInput{RoleName: aws.String("blue"), PolicyName: aws.String("p"), PolicyDocument: aws.String(byTeam)}))
	ar := must[*sts.AssumeRoleOutput](t)(stsClient(srv.URL, hc, rootCreds).AssumeRole(c, &sts.AssumeRoleInput{RoleArn: role.Arn, RoleSessionName: aws.String("sess")})).Credentials
	sess := s3Client(srv.URL, hc, creds{aws.ToString(ar.AccessKeyId), aws.ToString(ar.SecretAccessKey), aws.ToString(ar.SessionToken)})
	if _, err := sess.ListBuckets(c, &s3.ListBucketsInput{}); err != nil {
		t.Fatalf("role session with the team tag: %v", err)
	}
	must[*iam.UntagRoleOutput](t)(root.UntagRole(c, &iam.UntagRoleInput{RoleName: aws.String("blue"), TagKeys: []string{"team"}}))
	_, err = sess.ListBuckets(c, &s3.ListBucketsInput{})
	wantCode(t, err, "AccessDenied", 403)
	rt := must[*iam.ListRoleTagsOutput](t)(root.ListRoleTags(c, &iam.ListRoleTagsInput{RoleName: aws.String("blue")}))
	if len(rt.Tags) != 0 {
		t.Fatalf("ListRoleTags = %+v", rt.Tags)
	}
}

// TestAssumeRoleByResourceTag: an identity policy may allow sts:AssumeRole
// only on roles carrying a tag.
func TestAssumeRoleByResourceTag(t *testing.T) {
	srv := testserver.Start(t)
	c, hc := ctx(t), srv.HTTPClient()
	root := iamClient(srv.URL, hc, rootCreds)
	pol := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/team":"blue"}}}]}`
	dev := stsClient(srv.URL, hc, keyFor(t, c, root, &iam.CreateUserInput{UserName: aws.String("dev")}, []string{pol}))
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + acct + `:root"},"Action":"sts:AssumeRole"}]}`
	blue := must[*iam.CreateRoleOutput](t)(root.CreateRole(c, &iam.CreateRoleInput{RoleName: aws.String("blue"), AssumeRolePolicyDocument: aws.String(trust),
		Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("blue")}}})).Role
	red := must[*iam.CreateRoleOutput](t)(root.CreateRole(c, &iam.CreateRoleInput{RoleName: aws.String("red"), AssumeRolePolicyDocument: aws.String(trust),
		Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("red")}}})).Role
	if _, err := dev.AssumeRole(c, &sts.AssumeRoleInput{RoleArn: blue.Arn, RoleSessionName: aws.String("dev")}); err != nil {
		t.Fatalf("AssumeRole of the tagged role: %v", err)
	}
	_, err := dev.AssumeRole(c, &sts.AssumeRoleInput{RoleArn: red.Arn, RoleSessionName: aws.String("dev")})
	wantCode(t, err, "AccessDenied", 403)
}
