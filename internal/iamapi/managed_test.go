package iamapi_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/hoard-s3/hoard/internal/testserver"
)

const (
	docListBuckets = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}]}`
	docCreateBkt   = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:CreateBucket","s3:ListAllMyBuckets"],"Resource":"*"}]}`
)

func TestManagedPoliciesAndVersions(t *testing.T) {
	srv := testserver.Start(t)
	c, hc := ctx(t), srv.HTTPClient()
	root := iamClient(srv.URL, hc, rootCreds)

	p := must[*iam.CreatePolicyOutput](t)(root.CreatePolicy(c, &iam.CreatePolicyInput{PolicyName: aws.String("list"), Path: aws.String("/team/"),
		PolicyDocument: aws.String(docListBuckets), Description: aws.String("lists buckets")})).Policy
	arn := aws.ToString(p.Arn)
	if arn != "arn:aws:iam::"+acct+":policy/team/list" || aws.ToString(p.DefaultVersionId) != "v1" || !strings.HasPrefix(aws.ToString(p.PolicyId), "ANPA") {
		t.Fatalf("CreatePolicy = %+v", p)
	}
	_, err := root.CreatePolicy(c, &iam.CreatePolicyInput{PolicyName: aws.String("LIST"), PolicyDocument: aws.String(docListBuckets)})
	wantCode(t, err, "EntityAlreadyExists", 409)
	_, err = root.CreatePolicy(c, &iam.CreatePolicyInput{PolicyName: aws.String("bad"), PolicyDocument: aws.String(`{"Statement":[]}`)})
	wantCode(t, err, "MalformedPolicyDocument", 400)
	_, err = root.GetPolicy(c, &iam.GetPolicyInput{PolicyArn: aws.String("arn:aws:iam::" + acct + ":policy/list")})
	wantCode(t, err, "NoSuchEntity", 404) // the path is part of the ARN

	// The user's permissions follow the policy's default version.
	must[*iam.CreateUserOutput](t)(root.CreateUser(c, &iam.CreateUserInput{UserName: aws.String("alice")}))
	k := must[*iam.CreateAccessKeyOutput](t)(root.CreateAccessKey(c, &iam.CreateAccessKeyInput{UserName: aws.String("alice")})).AccessKey
	alice := s3Client(srv.URL, hc, creds{aws.ToString(k.AccessKeyId), aws.ToString(k.SecretAccessKey), ""})
	_, err = alice.ListBuckets(c, &s3.ListBucketsInput{})
	wantCode(t, err, "AccessDenied", 403)
	must[*iam.AttachUserPolicyOutput](t)(root.AttachUserPolicy(c, &iam.AttachUserPolicyInput{UserName: aws.String("alice"), PolicyArn: aws.String(arn)}))
	if _, err := alice.ListBuckets(c, &s3.ListBucketsInput{}); err != nil {
		t.Fatalf("ListBuckets with the attached policy: %v", err)
	}
	_, err = alice.CreateBucket(c, &s3.CreateBucketInput{Bucket: aws.String("alice-bucket")})
	wantCode(t, err, "AccessDenied", 403)
	v2 := must[*iam.CreatePolicyVersionOutput](t)(root.CreatePolicyVersion(c, &iam.CreatePolicyVersionInput{PolicyArn: aws.String(arn), PolicyDocument: aws.String(docCreateBkt)})).PolicyVersion
	if aws.ToString(v2.VersionId) != "v2" || v2.IsDefaultVersion {
		t.Fatalf("CreatePolicyVersion = %+v", v2)
	}
	_, err = alice.CreateBucket(c, &s3.CreateBucketInput{Bucket: aws.String("alice-bucket")})
	wantCode(t, err, "AccessDenied", 403) // v2 is not the default yet
	must[*iam.SetDefaultPolicyVersionOutput](t)(root.SetDefaultPolicyVersion(c, &iam.SetDefaultPolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String("v2")}))
	if _, err := alice.CreateBucket(c, &s3.CreateBucketInput{Bucket: aws.String("alice-bucket")}); err != nil {
		t.Fatalf("CreateBucket under v2: %v", err)
	}
	got := must[*iam.GetPolicyVersionOutput](t)(root.GetPolicyVersion(c, &iam.GetPolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String("v2")})).PolicyVersion
	if doc, _ := url.QueryUnescape(aws.ToString(got.Document)); doc != docCreateBkt || !got.IsDefaultVersion {
		t.Fatalf("GetPolicyVersion = %+v", got)
	}

	// At most five versions; the default cannot be deleted.
	for i := 3; i <= 5; i++ {
		must[*iam.CreatePolicyVersionOutput](t)(root.CreatePolicyVersion(c, &iam.CreatePolicyVersionInput{PolicyArn: aws.String(arn), PolicyDocument: aws.String(docListBuckets)}))
	}
	_, err = root.CreatePolicyVersion(c, &iam.CreatePolicyVersionInput{PolicyArn: aws.String(arn), PolicyDocument: aws.String(docListBuckets)})
	wantCode(t, err, "LimitExceeded", 409)
	vs := must[*iam.ListPolicyVersionsOutput](t)(root.ListPolicyVersions(c, &iam.ListPolicyVersionsInput{PolicyArn: aws.String(arn)})).Versions
	if len(vs) != 5 || aws.ToString(vs[0].VersionId) != "v5" || aws.ToString(vs[4].VersionId) != "v1" || !vs[3].IsDefaultVersion {
		t.Fatalf("ListPolicyVersions = %+v", vs)
	}
	_, err = root.DeletePolicyVersion(c, &iam.DeletePolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String("v2")})
	wantCode(t, err, "DeleteConflict", 409)
	must[*iam.DeletePolicyVersionOutput](t)(root.DeletePolicyVersion(c, &iam.DeletePolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String("v5")}))
	v6 := must[*iam.CreatePolicyVersionOutput](t)(root.CreatePolicyVersion(c, &iam.CreatePolicyVersionInput{PolicyArn: aws.String(arn), PolicyDocument: aws.String(docListBuckets), SetAsDefault: true})).PolicyVersion
	if aws.ToString(v6.VersionId) != "v6" || !v6.IsDefaultVersion {
		t.Fatalf("version ids are never reused: %+v", v6)
	}
	_, err = alice.CreateBucket(c, &s3.CreateBucketInput{Bucket: aws.String("alice-bucket-2")})
	wantCode(t, err, "AccessDenied", 403)

	// Listings and the entities of a policy.
	gp := must[*iam.GetPolicyOutput](t)(root.GetPolicy(c, &iam.GetPolicyInput{PolicyArn: aws.String(arn)})).Policy
	if aws.ToInt32(gp.AttachmentCount) != 1 || aws.ToString(gp.DefaultVersionId) != "v6" {
		t.Fatalf("GetPolicy = %+v", gp)
	}
	local := must[*iam.ListPoliciesOutput](t)(root.ListPolicies(c, &iam.ListPoliciesInput{Scope: types.PolicyScopeTypeLocal})).Policies
	if len(local) != 1 || aws.ToString(local[0].Arn) != arn {
		t.Fatalf("ListPolicies Local = %+v", local)
	}
	attached := must[*iam.ListPoliciesOutput](t)(root.ListPolicies(c, &iam.ListPoliciesInput{OnlyAttached: true})).Policies
	if len(attached) != 1 {
		t.Fatalf("ListPolicies OnlyAttached = %+v", attached)
	}
	ents := must[*iam.ListEntitiesForPolicyOutput](t)(root.ListEntitiesForPolicy(c, &iam.ListEntitiesForPolicyInput{PolicyArn: aws.String(arn)}))
	if len(ents.PolicyUsers) != 1 || aws.ToString(ents.PolicyUsers[0].UserName) != "alice" || len(ents.PolicyRoles) != 0 {
		t.Fatalf("ListEntitiesForPolicy = %+v", ents)
	}
	la := must[*iam.ListAttachedUserPoliciesOutput](t)(root.ListAttachedUserPolicies(c, &iam.ListAttachedUserPoliciesInput{UserName: aws.String("alice")})).AttachedPolicies
	if len(la) != 1 || aws.ToString(la[0].PolicyName) != "list" || aws.ToString(la[0].PolicyArn) != arn {
		t.Fatalf("ListAttachedUserPolicies = %+v", la)
	}

	// Deleting needs the policy detached and its other versions gone; a
	// user with attached policies cannot be deleted.
	_, err = root.DeletePolicy(c, &iam.DeletePolicyInput{PolicyArn: aws.String(arn)})
	wantCode(t, err, "DeleteConflict", 409)
	must[*iam.DeleteAccessKeyOutput](t)(root.DeleteAccessKey(c, &iam.DeleteAccessKeyInput{UserName: aws.String("alice"), AccessKeyId: k.AccessKeyId}))
	_, err = root.DeleteUser(c, &iam.DeleteUserInput{UserName: aws.String("alice")})
	wantCode(t, err, "DeleteConflict", 409)
	must[*iam.DetachUserPolicyOutput](t)(root.DetachUserPolicy(c, &iam.DetachUserPolicyInput{UserName: aws.String("alice"), PolicyArn: aws.String(arn)}))
	_, err = root.DetachUserPolicy(c, &iam.DetachUserPolicyInput{UserName: aws.String("alice"), PolicyArn: aws.String(arn)})
	wantCode(t, err, "NoSuchEntity", 404)
	_, err = root.DeletePolicy(c, &iam.DeletePolicyInput{PolicyArn: aws.String(arn)})
	wantCode(t, err, "DeleteConflict", 409) // v1…v4 remain beside the default
	for _, v := range []string{"v1", "v2", "v3", "v4"} {
		must[*iam.DeletePolicyVersionOutput](t)(root.DeletePolicyVersion(c, &iam.DeletePolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String(v)}))
	}
	must[*iam.DeletePolicyOutput](t)(root.DeletePolicy(c, &iam.DeletePolicyInput{PolicyArn: aws.String(arn)}))
	_, err = root.GetPolicy(c, &iam.GetPolicyInput{PolicyArn: aws.String(arn)})
	wantCode(t, err, "NoSuchEntity", 404)
	must[*iam.DeleteUserOutput](t)(root.DeleteUser(c, &iam.DeleteUserInput{UserName: aws.String("alice")}))
}

