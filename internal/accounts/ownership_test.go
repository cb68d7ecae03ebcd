package accounts_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

func objectOwner(t *testing.T, a *account, bucket, key string) (string, []s3types.Grant) {
	t.Helper()
	out, err := a.s3.GetObjectAcl(a.w.ctx, &s3.GetObjectAclInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		t.Fatalf("GetObjectAcl %s/%s as %s: %v", bucket, key, a.name, err)
	}
	return aws.ToString(out.Owner.ID), out.Grants
}

func TestObjectOwnershipAcrossAccounts(t *testing.T) {
	w := newWorld(t)
	op, b := w.op, w.newAccount("blue")
	grantBlue := func(bucket string) {
		op.setPolicy(bucket, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"`+b.id+`"},
			"Action":["s3:PutObject","s3:PutObjectAcl","s3:GetObject","s3:GetObjectAcl"],"Resource":"arn:aws:s3:::`+bucket+`/*"}]}`)
	}
	mk := func(name string, own s3types.ObjectOwnership) {
		if _, err := op.s3.CreateBucket(w.ctx, &s3.CreateBucketInput{Bucket: aws.String(name), ObjectOwnership: own}); err != nil {
			t.Fatal(err)
		}
		grantBlue(name)
	}
	putACL := func(bucket, key string, canned s3types.ObjectCannedACL) {
		t.Helper()
		_, err := b.s3.PutObject(w.ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: stringsReader("x"), ACL: canned})
		if err != nil {
			t.Fatalf("blue puts %s/%s (%s): %v", bucket, key, canned, err)
		}
	}

	// ObjectWriter: blue's objects are blue's; the bucket owner reads them
	// only when granted.
	mk("writer", s3types.ObjectOwnershipObjectWriter)
	putACL("writer", "plain", "")
	if owner, _ := objectOwner(t, b, "writer", "plain"); owner != b.canon {
		t.Errorf("ObjectWriter owner %q, want blue's %q", owner, b.canon)
	}
	_, err := op.get("writer", "plain")
	wantCode(t, "bucket owner reads blue's object", err, "AccessDenied")
	if got, err := b.get("writer", "plain"); err != nil || got != "x" {
		t.Errorf("blue reads its object: %q, %v", got, err)
	}
	putACL("writer", "shared", s3types.ObjectCannedACLBucketOwnerRead)
	owner, grants := objectOwner(t, b, "writer", "shared")
	if owner != b.canon || !hasGrant(grants, op.canon, s3types.PermissionRead) || !hasGrant(grants, b.canon, s3types.PermissionFullControl) {
		t.Errorf("bucket-owner-read: owner %q grants %+v", owner, grants)
	}
	if _, err := op.get("writer", "shared"); err != nil {
		t.Errorf("bucket owner reads a bucket-owner-read object: %v", err)
	}
	// The bucket owner may still delete what is in its bucket.
	if _, err := op.s3.DeleteObject(w.ctx, &s3.DeleteObjectInput{Bucket: aws.String("writer"), Key: aws.String("plain")}); err != nil {
		t.Errorf("bucket owner deletes blue's object: %v", err)
	}

	// BucketOwnerPreferred: bucket-owner-full-control hands the object over.
	mk("preferred", s3types.ObjectOwnershipBucketOwnerPreferred)
	putACL("preferred", "kept", "")
	putACL("preferred", "given", s3types.ObjectCannedACLBucketOwnerFullControl)
	if owner, _ := objectOwner(t, b, "preferred", "kept"); owner != b.canon {
		t.Errorf("preferred without the canned ACL: owner %q", owner)
	}
	if owner, _ := objectOwner(t, op, "preferred", "given"); owner != op.canon {
		t.Errorf("preferred with bucket-owner-full-control: owner %q", owner)
	}
	if _, err := op.get("preferred", "given"); err != nil {
		t.Errorf("bucket owner reads the object handed over: %v", err)
	}

	// BucketOwnerEnforced: everything is the bucket owner's.
	mk("enforced", s3types.ObjectOwnershipBucketOwnerEnforced)
	putACL("enforced", "k", "")
	if owner, _ := objectOwner(t, op, "enforced", "k"); owner != op.canon {
		t.Errorf("enforced owner %q", owner)
	}
	if _, err := op.get("enforced", "k"); err != nil {
		t.Errorf("bucket owner reads under BucketOwnerEnforced: %v", err)
	}
}

func hasGrant(gs []s3types.Grant, id string, p s3types.Permission) bool {
	for _, g := range gs {
		if g.Grantee != nil && aws.ToString(g.Grantee.ID) == id && g.Permission == p {
			return true
		}
	}
	return false
}

func TestACLGranteesAndOwnerOnlyACLs(t *testing.T) {
	w := newWorld(t)
	op, b := w.op, w.newAccount("blue")
	if _, err := op.s3.CreateBucket(w.ctx, &s3.CreateBucketInput{Bucket: aws.String("acl-on"), ObjectOwnership: s3types.ObjectOwnershipObjectWriter}); err != nil {
		t.Fatal(err)
	}
	_, err := op.s3.PutBucketAcl(w.ctx, &s3.PutBucketAclInput{Bucket: aws.String("acl-on"), GrantRead: aws.String(`id="` + strings64("0") + `"`)})
	wantCode(t, "grant to a canonical id no account has", err, "InvalidArgument")
	if _, err := op.s3.PutBucketAcl(w.ctx, &s3.PutBucketAclInput{Bucket: aws.String("acl-on"), GrantRead: aws.String(`id="` + b.canon + `"`)}); err != nil {
		t.Fatalf("grant to blue: %v", err)
	}
	// The grant lets blue's root list the bucket.
	if _, err := b.s3.ListObjectsV2(w.ctx, &s3.ListObjectsV2Input{Bucket: aws.String("acl-on")}); err != nil {
		t.Errorf("blue lists with a READ grant: %v", err)
	}
	// ...and its users only with their own allow.
	_, err = b.user("plain").s3.ListObjectsV2(w.ctx, &s3.ListObjectsV2Input{Bucket: aws.String("acl-on")})
	wantCode(t, "blue user with the grant but no policy", err, "AccessDenied")
	if _, err := b.user("lister", allowS3).s3.ListObjectsV2(w.ctx, &s3.ListObjectsV2Input{Bucket: aws.String("acl-on")}); err != nil {
		t.Errorf("blue user with the grant and a policy: %v", err)
	}

	// With ACLs off, "private" is owner-only for the bucket owner alone.
	if _, err := op.s3.CreateBucket(w.ctx, &s3.CreateBucketInput{Bucket: aws.String("acl-off")}); err != nil {
		t.Fatal(err)
	}
	op.setPolicy("acl-off", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"`+b.id+`"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::acl-off/*"}]}`)
	put := func(a *account, canned s3types.ObjectCannedACL) error {
		_, err := a.s3.PutObject(w.ctx, &s3.PutObjectInput{Bucket: aws.String("acl-off"), Key: aws.String("k"), Body: stringsReader("x"), ACL: canned})
		return err
	}
	if err := put(op, s3types.ObjectCannedACLPrivate); err != nil {
		t.Errorf("bucket owner writes with private: %v", err)
	}
	wantCode(t, "blue writes with private", put(b, s3types.ObjectCannedACLPrivate), "AccessControlListNotSupported")
	if err := put(b, s3types.ObjectCannedACLBucketOwnerFullControl); err != nil {
		t.Errorf("blue writes with bucket-owner-full-control: %v", err)
	}
	if err := put(b, ""); err != nil {
		t.Errorf("blue writes without an ACL: %v", err)
	}
}

func strings64(c string) string {
	s := ""
	for len(s) < 64 {
		s += c
	}
	return s
}
