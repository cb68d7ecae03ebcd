package accounts_test

import (
	"net/http"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
)

func bucketNames(t *testing.T, a *account) []string {
	t.Helper()
	out, err := a.s3.ListBuckets(a.w.ctx, &s3.ListBucketsInput{})
	if err != nil {
		t.Fatalf("list buckets as %s: %v", a.name, err)
	}
	if aws.ToString(out.Owner.ID) != a.canon || aws.ToString(out.Owner.DisplayName) != a.acctName {
		t.Errorf("ListBuckets owner of %s: %q %q, want %q %q", a.name, aws.ToString(out.Owner.ID), aws.ToString(out.Owner.DisplayName), a.canon, a.acctName)
	}
	var names []string
	for _, b := range out.Buckets {
		names = append(names, aws.ToString(b.Name))
	}
	return names
}

func TestBucketsIsolatedAcrossThreeAccounts(t *testing.T) {
	w := newWorld(t)
	op, b, c := w.op, w.newAccount("blue"), w.newAccount("cyan")
	op.bucket("op-data")
	b.bucket("blue-data")
	c.bucket("cyan-data")
	for _, a := range []*account{op, b, c} {
		if err := a.put(a.name+"-x", "k", "x"); err == nil {
			t.Errorf("put into a missing bucket as %s succeeded", a.name)
		}
	}
	if got := bucketNames(t, op); !slices.Equal(got, []string{"op-data"}) {
		t.Errorf("operator sees %v", got)
	}
	if got := bucketNames(t, b); !slices.Equal(got, []string{"blue-data"}) {
		t.Errorf("blue sees %v", got)
	}
	if got := bucketNames(t, c); !slices.Equal(got, []string{"cyan-data"}) {
		t.Errorf("cyan sees %v", got)
	}

	// The namespace is global: another's name is taken, one's own is ours.
	_, err := b.s3.CreateBucket(w.ctx, &s3.CreateBucketInput{Bucket: aws.String("op-data")})
	wantCode(t, "blue creates op-data", err, "BucketAlreadyExists")
	var re interface{ HTTPStatusCode() int }
	if ok := asStatus(err, &re); !ok || re.HTTPStatusCode() != http.StatusConflict {
		t.Errorf("BucketAlreadyExists status: %v", err)
	}
	_, err = b.s3.CreateBucket(w.ctx, &s3.CreateBucketInput{Bucket: aws.String("blue-data")})
	if err != nil && code(err) != "BucketAlreadyOwnedByYou" {
		t.Errorf("blue re-creates its own bucket: %v", err)
	}

	// Roots of other accounts get nothing without a bucket policy.
	if err := op.put("op-data", "secret", "s"); err != nil {
		t.Fatal(err)
	}
	_, err = b.get("op-data", "secret")
	wantCode(t, "blue reads op-data", err, "AccessDenied")
	wantCode(t, "blue writes op-data", b.put("op-data", "k", "x"), "AccessDenied")
	_, err = c.s3.ListObjectsV2(w.ctx, &s3.ListObjectsV2Input{Bucket: aws.String("blue-data")})
	wantCode(t, "cyan lists blue-data", err, "AccessDenied")
	_, err = c.s3.DeleteBucket(w.ctx, &s3.DeleteBucketInput{Bucket: aws.String("blue-data")})
	wantCode(t, "cyan deletes blue-data", err, "AccessDenied")
	_, err = c.s3.PutBucketPolicy(w.ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("blue-data"),
		Policy: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::blue-data/*"}]}`)})
	wantCode(t, "cyan's root sets blue's bucket policy", err, "AccessDenied")

	// An IAM user with s3:* on "*" stays inside its account.
	bu := b.user("wide", allowS3)
	_, err = bu.get("op-data", "secret")
	wantCode(t, "blue user reads op-data", err, "AccessDenied")
	if err := bu.put("blue-data", "k", "v"); err != nil {
		t.Errorf("blue user writes blue-data: %v", err)
	}
	if got := bucketNames(t, bu); !slices.Equal(got, []string{"blue-data"}) {
		t.Errorf("blue user sees %v", got)
	}

	// Owners in ACLs and listings are each account's canonical id.
	acl, err := b.s3.GetBucketAcl(w.ctx, &s3.GetBucketAclInput{Bucket: aws.String("blue-data")})
	if err != nil || aws.ToString(acl.Owner.ID) != b.canon || aws.ToString(acl.Owner.DisplayName) != "blue" {
		t.Errorf("GetBucketAcl of blue-data: %+v, %v", acl, err)
	}
	lo, err := b.s3.ListObjectsV2(w.ctx, &s3.ListObjectsV2Input{Bucket: aws.String("blue-data"), FetchOwner: aws.Bool(true)})
	if err != nil || len(lo.Contents) != 1 || aws.ToString(lo.Contents[0].Owner.ID) != b.canon {
		t.Errorf("listing owner: %+v, %v", lo, err)
	}
	if b.canon == c.canon || b.canon == op.canon {
		t.Error("accounts share a canonical id")
	}
}

func asStatus(err error, target *interface{ HTTPStatusCode() int }) bool {
	var re interface{ HTTPStatusCode() int }
	for e := err; e != nil; {
		if r, ok := e.(interface{ HTTPStatusCode() int }); ok {
			re = r
			break
		}
		u, ok := e.(interface{ Unwrap() error })
		if !ok {
			break
		}
		e = u.Unwrap()
	}
	*target = re
	return re != nil
}

func TestExpectedBucketOwner(t *testing.T) {
	w := newWorld(t)
	op, b := w.op, w.newAccount("blue")
	op.bucket("op-src")
	b.bucket("blue-dst")
	if err := op.put("op-src", "k", "v"); err != nil {
		t.Fatal(err)
	}
	// blue may read op-src through a bucket policy, to copy from it.
	op.setPolicy("op-src", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"`+b.id+`"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::op-src/*"}]}`)

	_, err := op.s3.GetObject(w.ctx, &s3.GetObjectInput{Bucket: aws.String("op-src"), Key: aws.String("k"), ExpectedBucketOwner: aws.String(op.id)})
	if err != nil {
		t.Errorf("right owner: %v", err)
	}
	_, err = op.s3.GetObject(w.ctx, &s3.GetObjectInput{Bucket: aws.String("op-src"), Key: aws.String("k"), ExpectedBucketOwner: aws.String(b.id)})
	wantCode(t, "get with wrong owner", err, "AccessDenied")
	_, err = op.s3.PutObject(w.ctx, &s3.PutObjectInput{Bucket: aws.String("op-src"), Key: aws.String("k2"), ExpectedBucketOwner: aws.String("123456789012")})
	wantCode(t, "put with wrong owner", err, "AccessDenied")
	if _, err := op.s3.HeadObject(w.ctx, &s3.HeadObjectInput{Bucket: aws.String("op-src"), Key: aws.String("k2")}); err == nil {
		t.Error("the refused put stored an object")
	}
	_, err = op.s3.ListObjectsV2(w.ctx, &s3.ListObjectsV2Input{Bucket: aws.String("op-src"), ExpectedBucketOwner: aws.String(b.id)})
	wantCode(t, "list with wrong owner", err, "AccessDenied")
	_, err = op.s3.GetBucketVersioning(w.ctx, &s3.GetBucketVersioningInput{Bucket: aws.String("op-src"), ExpectedBucketOwner: aws.String(b.id)})
	wantCode(t, "bucket config with wrong owner", err, "AccessDenied")

	// A copy checks both ends.
	copyIn := func(src, dst string) *s3.CopyObjectInput {
		return &s3.CopyObjectInput{Bucket: aws.String("blue-dst"), Key: aws.String("c"), CopySource: aws.String("op-src/k"),
			ExpectedSourceBucketOwner: aws.String(src), ExpectedBucketOwner: aws.String(dst)}
	}
	if _, err := b.s3.CopyObject(w.ctx, copyIn(op.id, b.id)); err != nil {
		t.Errorf("cross-account copy with the right owners: %v", err)
	}
	_, err = b.s3.CopyObject(w.ctx, copyIn(b.id, b.id))
	wantCode(t, "copy with wrong source owner", err, "AccessDenied")
	_, err = b.s3.CopyObject(w.ctx, copyIn(op.id, op.id))
	wantCode(t, "copy with wrong destination owner", err, "AccessDenied")
}

func TestIAMIsolated(t *testing.T) {
	w := newWorld(t)
	op, b, c := w.op, w.newAccount("blue"), w.newAccount("cyan")
	b.user("bob")
	c.user("bob") // names are per account
	for _, a := range []*account{op, b, c} {
		out, err := a.iam.ListUsers(w.ctx, &iam.ListUsersInput{})
		if err != nil {
			t.Fatalf("list users as %s: %v", a.name, err)
		}
		var arns []string
		for _, u := range out.Users {
			arns = append(arns, aws.ToString(u.Arn))
		}
		want := []string{"arn:aws:iam::" + a.id + ":user/bob"}
		if a == op {
			want = nil
		}
		if !slices.Equal(arns, want) {
			t.Errorf("%s lists users %v, want %v", a.name, arns, want)
		}
	}
	_, err := op.iam.GetUser(w.ctx, &iam.GetUserInput{UserName: aws.String("bob")})
	wantCode(t, "operator reads blue's bob", err, "NoSuchEntity")
	id, err := b.sts.GetCallerIdentity(w.ctx, nil)
	if err != nil || aws.ToString(id.Account) != b.id || aws.ToString(id.Arn) != "arn:aws:iam::"+b.id+":root" {
		t.Errorf("GetCallerIdentity of blue's root: %+v, %v", id, err)
	}
}

func TestKMSKeysIsolatedAndSharedByKeyPolicy(t *testing.T) {
	w := newWorld(t)
	op, b, c := w.op, w.newAccount("blue"), w.newAccount("cyan")
	k, err := b.kms.CreateKey(w.ctx, &kms.CreateKeyInput{Description: aws.String("blue's")})
	if err != nil {
		t.Fatal(err)
	}
	keyARN := aws.ToString(k.KeyMetadata.Arn)
	if want := "arn:aws:kms:us-east-1:" + b.id + ":key/"; len(keyARN) < len(want) || keyARN[:len(want)] != want {
		t.Fatalf("key ARN %q", keyARN)
	}
	for _, a := range []*account{op, c} {
		out, err := a.kms.ListKeys(w.ctx, &kms.ListKeysInput{})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range out.Keys {
			if aws.ToString(e.KeyArn) == keyARN {
				t.Errorf("%s lists blue's key", a.name)
			}
		}
		_, err = a.kms.DescribeKey(w.ctx, &kms.DescribeKeyInput{KeyId: k.KeyMetadata.KeyId})
		wantCode(t, a.name+" describes blue's key by id", err, "NotFoundException")
	}
	enc := func(a *account) error {
		_, err := a.kms.Encrypt(w.ctx, &kms.EncryptInput{KeyId: aws.String(keyARN), Plaintext: []byte("hi")})
		return err
	}
	wantCode(t, "operator encrypts with blue's key", enc(op), "AccessDeniedException")

	// The key policy lets the operator's account use it: its root may,
	// its users only with their own allow; cyan still may not.
	_, err = b.kms.PutKeyPolicy(w.ctx, &kms.PutKeyPolicyInput{KeyId: aws.String(keyARN), PolicyName: aws.String("default"), Policy: aws.String(`{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + b.id + `:root"},"Action":"kms:*","Resource":"*"},
		{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + op.id + `:root"},"Action":["kms:Encrypt","kms:Decrypt","kms:GenerateDataKey","kms:DescribeKey"],"Resource":"*"}]}`)})
	if err != nil {
		t.Fatal(err)
	}
	if err := enc(op); err != nil {
		t.Errorf("operator root encrypts after the grant: %v", err)
	}
	wantCode(t, "cyan encrypts", enc(c), "AccessDeniedException")
	opUser := op.user("keyless")
	wantCode(t, "operator user without a KMS allow", enc(opUser), "AccessDeniedException")
	opKMS := op.user("keyed", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["kms:Encrypt","kms:GenerateDataKey","kms:Decrypt","s3:*"],"Resource":"*"}]}`)
	if err := enc(opKMS); err != nil {
		t.Errorf("operator user with a KMS allow: %v", err)
	}
	_, err = op.kms.ScheduleKeyDeletion(w.ctx, &kms.ScheduleKeyDeletionInput{KeyId: aws.String(keyARN), PendingWindowInDays: aws.Int32(7)})
	wantCode(t, "operator schedules deletion of blue's key", err, "AccessDeniedException")

	// SSE-KMS with another account's key, into one's own bucket.
	op.bucket("op-enc")
	put := func(a *account, key string) error {
		_, err := a.s3.PutObject(w.ctx, &s3.PutObjectInput{Bucket: aws.String("op-enc"), Key: aws.String(key), Body: stringsReader("secret"),
			ServerSideEncryption: s3types.ServerSideEncryptionAwsKms, SSEKMSKeyId: aws.String(keyARN)})
		return err
	}
	if err := put(opKMS, "k"); err != nil {
		t.Fatalf("SSE-KMS put with blue's key: %v", err)
	}
	if got, err := opKMS.get("op-enc", "k"); err != nil || got != "secret" {
		t.Errorf("read back: %q, %v", got, err)
	}
	// Blue revokes the grant: the object can no longer be read.
	_, err = b.kms.PutKeyPolicy(w.ctx, &kms.PutKeyPolicyInput{KeyId: aws.String(keyARN), PolicyName: aws.String("default"), Policy: aws.String(`{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + b.id + `:root"},"Action":"kms:*","Resource":"*"}]}`)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = opKMS.get("op-enc", "k")
	wantCode(t, "read after the key policy no longer grants", err, "AccessDenied")
	var ae smithy.APIError
	_ = ae
}
