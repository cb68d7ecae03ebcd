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
