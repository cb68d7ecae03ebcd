package s3api_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/hoard-s3/hoard/internal/s3api"
	"github.com/hoard-s3/hoard/internal/testserver"
)

// TestBucketACLAsWritten: GetBucketAcl returns the ACL as written: the
// grants, then the owner's FULL_CONTROL only when the ACL holds it.
func TestBucketACLAsWritten(t *testing.T) {
	e := newEnv(t, testserver.WithBucketDefaults(s3api.LegacyBucketDefaults))
	b := aws.String(e.bucket)
	get := func() *s3.GetBucketAclOutput {
		t.Helper()
		out, err := e.c.GetBucketAcl(e.ctx, &s3.GetBucketAclInput{Bucket: b})
		wantNoErr(t, err)
		return out
	}
	_, err := e.c.PutBucketAcl(e.ctx, &s3.PutBucketAclInput{Bucket: b, ACL: types.BucketCannedACLPublicRead})
	wantNoErr(t, err)
	acl := get()
	if len(acl.Grants) != 2 || aws.ToString(acl.Grants[0].Grantee.URI) != "http://acs.amazonaws.com/groups/global/AllUsers" ||
		acl.Grants[0].Permission != types.PermissionRead || acl.Grants[1].Permission != types.PermissionFullControl ||
		aws.ToString(acl.Grants[1].Grantee.ID) != aws.ToString(acl.Owner.ID) {
		t.Fatalf("public-read ACL = %+v", acl.Grants)
	}

	// An ACL without the owner's grant reads back empty.
	_, err = e.c.PutBucketAcl(e.ctx, &s3.PutBucketAclInput{Bucket: b,
		AccessControlPolicy: &types.AccessControlPolicy{Owner: acl.Owner, Grants: []types.Grant{}}})
	wantNoErr(t, err)
	if got := get(); len(got.Grants) != 0 {
		t.Fatalf("ACL after revoking all = %+v", got.Grants)
	}
	// The owner still manages the bucket, and puts its grant back.
	_, err = e.c.PutBucketAcl(e.ctx, &s3.PutBucketAclInput{Bucket: b,
		AccessControlPolicy: &types.AccessControlPolicy{Owner: acl.Owner, Grants: acl.Grants[1:]}})
	wantNoErr(t, err)
	if got := get(); len(got.Grants) != 1 || got.Grants[0].Permission != types.PermissionFullControl {
		t.Fatalf("ACL after restoring = %+v", got.Grants)
	}

	// No account has an email address on record, and nothing changes.
	email := types.Grant{Grantee: &types.Grantee{Type: types.TypeAmazonCustomerByEmail, EmailAddress: aws.String("nobody@example.com")}, Permission: types.PermissionRead}
	_, err = e.c.PutBucketAcl(e.ctx, &s3.PutBucketAclInput{Bucket: b,
		AccessControlPolicy: &types.AccessControlPolicy{Owner: acl.Owner, Grants: []types.Grant{email}}})
	wantCode(t, err, "UnresolvableGrantByEmailAddress")
	_, err = e.c.PutBucketAcl(e.ctx, &s3.PutBucketAclInput{Bucket: b, GrantRead: aws.String(`emailAddress="nobody@example.com"`)})
	wantCode(t, err, "UnresolvableGrantByEmailAddress")
	if got := get(); len(got.Grants) != 1 {
		t.Fatalf("ACL after refusals = %+v", got.Grants)
	}

	// With ACLs disabled, an ACL without the owner's grant is refused.
	sb := e.newBucket()
	_, err = e.c.PutBucketOwnershipControls(e.ctx, &s3.PutBucketOwnershipControlsInput{Bucket: aws.String(sb),
		OwnershipControls: &types.OwnershipControls{Rules: []types.OwnershipControlsRule{{ObjectOwnership: types.ObjectOwnershipBucketOwnerEnforced}}}})
	wantNoErr(t, err)
	_, err = e.c.PutBucketAcl(e.ctx, &s3.PutBucketAclInput{Bucket: aws.String(sb),
		AccessControlPolicy: &types.AccessControlPolicy{Owner: acl.Owner, Grants: []types.Grant{}}})
	wantCode(t, err, "AccessControlListNotSupported")
}

