package accounts_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// An account root manages keys of its own with no UserName, as in AWS;
// a user doing the same manages its own keys.
func TestRootOwnAccessKeys(t *testing.T) {
	w := newWorld(t)
	b := w.newAccount("blue")
	ctx := w.ctx
	b.bucket("blue-bucket")

	made, err := b.iam.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{})
	if err != nil {
		t.Fatal(err)
	}
	k := made.AccessKey
	if aws.ToString(k.UserName) != "" || k.Status != iamtypes.StatusTypeActive || aws.ToString(k.SecretAccessKey) == "" {
		t.Fatalf("root's new key: %+v", k)
	}
	list, err := b.iam.ListAccessKeys(ctx, &iam.ListAccessKeysInput{})
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]iamtypes.StatusType{}
	for _, m := range list.AccessKeyMetadata {
		ids[aws.ToString(m.AccessKeyId)] = m.Status
	}
	if len(ids) != 2 || ids[b.key] != iamtypes.StatusTypeActive || ids[aws.ToString(k.AccessKeyId)] != iamtypes.StatusTypeActive {
		t.Fatalf("root's keys %v, want the configured %s and the new one", ids, b.key)
	}

	// The new key signs as blue's root.
	nk := w.clients(b.id, "blue-new", b.canon, aws.ToString(k.AccessKeyId), aws.ToString(k.SecretAccessKey), "")
	who, err := nk.sts.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(who.Arn) != "arn:aws:iam::"+b.id+":root" {
		t.Fatalf("caller with the new key: %+v, %v", who, err)
	}
	buckets, err := nk.s3.ListBuckets(ctx, &s3.ListBucketsInput{})
	if err != nil || len(buckets.Buckets) != 1 || aws.ToString(buckets.Buckets[0].Name) != "blue-bucket" {
		t.Fatalf("ListBuckets with the new key: %+v, %v", buckets, err)
	}
	if _, err := nk.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("made-by-new-key")}); err != nil {
		t.Fatalf("the new root key is root in IAM: %v", err)
	}

	// Two keys at most; the configured one is the operator's.
	_, err = b.iam.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{})
	wantCode(t, "third root key", err, "LimitExceeded")
	_, err = nk.iam.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{AccessKeyId: aws.String(b.key)})
	wantCode(t, "delete the configured root key", err, "DeleteConflict")
	_, err = b.iam.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{AccessKeyId: aws.String("AKIANOTAKEYOFBLUE000")})
	wantCode(t, "delete an unknown root key", err, "NoSuchEntity")
	// Another account's root cannot touch blue's key.
	_, err = w.op.iam.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{AccessKeyId: k.AccessKeyId})
	wantCode(t, "operator deletes blue's root key", err, "NoSuchEntity")

	// Inactive, the key stops signing; active again, it signs.
	if _, err := b.iam.UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{AccessKeyId: k.AccessKeyId, Status: iamtypes.StatusTypeInactive}); err != nil {
		t.Fatal(err)
	}
	_, err = nk.s3.ListBuckets(ctx, &s3.ListBucketsInput{})
	wantCode(t, "inactive root key", err, "InvalidAccessKeyId")
	if _, err := b.iam.UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{AccessKeyId: k.AccessKeyId, Status: iamtypes.StatusTypeActive}); err != nil {
		t.Fatal(err)
	}
	if _, err := nk.s3.ListBuckets(ctx, &s3.ListBucketsInput{}); err != nil {
		t.Fatalf("reactivated root key: %v", err)
	}
	if _, err := nk.iam.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{AccessKeyId: k.AccessKeyId}); err != nil {
		t.Fatal(err)
	}
	_, err = nk.s3.ListBuckets(ctx, &s3.ListBucketsInput{})
	wantCode(t, "deleted root key", err, "InvalidAccessKeyId")
	list, err = b.iam.ListAccessKeys(ctx, &iam.ListAccessKeysInput{})
	if err != nil || len(list.AccessKeyMetadata) != 1 || aws.ToString(list.AccessKeyMetadata[0].AccessKeyId) != b.key {
		t.Fatalf("root's keys after the delete: %+v, %v", list, err)
	}

	// A user without UserName acts on itself.
	u := b.user("self", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:CreateAccessKey","iam:ListAccessKeys","iam:DeleteAccessKey"],"Resource":"arn:aws:iam::`+b.id+`:user/self"}]}`)
	own, err := u.iam.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{})
	if err != nil || aws.ToString(own.AccessKey.UserName) != "self" {
		t.Fatalf("user creates its own key: %+v, %v", own, err)
	}
	ul, err := u.iam.ListAccessKeys(ctx, &iam.ListAccessKeysInput{})
	if err != nil || len(ul.AccessKeyMetadata) != 2 || aws.ToString(ul.AccessKeyMetadata[0].UserName) != "self" {
		t.Fatalf("user lists its own keys: %+v, %v", ul, err)
	}
	if _, err := u.iam.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{AccessKeyId: own.AccessKey.AccessKeyId}); err != nil {
		t.Fatalf("user deletes its own key: %v", err)
	}
}
