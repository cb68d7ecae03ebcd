package s3api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/hoard-s3/hoard/internal/s3api"
	"github.com/hoard-s3/hoard/internal/testserver"
)

func publicReadPolicy(bucket string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::` + bucket + `/*"}]}`
}

// restart stops e's server and starts another on the same data directory.
func (e *env) restart(opts ...testserver.Option) {
	e.t.Helper()
	dir := e.srv.DataDir
	e.srv.Stop(e.t)
	e.srv = testserver.Start(e.t, append(opts, testserver.WithDataDir(dir))...)
	e.c = e.srv.Client()
}

func (e *env) createBucketWith(name string, mod func(*s3.CreateBucketInput)) error {
	in := &s3.CreateBucketInput{Bucket: aws.String(name)}
	if mod != nil {
		mod(in)
	}
	_, err := e.c.CreateBucket(e.ctx, in)
	return err
}

func publicRead(in *s3.CreateBucketInput) { in.ACL = types.BucketCannedACLPublicRead }

// wantSecure: a bucket with S3's 2023 defaults refuses a public ACL and a
// public policy, and anonymous readers get nothing.
func (e *env) wantSecure(bucket string) {
	e.t.Helper()
	_, err := e.c.PutBucketAcl(e.ctx, &s3.PutBucketAclInput{Bucket: aws.String(bucket), ACL: types.BucketCannedACLPublicRead})
	wantCode(e.t, err, "AccessControlListNotSupported")
	_, err = e.c.PutBucketPolicy(e.ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(bucket), Policy: aws.String(publicReadPolicy(bucket))})
	wantCode(e.t, err, "AccessDenied")
	_, err = e.c.GetBucketPolicy(e.ctx, &s3.GetBucketPolicyInput{Bucket: aws.String(bucket)})
	wantCode(e.t, err, "NoSuchBucketPolicy")
	own, err := e.c.GetBucketOwnershipControls(e.ctx, &s3.GetBucketOwnershipControlsInput{Bucket: aws.String(bucket)})
	if err != nil || own.OwnershipControls.Rules[0].ObjectOwnership != types.ObjectOwnershipBucketOwnerEnforced {
		e.t.Fatalf("ownership of %s = %+v, %v", bucket, own, err)
	}
}

// wantLegacy: a bucket with the pre-2023 defaults has no ownership
// controls and no Block Public Access, and takes a public ACL and a public
// policy that anonymous readers then use.
func (e *env) wantLegacy(bucket string) {
	e.t.Helper()
	b := aws.String(bucket)
	_, err := e.c.GetBucketOwnershipControls(e.ctx, &s3.GetBucketOwnershipControlsInput{Bucket: b})
	wantCode(e.t, err, "OwnershipControlsNotFoundError")
	_, err = e.c.GetPublicAccessBlock(e.ctx, &s3.GetPublicAccessBlockInput{Bucket: b})
	wantCode(e.t, err, "NoSuchPublicAccessBlockConfiguration")
	if _, err := e.c.PutObject(e.ctx, &s3.PutObjectInput{Bucket: b, Key: aws.String("k"), Body: strings.NewReader("hello")}); err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.c.PutBucketAcl(e.ctx, &s3.PutBucketAclInput{Bucket: b, ACL: types.BucketCannedACLPublicRead}); err != nil {
		e.t.Fatalf("public-read ACL on %s: %v", bucket, err)
	}
	acl, err := e.c.GetBucketAcl(e.ctx, &s3.GetBucketAclInput{Bucket: b})
	wantNoErr(e.t, err)
	if !hasAllUsersRead(acl.Grants) {
		e.t.Fatalf("ACL of %s lacks AllUsers READ: %+v", bucket, acl.Grants)
	}
	if r := e.do(e.newRaw(http.MethodGet, "/"+bucket, nil)); r.status != 200 || !strings.Contains(string(r.body), "<Key>k</Key>") {
		e.t.Fatalf("anonymous listing through the public ACL: %d %s", r.status, r.body)
	}
	if _, err := e.c.PutBucketPolicy(e.ctx, &s3.PutBucketPolicyInput{Bucket: b, Policy: aws.String(publicReadPolicy(bucket))}); err != nil {
		e.t.Fatalf("public policy on %s: %v", bucket, err)
	}
	if r := e.do(e.newRaw(http.MethodGet, "/"+bucket+"/k", nil)); r.status != 200 || string(r.body) != "hello" {
		e.t.Fatalf("anonymous GET through the public policy: %d %s", r.status, r.body)
	}
}

func hasAllUsersRead(grants []types.Grant) bool {
	for _, g := range grants {
		if g.Grantee != nil && g.Grantee.URI != nil && *g.Grantee.URI == "http://acs.amazonaws.com/groups/global/AllUsers" && g.Permission == types.PermissionRead {
			return true
		}
	}
	return false
}

// TestLegacyBucketDefaults: the setting applies to buckets created while
// it is on, and to those only.
func TestLegacyBucketDefaults(t *testing.T) {
	e := newEnv(t)
	e.wantSecure(e.bucket)
	wantCode(t, e.createBucketWith("secure-public", publicRead), "InvalidBucketAclWithObjectOwnership")

	e.restart(testserver.WithBucketDefaults(s3api.LegacyBucketDefaults))
	wantNoErr(t, e.createBucketWith("legacy", nil))
	e.wantLegacy("legacy")
	// An ACL at creation is taken too, and an explicit ownership wins.
	wantNoErr(t, e.createBucketWith("legacy-public", publicRead))
	acl, err := e.c.GetBucketAcl(e.ctx, &s3.GetBucketAclInput{Bucket: aws.String("legacy-public")})
	if err != nil || !hasAllUsersRead(acl.Grants) {
		t.Fatalf("ACL of legacy-public = %+v, %v", acl, err)
	}
	wantNoErr(t, e.createBucketWith("legacy-enforced", func(in *s3.CreateBucketInput) { in.ObjectOwnership = types.ObjectOwnershipBucketOwnerEnforced }))
	_, err = e.c.PutBucketAcl(e.ctx, &s3.PutBucketAclInput{Bucket: aws.String("legacy-enforced"), ACL: types.BucketCannedACLPublicRead})
	wantCode(t, err, "AccessControlListNotSupported")
	// Re-creating a bucket changes nothing of its settings.
	wantNoErr(t, e.createBucketWith(e.bucket, nil))
	e.wantSecure(e.bucket)

	e.restart()
	// Back on secure defaults: the legacy buckets keep theirs.
	wantNoErr(t, e.createBucketWith("secure-again", nil))
	e.wantSecure("secure-again")
	_, err = e.c.PutBucketAcl(e.ctx, &s3.PutBucketAclInput{Bucket: aws.String("legacy"), ACL: types.BucketCannedACLPrivate})
	wantNoErr(t, err)
	if _, err := e.c.DeleteBucketPolicy(e.ctx, &s3.DeleteBucketPolicyInput{Bucket: aws.String("legacy")}); err != nil {
		t.Fatal(err)
	}
	e.wantLegacy("legacy")
}

// TestLegacyDefaultsAccountBlock: the account-wide Block Public Access
// still wins over legacy buckets.
func TestLegacyDefaultsAccountBlock(t *testing.T) {
	e := newEnv(t, testserver.WithBucketDefaults(s3api.LegacyBucketDefaults))
	if r := e.controlDo("PUT", []byte(`<PublicAccessBlockConfiguration xmlns="http://awss3control.amazonaws.com/doc/2018-08-20/"><BlockPublicAcls>true</BlockPublicAcls><BlockPublicPolicy>true</BlockPublicPolicy></PublicAccessBlockConfiguration>`)); r.status != 200 {
		t.Fatalf("put account setting: %d %s", r.status, r.body)
	}
	wantCode(t, e.createBucketWith("acct-public", publicRead), "AccessDenied")
	if _, err := e.c.HeadBucket(e.ctx, &s3.HeadBucketInput{Bucket: aws.String("acct-public")}); err == nil {
		t.Fatal("a refused CreateBucket left its bucket")
	}
	wantNoErr(t, e.createBucketWith("acct", nil))
	_, err := e.c.PutBucketAcl(e.ctx, &s3.PutBucketAclInput{Bucket: aws.String("acct"), ACL: types.BucketCannedACLPublicRead})
	wantCode(t, err, "AccessDenied")
	_, err = e.c.PutBucketPolicy(e.ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("acct"), Policy: aws.String(publicReadPolicy("acct"))})
	wantCode(t, err, "AccessDenied")
	// Private ACL grants are still fine.
	_, err = e.c.PutBucketAcl(e.ctx, &s3.PutBucketAclInput{Bucket: aws.String("acct"), ACL: types.BucketCannedACLPrivate})
	wantNoErr(t, err)
	if r := e.controlDo("DELETE", nil); r.status != 204 {
		t.Fatalf("delete account setting: %d %s", r.status, r.body)
	}
	e.wantLegacy("acct")
}

// TestRecreateBucketResetsACL: in us-east-1 re-creating an owned bucket
// answers 200 and resets its ACL (S3's CreateBucket reference), and keeps
// everything else.
func TestRecreateBucketResetsACL(t *testing.T) {
	e := newEnv(t, testserver.WithBucketDefaults(s3api.LegacyBucketDefaults))
	b := aws.String(e.bucket)
	e.put("k", "v")
	_, err := e.c.PutBucketAcl(e.ctx, &s3.PutBucketAclInput{Bucket: b, ACL: types.BucketCannedACLPublicRead})
	wantNoErr(t, err)
	wantNoErr(t, e.createBucketWith(e.bucket, nil))
	acl, err := e.c.GetBucketAcl(e.ctx, &s3.GetBucketAclInput{Bucket: b})
	if err != nil || len(acl.Grants) != 1 || acl.Grants[0].Permission != types.PermissionFullControl {
		t.Fatalf("ACL after re-create = %+v, %v", acl, err)
	}
	wantNoErr(t, e.createBucketWith(e.bucket, publicRead))
	acl, err = e.c.GetBucketAcl(e.ctx, &s3.GetBucketAclInput{Bucket: b})
	if err != nil || !hasAllUsersRead(acl.Grants) {
		t.Fatalf("ACL after re-create with public-read = %+v, %v", acl, err)
	}
	if got := e.mustGet("k"); got != "v" {
		t.Fatalf("object after re-create = %q", got)
	}
	_, err = e.c.GetBucketOwnershipControls(e.ctx, &s3.GetBucketOwnershipControlsInput{Bucket: b})
	wantCode(t, err, "OwnershipControlsNotFoundError")
}