// TestMissingObjectForListers: a reader denied a missing object learns
// that it is missing (404) only when it may list the bucket at that key.
func TestMissingObjectForListers(t *testing.T) {
	e := newEnv(t, testserver.WithBucketDefaults(s3api.LegacyBucketDefaults))
	e.put("private", "x")
	anon := func(method, key string) int {
		t.Helper()
		return e.do(e.newRaw(method, "/"+e.bucket+"/"+key, nil)).status
	}
	if s := anon("GET", "missing"); s != 403 {
		t.Fatalf("anonymous GET of a missing key in a private bucket: %d", s)
	}
	_, err := e.c.PutBucketAcl(e.ctx, &s3.PutBucketAclInput{Bucket: aws.String(e.bucket), ACL: types.BucketCannedACLPublicRead})
	wantNoErr(t, err)
	r := e.do(e.newRaw("GET", "/"+e.bucket+"/missing", nil))
	if r.status != 404 {
		t.Fatalf("anonymous GET of a missing key in a listable bucket: %d %s", r.status, r.body)
	}
	if d := r.errDoc(t); d.Code != "NoSuchKey" {
		t.Fatalf("code %s", d.Code)
	}
	if s := anon("HEAD", "missing"); s != 404 {
		t.Fatalf("anonymous HEAD of a missing key in a listable bucket: %d", s)
	}
	if s := anon("GET", "private"); s != 403 {
		t.Fatalf("anonymous GET of an existing private object: %d", s)
	}

	// A policy that lets everyone list under public/ only.
	b := e.newBucket()
	_, err = e.c.PutBucketPolicy(e.ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(b), Policy: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:ListBucket","Resource":"arn:aws:s3:::` + b + `","Condition":{"StringLike":{"s3:prefix":"public/*"}}}]}`)})
	wantNoErr(t, err)
	if s := e.do(e.newRaw("HEAD", "/"+b+"/public/object", nil)).status; s != 404 {
		t.Fatalf("HEAD under the listable prefix: %d", s)
	}
	if s := e.do(e.newRaw("HEAD", "/"+b+"/private/object", nil)).status; s != 403 {
		t.Fatalf("HEAD outside the listable prefix: %d", s)
	}
}

// TestExpectedBucketOwner: a request naming another owner fails with 403.
func TestExpectedBucketOwner(t *testing.T) {
	e := newEnv(t)
	acct := e.identities().AccountID()
	e.put("k", "v")
	_, err := e.c.ListObjects(e.ctx, &s3.ListObjectsInput{Bucket: aws.String(e.bucket), ExpectedBucketOwner: aws.String(acct)})
	wantNoErr(t, err)
	_, err = e.c.ListObjects(e.ctx, &s3.ListObjectsInput{Bucket: aws.String(e.bucket), ExpectedBucketOwner: aws.String("111122223333")})
	wantCode(t, err, "AccessDenied")
	_, err = e.c.PutObject(e.ctx, &s3.PutObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("new"), Body: strings.NewReader("x"), ExpectedBucketOwner: aws.String("111122223333")})
	wantCode(t, err, "AccessDenied")
	if e.objectExists("new") {
		t.Fatal("a refused PUT stored its object")
	}
	_, err = e.c.CopyObject(e.ctx, &s3.CopyObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("copy"), CopySource: aws.String(e.bucket + "/k"),
		ExpectedBucketOwner: aws.String(acct), ExpectedSourceBucketOwner: aws.String("111122223333")})
	wantCode(t, err, "AccessDenied")
	_, err = e.c.CopyObject(e.ctx, &s3.CopyObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("copy"), CopySource: aws.String(e.bucket + "/k"),
		ExpectedBucketOwner: aws.String(acct), ExpectedSourceBucketOwner: aws.String(acct)})
	wantNoErr(t, err)
}

// TestAnonymousWriteWithCannedACL: the bucket ACL's WRITE lets anyone
// create objects with the ACL they choose, as S3 did before its 2023
// defaults; a bucket policy denying s3:PutObjectAcl still wins.
func TestAnonymousWriteWithCannedACL(t *testing.T) {
	e := newEnv(t, testserver.WithBucketDefaults(s3api.LegacyBucketDefaults))
	_, err := e.c.PutBucketAcl(e.ctx, &s3.PutBucketAclInput{Bucket: aws.String(e.bucket), ACL: types.BucketCannedACLPublicReadWrite})
	wantNoErr(t, err)
	put := func(key, acl string) *rawResp {
		req := e.newRaw("PUT", "/"+e.bucket+"/"+key, []byte("anon"))
		req.Header.Set("X-Amz-Acl", acl)
		return e.do(req)
	}
	if r := put("pub", "public-read"); r.status != 200 {
		t.Fatalf("anonymous PUT with public-read: %d %s", r.status, r.body)
	}
	if r := e.do(e.newRaw("GET", "/"+e.bucket+"/pub", nil)); r.status != 200 || string(r.body) != "anon" {
		t.Fatalf("anonymous GET of the public-read object: %d %s", r.status, r.body)
	}
	_, err = e.c.PutBucketPolicy(e.ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(e.bucket), Policy: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:PutObjectAcl","Resource":"arn:aws:s3:::` + e.bucket + `/*"}]}`)})
	wantNoErr(t, err)
	put("denied", "public-read").wantError(t, 403, "AccessDenied")
	if e.objectExists("denied") {
		t.Fatal("a refused write stored the object")
	}
	if r := e.do(e.newRaw("PUT", "/"+e.bucket+"/plain", []byte("anon"))); r.status != 200 {
		t.Fatalf("anonymous PUT without an ACL: %d %s", r.status, r.body)
	}
}
