package server_test

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/hoard-s3/hoard/internal/adminapi"
	"github.com/hoard-s3/hoard/internal/server"
	"github.com/hoard-s3/hoard/internal/sse"
	"github.com/hoard-s3/hoard/internal/testserver"
)

type keyPair struct{ name, id, secret, token string }

// After rotate-root-key, every credential of every account still signs and
// every encrypted object still reads with the old root keys removed from
// the key file: nothing is left wrapped under them.
func TestRotateRootKeyCoversEveryAccount(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	srv := testserver.Start(t, testserver.WithDataDir(dir))
	hc := srv.HTTPClient()
	ep := aws.String(srv.URL)
	prov := func(k keyPair) aws.CredentialsProvider {
		return credentials.NewStaticCredentialsProvider(k.id, k.secret, k.token)
	}
	iamOf := func(k keyPair) *iam.Client {
		return iam.New(iam.Options{Region: testserver.Region, BaseEndpoint: ep, Credentials: prov(k), HTTPClient: hc, RetryMaxAttempts: 1})
	}
	stsOf := func(k keyPair) *sts.Client {
		return sts.New(sts.Options{Region: testserver.Region, BaseEndpoint: ep, Credentials: prov(k), HTTPClient: hc, RetryMaxAttempts: 1})
	}
	s3Of := func(k keyPair) *s3.Client { return srv.Client(func(o *s3.Options) { o.Credentials = prov(k) }) }

	admin := &adminapi.Client{Endpoint: srv.URL, AccessKey: testserver.AccessKey, SecretKey: testserver.SecretKey}
	acct, err := admin.Create(ctx, adminapi.CreateRequest{Name: "blue"})
	if err != nil {
		t.Fatal(err)
	}
	opRoot := keyPair{"operator root", testserver.AccessKey, testserver.SecretKey, ""}
	blueRoot := keyPair{"blue root", acct.RootAccessKey, acct.RootSecretKey, ""}
	creds := []keyPair{opRoot, blueRoot}
	userKey := func(root keyPair, name string) keyPair {
		t.Helper()
		c := iamOf(root)
		if _, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(name)}); err != nil {
			t.Fatal(err)
		}
		k, err := c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(name)})
		if err != nil {
			t.Fatal(err)
		}
		return keyPair{root.name + "'s user " + name, aws.ToString(k.AccessKey.AccessKeyId), aws.ToString(k.AccessKey.SecretAccessKey), ""}
	}
	creds = append(creds, userKey(opRoot, "ann"), userKey(blueRoot, "bob"))
	own, err := iamOf(blueRoot).CreateAccessKey(ctx, &iam.CreateAccessKeyInput{})
	if err != nil {
		t.Fatal(err)
	}
	creds = append(creds, keyPair{"blue root's own key", aws.ToString(own.AccessKey.AccessKeyId), aws.ToString(own.AccessKey.SecretAccessKey), ""})
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + acct.ID + `"},"Action":"sts:AssumeRole"}]}`
	role, err := iamOf(blueRoot).CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(trust)})
	if err != nil {
		t.Fatal(err)
	}
	sess, err := stsOf(blueRoot).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: role.Role.Arn, RoleSessionName: aws.String("rot")})
	if err != nil {
		t.Fatal(err)
	}
	c := sess.Credentials
	creds = append(creds, keyPair{"blue role session", aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken)})

	// Encrypted objects of both accounts: SSE-S3, and SSE-KMS under blue's key.
	key, err := kms.New(kms.Options{Region: testserver.Region, BaseEndpoint: ep, Credentials: prov(blueRoot), HTTPClient: hc, RetryMaxAttempts: 1}).
		CreateKey(ctx, &kms.CreateKeyInput{})
	if err != nil {
		t.Fatal(err)
	}
	objects := []struct {
		who          keyPair
		bucket, key  string
		sse          s3types.ServerSideEncryption
		kmsKey, body string
	}{
		{opRoot, "op-bucket", "s3", s3types.ServerSideEncryptionAes256, "", "operator data"},
		{blueRoot, "blue-bucket", "s3", s3types.ServerSideEncryptionAes256, "", "blue data"},
		{blueRoot, "blue-bucket", "kms", s3types.ServerSideEncryptionAwsKms, aws.ToString(key.KeyMetadata.Arn), "blue kms data"},
	}
	for _, o := range objects {
		cl := s3Of(o.who)
		if _, err := cl.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(o.bucket)}); err != nil && !strings.Contains(err.Error(), "BucketAlreadyOwnedByYou") {
			t.Fatal(err)
		}
		in := &s3.PutObjectInput{Bucket: aws.String(o.bucket), Key: aws.String(o.key), Body: strings.NewReader(o.body), ServerSideEncryption: o.sse}
		if o.kmsKey != "" {
			in.SSEKMSKeyId = aws.String(o.kmsKey)
		}
		if _, err := cl.PutObject(ctx, in); err != nil {
			t.Fatalf("put %s/%s: %v", o.bucket, o.key, err)
		}
	}
	srv.Stop(t)

	newID, n, err := server.RotateRootKey(ctx, dir, "")
	if err != nil {
		t.Fatal(err)
	}
	if n < len(creds)+len(objects) {
		t.Errorf("re-wrapped %d records, fewer than the %d credentials and objects", n, len(creds)+len(objects))
	}
	retireOldKeys(t, filepath.Join(dir, sse.KeyFileName), newID)

	srv = testserver.Start(t, testserver.WithDataDir(dir))
	hc, ep = srv.HTTPClient(), aws.String(srv.URL)
	for _, k := range creds {
		id, err := stsOf(k).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil {
			t.Errorf("%s no longer signs after the rotation: %v", k.name, err)
			continue
		}
		if _, err := s3Of(k).ListBuckets(ctx, &s3.ListBucketsInput{}); err != nil && !strings.Contains(err.Error(), "AccessDenied") {
			t.Errorf("%s (%s) on S3: %v", k.name, aws.ToString(id.Arn), err)
		}
	}
	for _, o := range objects {
		out, err := s3Of(o.who).GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(o.bucket), Key: aws.String(o.key)})
		if err != nil {
			t.Errorf("read %s/%s after the rotation: %v", o.bucket, o.key, err)
			continue
		}
		got, err := io.ReadAll(out.Body)
		out.Body.Close()
		if err != nil || string(got) != o.body {
			t.Errorf("%s/%s reads %q, %v", o.bucket, o.key, got, err)
		}
	}
}

// retireOldKeys leaves only the key named id in the key file, as an
// operator retiring old root keys would.
func retireOldKeys(t *testing.T, path, id string) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var f map[string]json.RawMessage
	var keys []map[string]any
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(f["keys"], &keys); err != nil {
		t.Fatal(err)
	}
	var kept []map[string]any
	for _, k := range keys {
		if k["id"] == id {
			kept = append(kept, k)
		}
	}
	if len(keys) < 2 || len(kept) != 1 {
		t.Fatalf("key file holds %d keys, %d named %s", len(keys), len(kept), id)
	}
	if f["keys"], err = json.Marshal(kept); err != nil {
		t.Fatal(err)
	}
	if raw, err = json.Marshal(f); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
}