func TestAWSManagedPolicies(t *testing.T) {
	srv := testserver.Start(t)
	c, hc := ctx(t), srv.HTTPClient()
	root := iamClient(srv.URL, hc, rootCreds)
	const ro = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
	gp := must[*iam.GetPolicyOutput](t)(root.GetPolicy(c, &iam.GetPolicyInput{PolicyArn: aws.String(ro)})).Policy
	if aws.ToString(gp.PolicyName) != "AmazonS3ReadOnlyAccess" || aws.ToString(gp.DefaultVersionId) != "v3" {
		t.Fatalf("GetPolicy = %+v", gp)
	}
	v := must[*iam.GetPolicyVersionOutput](t)(root.GetPolicyVersion(c, &iam.GetPolicyVersionInput{PolicyArn: aws.String(ro), VersionId: gp.DefaultVersionId})).PolicyVersion
	if doc, _ := url.QueryUnescape(aws.ToString(v.Document)); !strings.Contains(doc, `"s3:Get*"`) {
		t.Fatalf("document = %s", doc)
	}
	_, err := root.DeletePolicy(c, &iam.DeletePolicyInput{PolicyArn: aws.String(ro)})
	wantCode(t, err, "AccessDenied", 403)
	_, err = root.CreatePolicyVersion(c, &iam.CreatePolicyVersionInput{PolicyArn: aws.String(ro), PolicyDocument: aws.String(docListBuckets)})
	wantCode(t, err, "AccessDenied", 403)
	_, err = root.GetPolicy(c, &iam.GetPolicyInput{PolicyArn: aws.String("arn:aws:iam::aws:policy/NoSuchPolicy")})
	wantCode(t, err, "NoSuchEntity", 404)

	// Paging through AWS's policies.
	var names []string
	var marker *string
	for {
		out := must[*iam.ListPoliciesOutput](t)(root.ListPolicies(c, &iam.ListPoliciesInput{Scope: types.PolicyScopeTypeAws, MaxItems: aws.Int32(2), Marker: marker}))
		for _, p := range out.Policies {
			names = append(names, aws.ToString(p.PolicyName))
		}
		if !out.IsTruncated {
			break
		}
		marker = out.Marker
	}
	if len(names) < 8 || names[0] != "AWSKeyManagementServicePowerUser" || !contains(names, "IAMFullAccess") || !contains(names, "AdministratorAccess") {
		t.Fatalf("AWS policies = %v", names)
	}

	// A role with AmazonS3ReadOnlyAccess reads but does not write.
	srvS3 := s3Client(srv.URL, hc, rootCreds)
	must[*s3.CreateBucketOutput](t)(srvS3.CreateBucket(c, &s3.CreateBucketInput{Bucket: aws.String("data")}))
	must[*iam.CreateUserOutput](t)(root.CreateUser(c, &iam.CreateUserInput{UserName: aws.String("reader")}))
	must[*iam.AttachUserPolicyOutput](t)(root.AttachUserPolicy(c, &iam.AttachUserPolicyInput{UserName: aws.String("reader"), PolicyArn: aws.String(ro)}))
	k := must[*iam.CreateAccessKeyOutput](t)(root.CreateAccessKey(c, &iam.CreateAccessKeyInput{UserName: aws.String("reader")})).AccessKey
	reader := s3Client(srv.URL, hc, creds{aws.ToString(k.AccessKeyId), aws.ToString(k.SecretAccessKey), ""})
	if _, err := reader.ListObjectsV2(c, &s3.ListObjectsV2Input{Bucket: aws.String("data")}); err != nil {
		t.Fatal(err)
	}
	_, err = reader.PutObject(c, &s3.PutObjectInput{Bucket: aws.String("data"), Key: aws.String("k"), Body: strings.NewReader("x")})
	wantCode(t, err, "AccessDenied", 403)
	gp = must[*iam.GetPolicyOutput](t)(root.GetPolicy(c, &iam.GetPolicyInput{PolicyArn: aws.String(ro)})).Policy
	if aws.ToInt32(gp.AttachmentCount) != 1 {
		t.Fatalf("AttachmentCount = %d", aws.ToInt32(gp.AttachmentCount))
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
