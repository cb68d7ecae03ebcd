package s3api_test

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"github.com/hoard-s3/hoard/internal/testserver"
)

type kmsKey struct{ KeyID, ARN string }

// createKey makes a customer managed key as the root, through the KMS API.
func (e *env) createKey(desc string) kmsKey {
	e.t.Helper()
	out, err := e.srv.KMSClient().CreateKey(e.ctx, &kms.CreateKeyInput{Description: aws.String(desc)})
	if err != nil {
		e.t.Fatalf("create key: %v", err)
	}
	return kmsKey{aws.ToString(out.KeyMetadata.KeyId), aws.ToString(out.KeyMetadata.Arn)}
}

func (e *env) kmsAs(p *principal) *kms.Client {
	return kms.New(kms.Options{
		Region: testserver.Region, BaseEndpoint: aws.String(e.srv.URL), RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider(p.key, p.secret, p.token), HTTPClient: e.srv.HTTPClient(),
	})
}

func (e *env) putKMSAs(p *principal, key, keyID string) error {
	in := &s3.PutObjectInput{Bucket: aws.String(e.bucket), Key: aws.String(key), Body: strings.NewReader("kms data " + key),
		ServerSideEncryption: types.ServerSideEncryptionAwsKms}
	if keyID != "" {
		in.SSEKMSKeyId = aws.String(keyID)
	}
	_, err := p.c.PutObject(e.ctx, in)
	return err
}

func (e *env) getBodyAs(p *principal, key string) (string, error) {
	out, err := p.c.GetObject(e.ctx, &s3.GetObjectInput{Bucket: aws.String(e.bucket), Key: aws.String(key)})
	if err != nil {
		return "", err
	}
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	return string(b), err
}

func (e *env) s3Policy() string {
	return allowDoc(`["s3:PutObject","s3:GetObject"]`, `"arn:aws:s3:::`+e.bucket+`/*"`)
}

// TestSSEKMSNeedsKeyPermissions: SSE-KMS through S3 is authorized by the
// key service as in AWS: writing needs kms:GenerateDataKey on the key and
// reading kms:Decrypt, besides the S3 permission; a user without them is
// refused with AccessDenied and nothing is stored.
func TestSSEKMSNeedsKeyPermissions(t *testing.T) {
	e := newEnv(t)
	k, other := e.createKey("objects"), e.createKey("other")
	keyUse := allowDoc(`["kms:GenerateDataKey","kms:Decrypt"]`, `"`+k.ARN+`"`)

	s3Only := e.newUser(e.s3Policy())
	wantCode(t, e.putKMSAs(s3Only, "denied", k.KeyID), "AccessDenied")
	if e.objectExists("denied") {
		t.Fatal("a refused SSE-KMS PUT stored the object")
	}
	// The root writes; a user allowed S3 but not the key cannot read.
	if err := e.putKMSAs(e.rootPrincipal(), "byroot", k.ARN); err != nil {
		t.Fatal(err)
	}
	_, err := e.getBodyAs(s3Only, "byroot")
	wantCode(t, err, "AccessDenied")

	user := e.newUser(e.s3Policy(), keyUse)
	if err := e.putKMSAs(user, "mine", k.KeyID); err != nil {
		t.Fatalf("PUT with kms:GenerateDataKey: %v", err)
	}
	for _, key := range []string{"mine", "byroot"} {
		if body, err := e.getBodyAs(user, key); err != nil || body != "kms data "+key {
			t.Fatalf("GET %s with kms:Decrypt: %q, %v", key, body, err)
		}
	}
	// Allowed on one key only.
	wantCode(t, e.putKMSAs(user, "other", other.KeyID), "AccessDenied")
	// The data key is made before the body is stored: the multipart and
	// copy paths ask too.
	_, err = user.c.CreateMultipartUpload(e.ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String(e.bucket), Key: aws.String("mp"),
		ServerSideEncryption: types.ServerSideEncryptionAwsKms, SSEKMSKeyId: aws.String(other.KeyID)})
	if err == nil {
		_, err = user.c.UploadPart(e.ctx, &s3.UploadPartInput{Bucket: aws.String(e.bucket), Key: aws.String("mp"), PartNumber: aws.Int32(1), Body: strings.NewReader("p")})
	}
	if err == nil {
		t.Fatal("multipart upload under a key the user may not use went through")
	}
	copyIn := &s3.CopyObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("copy"), CopySource: aws.String(e.bucket + "/byroot")}
	_, err = s3Only.c.CopyObject(e.ctx, copyIn)
	wantCode(t, err, "AccessDenied")

	// An explicit Deny of kms:Decrypt wins over the Allow.
	denied := e.newUser(e.s3Policy(), keyUse, `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"kms:*","Resource":"*"}]}`)
	_, err = e.getBodyAs(denied, "mine")
	wantCode(t, err, "AccessDenied")
	wantCode(t, e.putKMSAs(denied, "d2", k.KeyID), "AccessDenied")

	// Only kms:Decrypt: reads, cannot write.
	reader := e.newUser(e.s3Policy(), allowDoc(`"kms:Decrypt"`, `"`+k.ARN+`"`))
	if _, err := e.getBodyAs(reader, "mine"); err != nil {
		t.Fatal(err)
	}
	wantCode(t, e.putKMSAs(reader, "r2", k.KeyID), "AccessDenied")
}

