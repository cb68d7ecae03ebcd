package s3api_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/hoard-s3/hoard/internal/accounts"
	"github.com/hoard-s3/hoard/internal/server"
	"github.com/hoard-s3/hoard/internal/testserver"
)

// TestAuditTrailSeveralAccounts: records name the caller's own account
// (identity, root ARN, recipient) and the bucket owner's account in the
// bucket resource, not the operator's.
func TestAuditTrailSeveralAccounts(t *testing.T) {
	file := filepath.Join(t.TempDir(), "audit.log")
	srv := testserver.Start(t, testserver.WithAudit(server.AuditConfig{File: file, DataEvents: true}))
	ctx := testserver.Context(t)
	second, err := srv.Server().Accounts().Create(ctx, accounts.CreateInput{Name: "second", ID: "111111111111"})
	if err != nil {
		t.Fatal(err)
	}
	creds := credentials.NewStaticCredentialsProvider(second.RootAccessKey, second.RootSecretKey, "")
	c := srv.Client(func(o *s3.Options) { o.Credentials = creds })
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("second-bucket")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("second-bucket"), Key: aws.String("k"), Body: strings.NewReader("v")}); err != nil {
		t.Fatal(err)
	}
	ic := iam.New(iam.Options{Region: testserver.Region, BaseEndpoint: aws.String(srv.URL), Credentials: creds, HTTPClient: srv.HTTPClient()})
	if _, err := ic.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("bob")}); err != nil {
		t.Fatal(err)
	}
	// The operator reads the second account's object through a bucket
	// policy: the bucket resource names the owner's account.
	policy := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::second-bucket/*"}]}`
	if _, err := c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("second-bucket"), Policy: aws.String(policy)}); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Client().GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("second-bucket"), Key: aws.String("k")}); err != nil {
		t.Fatal(err)
	}

	recs, _ := readAuditFile(t, file)
	for _, name := range []string{"CreateBucket", "PutObject"} {
		r := findEvent(recs, "s3.amazonaws.com", name)
		if r == nil || r.UserIdentity.AccountID != "111111111111" || r.UserIdentity.ARN != "arn:aws:iam::111111111111:root" ||
			r.UserIdentity.Type != "Root" || r.RecipientAccountID != "111111111111" || r.UserIdentity.AccessKeyID != second.RootAccessKey {
			t.Errorf("%s record %+v", name, r)
		}
	}
	if r := findEvent(recs, "iam.amazonaws.com", "CreateUser"); r == nil || r.UserIdentity.AccountID != "111111111111" ||
		r.RecipientAccountID != "111111111111" {
		t.Errorf("CreateUser record %+v", r)
	} else if u, _ := r.ResponseElements["user"].(map[string]any); u["arn"] != "arn:aws:iam::111111111111:user/bob" {
		t.Errorf("CreateUser responseElements %v", r.ResponseElements)
	}
	get := findEvent(recs, "s3.amazonaws.com", "GetObject")
	if get == nil || get.UserIdentity.AccountID != "000000000000" || get.RecipientAccountID != "000000000000" {
		t.Fatalf("cross-account GetObject record %+v", get)
	}
	if n := len(get.Resources); n != 2 || get.Resources[1].ARN != "arn:aws:s3:::second-bucket" || get.Resources[1].AccountID != "111111111111" {
		t.Errorf("cross-account GetObject resources %+v", get.Resources)
	}
}
