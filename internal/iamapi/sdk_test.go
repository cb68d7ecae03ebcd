package iamapi_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/hoard-s3/hoard/internal/testserver"
)

const acct = "000000000000"

func TestUsersKeysAndS3(t *testing.T) {
	srv := testserver.Start(t)
	c, hc := ctx(t), srv.HTTPClient()
	root := iamClient(srv.URL, hc, rootCreds)

	out := must[*iam.CreateUserOutput](t)(root.CreateUser(c, &iam.CreateUserInput{UserName: aws.String("alice"), Path: aws.String("/eng/")}))
	u := out.User
	if aws.ToString(u.Arn) != "arn:aws:iam::"+acct+":user/eng/alice" || !strings.HasPrefix(aws.ToString(u.UserId), "AIDA") || u.CreateDate == nil {
		t.Fatalf("user = %+v", u)
	}
	_, err := root.CreateUser(c, &iam.CreateUserInput{UserName: aws.String("Alice")})
	wantCode(t, err, "EntityAlreadyExists", 409)
	_, err = root.GetUser(c, &iam.GetUserInput{UserName: aws.String("bob")})
	wantCode(t, err, "NoSuchEntity", 404)
	_, err = root.CreateUser(c, &iam.CreateUserInput{UserName: aws.String("bad name")})
	wantCode(t, err, "ValidationError", 400)
	got := must[*iam.GetUserOutput](t)(root.GetUser(c, &iam.GetUserInput{UserName: aws.String("alice")}))
	if aws.ToString(got.User.UserId) != aws.ToString(u.UserId) {
		t.Fatalf("GetUser = %+v", got.User)
	}
	must[*iam.CreateUserOutput](t)(root.CreateUser(c, &iam.CreateUserInput{UserName: aws.String("bob")}))
	lu := must[*iam.ListUsersOutput](t)(root.ListUsers(c, &iam.ListUsersInput{MaxItems: aws.Int32(1)}))
	if len(lu.Users) != 1 || !lu.IsTruncated || lu.Marker == nil {
		t.Fatalf("ListUsers page = %+v", lu)
	}
	lu = must[*iam.ListUsersOutput](t)(root.ListUsers(c, &iam.ListUsersInput{Marker: lu.Marker}))
	if len(lu.Users) != 1 || lu.IsTruncated || aws.ToString(lu.Users[0].UserName) != "bob" {
		t.Fatalf("ListUsers second page = %+v", lu)
	}

	k := must[*iam.CreateAccessKeyOutput](t)(root.CreateAccessKey(c, &iam.CreateAccessKeyInput{UserName: aws.String("alice")})).AccessKey
	if !strings.HasPrefix(aws.ToString(k.AccessKeyId), "AKIA") || len(aws.ToString(k.SecretAccessKey)) != 40 || k.Status != "Active" {
		t.Fatalf("key = %+v", k)
	}
	must[*iam.CreateAccessKeyOutput](t)(root.CreateAccessKey(c, &iam.CreateAccessKeyInput{UserName: aws.String("alice")}))
	_, err = root.CreateAccessKey(c, &iam.CreateAccessKeyInput{UserName: aws.String("alice")})
	wantCode(t, err, "LimitExceeded", 409)
	sum := must[*iam.GetAccountSummaryOutput](t)(root.GetAccountSummary(c, &iam.GetAccountSummaryInput{}))
	if sum.SummaryMap["Users"] != 2 || sum.SummaryMap["UsersQuota"] != 5000 {
		t.Fatalf("GetAccountSummary = %v", sum.SummaryMap)
	}
	lk := must[*iam.ListAccessKeysOutput](t)(root.ListAccessKeys(c, &iam.ListAccessKeysInput{UserName: aws.String("alice")}))
	if len(lk.AccessKeyMetadata) != 2 {
		t.Fatalf("ListAccessKeys = %+v", lk)
	}
	_, err = root.DeleteUser(c, &iam.DeleteUserInput{UserName: aws.String("alice")})
	wantCode(t, err, "DeleteConflict", 409)

	// The new key authenticates S3 requests; its user's policies decide
	// what they may do.
	alice := creds{aws.ToString(k.AccessKeyId), aws.ToString(k.SecretAccessKey), ""}
	_, err = s3Client(srv.URL, hc, alice).ListBuckets(c, &s3.ListBucketsInput{})
	wantCode(t, err, "AccessDenied", 403)
	must[*iam.PutUserPolicyOutput](t)(root.PutUserPolicy(c, &iam.PutUserPolicyInput{UserName: aws.String("alice"), PolicyName: aws.String("list"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}]}`)}))
	if _, err := s3Client(srv.URL, hc, alice).ListBuckets(c, &s3.ListBucketsInput{}); err != nil {
		t.Fatal(err)
	}
	id := must[*sts.GetCallerIdentityOutput](t)(stsClient(srv.URL, hc, alice).GetCallerIdentity(c, &sts.GetCallerIdentityInput{}))
	if aws.ToString(id.Arn) != aws.ToString(u.Arn) || aws.ToString(id.UserId) != aws.ToString(u.UserId) || aws.ToString(id.Account) != acct {
		t.Fatalf("GetCallerIdentity = %+v", id)
	}
	// Only the root manages identities for now.
	_, err = iamClient(srv.URL, hc, alice).CreateUser(c, &iam.CreateUserInput{UserName: aws.String("mallory")})
	wantCode(t, err, "AccessDenied", 403)

	// Inactive and deleted keys stop working.
	must[*iam.UpdateAccessKeyOutput](t)(root.UpdateAccessKey(c, &iam.UpdateAccessKeyInput{UserName: aws.String("alice"), AccessKeyId: k.AccessKeyId, Status: "Inactive"}))
	_, err = s3Client(srv.URL, hc, alice).ListBuckets(c, &s3.ListBucketsInput{})
	wantCode(t, err, "InvalidAccessKeyId", 403)
	_, err = stsClient(srv.URL, hc, alice).GetCallerIdentity(c, &sts.GetCallerIdentityInput{})
	wantCode(t, err, "InvalidClientTokenId", 403)
	must[*iam.DeleteAccessKeyOutput](t)(root.DeleteAccessKey(c, &iam.DeleteAccessKeyInput{UserName: aws.String("alice"), AccessKeyId: k.AccessKeyId}))
	_, err = root.DeleteAccessKey(c, &iam.DeleteAccessKeyInput{UserName: aws.String("alice"), AccessKeyId: k.AccessKeyId})
	wantCode(t, err, "NoSuchEntity", 404)
}

func TestPoliciesGroupsRoles(t *testing.T) {
	srv := testserver.Start(t)
	c, hc := ctx(t), srv.HTTPClient()
	root := iamClient(srv.URL, hc, rootCreds)
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}`

	must[*iam.CreateUserOutput](t)(root.CreateUser(c, &iam.CreateUserInput{UserName: aws.String("carol")}))
	must[*iam.PutUserPolicyOutput](t)(root.PutUserPolicy(c, &iam.PutUserPolicyInput{UserName: aws.String("carol"), PolicyName: aws.String("read"), PolicyDocument: aws.String(doc)}))
	gp := must[*iam.GetUserPolicyOutput](t)(root.GetUserPolicy(c, &iam.GetUserPolicyInput{UserName: aws.String("carol"), PolicyName: aws.String("read")}))
	if d, _ := url.QueryUnescape(aws.ToString(gp.PolicyDocument)); d != doc {
		t.Fatalf("policy document = %q", aws.ToString(gp.PolicyDocument))
	}
	_, err := root.PutUserPolicy(c, &iam.PutUserPolicyInput{UserName: aws.String("carol"), PolicyName: aws.String("bad"), PolicyDocument: aws.String(`{"Statement":[{"Effect":"Allow"}]}`)})
	wantCode(t, err, "MalformedPolicyDocument", 400)
	lp := must[*iam.ListUserPoliciesOutput](t)(root.ListUserPolicies(c, &iam.ListUserPoliciesInput{UserName: aws.String("carol")}))
	if len(lp.PolicyNames) != 1 || lp.PolicyNames[0] != "read" {
		t.Fatalf("ListUserPolicies = %+v", lp)
	}
	must[*iam.DeleteUserPolicyOutput](t)(root.DeleteUserPolicy(c, &iam.DeleteUserPolicyInput{UserName: aws.String("carol"), PolicyName: aws.String("read")}))

	must[*iam.CreateGroupOutput](t)(root.CreateGroup(c, &iam.CreateGroupInput{GroupName: aws.String("readers")}))
	must[*iam.AddUserToGroupOutput](t)(root.AddUserToGroup(c, &iam.AddUserToGroupInput{GroupName: aws.String("readers"), UserName: aws.String("carol")}))
	must[*iam.PutGroupPolicyOutput](t)(root.PutGroupPolicy(c, &iam.PutGroupPolicyInput{GroupName: aws.String("readers"), PolicyName: aws.String("read"), PolicyDocument: aws.String(doc)}))
	gg := must[*iam.GetGroupOutput](t)(root.GetGroup(c, &iam.GetGroupInput{GroupName: aws.String("readers")}))
	if len(gg.Users) != 1 || aws.ToString(gg.Users[0].UserName) != "carol" || aws.ToString(gg.Group.Arn) != "arn:aws:iam::"+acct+":group/readers" {
		t.Fatalf("GetGroup = %+v", gg)
	}
	lg := must[*iam.ListGroupsForUserOutput](t)(root.ListGroupsForUser(c, &iam.ListGroupsForUserInput{UserName: aws.String("carol")}))
	if len(lg.Groups) != 1 {
		t.Fatalf("ListGroupsForUser = %+v", lg)
	}
	if l := must[*iam.ListGroupsOutput](t)(root.ListGroups(c, &iam.ListGroupsInput{})); len(l.Groups) != 1 {
		t.Fatalf("ListGroups = %+v", l)
	}
	if l := must[*iam.ListGroupPoliciesOutput](t)(root.ListGroupPolicies(c, &iam.ListGroupPoliciesInput{GroupName: aws.String("readers")})); len(l.PolicyNames) != 1 {
		t.Fatalf("ListGroupPolicies = %+v", l)
	}
	must[*iam.GetGroupPolicyOutput](t)(root.GetGroupPolicy(c, &iam.GetGroupPolicyInput{GroupName: aws.String("readers"), PolicyName: aws.String("read")}))
	_, err = root.DeleteGroup(c, &iam.DeleteGroupInput{GroupName: aws.String("readers")})
	wantCode(t, err, "DeleteConflict", 409)
	must[*iam.RemoveUserFromGroupOutput](t)(root.RemoveUserFromGroup(c, &iam.RemoveUserFromGroupInput{GroupName: aws.String("readers"), UserName: aws.String("carol")}))
	must[*iam.DeleteGroupPolicyOutput](t)(root.DeleteGroupPolicy(c, &iam.DeleteGroupPolicyInput{GroupName: aws.String("readers"), PolicyName: aws.String("read")}))
	must[*iam.DeleteGroupOutput](t)(root.DeleteGroup(c, &iam.DeleteGroupInput{GroupName: aws.String("readers")}))

	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + acct + `:root"},"Action":"sts:AssumeRole"}]}`
	cr := must[*iam.CreateRoleOutput](t)(root.CreateRole(c, &iam.CreateRoleInput{RoleName: aws.String("app"), AssumeRolePolicyDocument: aws.String(trust), MaxSessionDuration: aws.Int32(7200), Description: aws.String("the app")}))
	if aws.ToString(cr.Role.Arn) != "arn:aws:iam::"+acct+":role/app" || aws.ToInt32(cr.Role.MaxSessionDuration) != 7200 || !strings.HasPrefix(aws.ToString(cr.Role.RoleId), "AROA") {
		t.Fatalf("role = %+v", cr.Role)
	}
	gr := must[*iam.GetRoleOutput](t)(root.GetRole(c, &iam.GetRoleInput{RoleName: aws.String("app")}))
	if d, _ := url.QueryUnescape(aws.ToString(gr.Role.AssumeRolePolicyDocument)); d != trust {
		t.Fatalf("trust = %q", aws.ToString(gr.Role.AssumeRolePolicyDocument))
	}
	must[*iam.UpdateAssumeRolePolicyOutput](t)(root.UpdateAssumeRolePolicy(c, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String("app"), PolicyDocument: aws.String(trust)}))
	if l := must[*iam.ListRolesOutput](t)(root.ListRoles(c, &iam.ListRolesInput{})); len(l.Roles) != 1 {
		t.Fatalf("ListRoles = %+v", l)
	}
	_, err = root.CreateRole(c, &iam.CreateRoleInput{RoleName: aws.String("bad"), AssumeRolePolicyDocument: aws.String(doc)})
	wantCode(t, err, "MalformedPolicyDocument", 400)
	must[*iam.PutRolePolicyOutput](t)(root.PutRolePolicy(c, &iam.PutRolePolicyInput{RoleName: aws.String("app"), PolicyName: aws.String("read"), PolicyDocument: aws.String(doc)}))
	must[*iam.GetRolePolicyOutput](t)(root.GetRolePolicy(c, &iam.GetRolePolicyInput{RoleName: aws.String("app"), PolicyName: aws.String("read")}))
	if l := must[*iam.ListRolePoliciesOutput](t)(root.ListRolePolicies(c, &iam.ListRolePoliciesInput{RoleName: aws.String("app")})); len(l.PolicyNames) != 1 {
		t.Fatalf("ListRolePolicies = %+v", l)
	}
	_, err = root.DeleteRole(c, &iam.DeleteRoleInput{RoleName: aws.String("app")})
	wantCode(t, err, "DeleteConflict", 409)
	must[*iam.DeleteRolePolicyOutput](t)(root.DeleteRolePolicy(c, &iam.DeleteRolePolicyInput{RoleName: aws.String("app"), PolicyName: aws.String("read")}))
	must[*iam.DeleteRoleOutput](t)(root.DeleteRole(c, &iam.DeleteRoleInput{RoleName: aws.String("app")}))
	_, err = root.GetRole(c, &iam.GetRoleInput{RoleName: aws.String("app")})
	wantCode(t, err, "NoSuchEntity", 404)
}

func TestListOpenIDConnectProvidersEmpty(t *testing.T) {
	srv := testserver.Start(t)
	c := ctx(t)
	root := iamClient(srv.URL, srv.HTTPClient(), rootCreds)
	out, err := root.ListOpenIDConnectProviders(c, &iam.ListOpenIDConnectProvidersInput{})
	if err != nil || out.OpenIDConnectProviderList == nil || len(out.OpenIDConnectProviderList) != 0 {
		t.Fatalf("providers = %+v, %v", out, err)
	}
	// No network is touched: the issuer's keys are fetched only when a
	// token arrives.
	p := must[*iam.CreateOpenIDConnectProviderOutput](t)(root.CreateOpenIDConnectProvider(c, &iam.CreateOpenIDConnectProviderInput{Url: aws.String("https://idp.example.com/")}))
	if aws.ToString(p.OpenIDConnectProviderArn) != "arn:aws:iam::"+acct+":oidc-provider/idp.example.com" {
		t.Fatalf("provider ARN = %s", aws.ToString(p.OpenIDConnectProviderArn))
	}
}