// TestManagedKeyOnlyThroughS3: the AWS managed key aws/s3 serves every
// principal of the account through S3, without any KMS permission, and
// nobody directly; an explicit Deny still applies.
func TestManagedKeyOnlyThroughS3(t *testing.T) {
	e := newEnv(t)
	user := e.newUser(e.s3Policy())
	if err := e.putKMSAs(user, "managed", ""); err != nil {
		t.Fatalf("PUT under aws/s3 as a user: %v", err)
	}
	if body, err := e.getBodyAs(user, "managed"); err != nil || body != "kms data managed" {
		t.Fatalf("GET under aws/s3: %q, %v", body, err)
	}
	// Directly through KMS, neither the user (even allowed kms:*) nor the root may use it.
	all := e.newUser(allowDoc(`"kms:*"`, `"*"`))
	for _, c := range []*kms.Client{e.kmsAs(all), e.srv.KMSClient()} {
		_, err := c.GenerateDataKey(e.ctx, &kms.GenerateDataKeyInput{KeyId: aws.String("alias/aws/s3"), NumberOfBytes: aws.Int32(32)})
		wantKMSCode(t, err, "AccessDeniedException")
	}
	denied := e.newUser(e.s3Policy(), `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"kms:*","Resource":"*"}]}`)
	wantCode(t, e.putKMSAs(denied, "d", ""), "AccessDenied")
	_, err := e.getBodyAs(denied, "managed")
	wantCode(t, err, "AccessDenied")
}

// TestKeyPolicyConditions: a key policy that names a user directly grants
// without any IAM policy, and its kms:ViaService and encryption-context
// conditions hold.
func TestKeyPolicyConditions(t *testing.T) {
	e := newEnv(t)
	k := e.createKey("conditioned")
	user := e.newUser(e.s3Policy())
	acct := e.identities().AccountID()
	doc := `{"Version":"2012-10-17","Statement":[
	 {"Sid":"root","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + acct + `:root"},"Action":"kms:*","Resource":"*"},
	 {"Sid":"user via S3 under one prefix","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + acct + `:user/` + user.name + `"},
	  "Action":["kms:GenerateDataKey","kms:Decrypt"],"Resource":"*",
	  "Condition":{"StringEquals":{"kms:ViaService":"s3.` + testserver.Region + `.amazonaws.com","kms:CallerAccount":"` + acct + `"},
	   "StringLike":{"kms:EncryptionContext:aws:s3:arn":"arn:aws:s3:::` + e.bucket + `/ok/*"}}}]}`
	if _, err := e.srv.KMSClient().PutKeyPolicy(e.ctx, &kms.PutKeyPolicyInput{KeyId: &k.KeyID, Policy: &doc}); err != nil {
		t.Fatal(err)
	}
	if err := e.putKMSAs(user, "ok/a", k.KeyID); err != nil {
		t.Fatalf("PUT allowed by the key policy: %v", err)
	}
	if body, err := e.getBodyAs(user, "ok/a"); err != nil || body != "kms data ok/a" {
		t.Fatalf("GET allowed by the key policy: %q, %v", body, err)
	}
	wantCode(t, e.putKMSAs(user, "elsewhere", k.KeyID), "AccessDenied")
	// Not through S3: refused.
	_, err := e.kmsAs(user).GenerateDataKey(e.ctx, &kms.GenerateDataKeyInput{KeyId: &k.KeyID, NumberOfBytes: aws.Int32(32),
		EncryptionContext: map[string]string{"aws:s3:arn": "arn:aws:s3:::" + e.bucket + "/ok/b"}})
	wantKMSCode(t, err, "AccessDeniedException")
}

func (e *env) rootPrincipal() *principal {
	return &principal{name: "root", key: testserver.AccessKey, secret: testserver.SecretKey, c: e.c}
}

func wantKMSCode(t *testing.T, err error, code string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != code {
		t.Fatalf("err = %v, want %s", err, code)
	}
}
