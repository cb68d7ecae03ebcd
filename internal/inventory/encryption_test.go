package inventory_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/hoard-s3/hoard/internal/inventory"
	"github.com/hoard-s3/hoard/internal/object"
)

// TestReportEncryption: report objects take the configuration's SSE-KMS
// key, and without one the destination bucket's default encryption.
func TestReportEncryption(t *testing.T) {
	e := newEnv(t)
	e.bucket("src", false)
	e.bucket("dst", false)
	e.put("src", "k", "v")
	k, err := e.srv.KMSClient().CreateKey(e.ctx, &kms.CreateKeyInput{Description: aws.String("inventory")})
	if err != nil {
		t.Fatal(err)
	}
	keyARN := *k.KeyMetadata.Arn
	check := func(rep *inventory.Report, wantSSE types.ServerSideEncryption, wantKey string) {
		t.Helper()
		keys := []string{rep.ManifestKey, rep.ChecksumKey, rep.SymlinkKey}
		for _, f := range rep.Files {
			keys = append(keys, f.Key)
		}
		for _, key := range keys {
			h, err := e.c.HeadObject(e.ctx, &s3.HeadObjectInput{Bucket: aws.String("dst"), Key: aws.String(key)})
			if err != nil {
				t.Fatal(err)
			}
			if h.ServerSideEncryption != wantSSE || (wantKey != "" && !strings.Contains(aws.ToString(h.SSEKMSKeyId), wantKey)) {
				t.Errorf("%s: %s %q, want %s %s", key, h.ServerSideEncryption, aws.ToString(h.SSEKMSKeyId), wantSSE, wantKey)
			}
		}
	}
	c := &object.InventoryConfiguration{ID: "kms", Enabled: true, Versions: "Current", Frequency: "Daily",
		Destination: object.InventoryDestination{BucketARN: "arn:aws:s3:::dst", Bucket: "dst", Format: "CSV",
			Encryption: object.InventorySSEKMS, KMSKeyID: keyARN}}
	run := func(id string) *inventory.Report {
		t.Helper()
		c.ID = id
		if err := e.srv.Server().Service().PutBucketInventory(e.ctx, "src", id, c); err != nil {
			t.Fatal(err)
		}
		rep, err := e.srv.Server().Inventory().RunNow(e.ctx, "src", id)
		if err != nil {
			t.Fatal(err)
		}
		return rep
	}
	rep := run("kms")
	if err != nil {
		t.Fatal(err)
	}
	check(rep, types.ServerSideEncryptionAwsKms, *k.KeyMetadata.KeyId)

	_, err = e.c.PutBucketEncryption(e.ctx, &s3.PutBucketEncryptionInput{Bucket: aws.String("dst"),
		ServerSideEncryptionConfiguration: &types.ServerSideEncryptionConfiguration{Rules: []types.ServerSideEncryptionRule{{
			ApplyServerSideEncryptionByDefault: &types.ServerSideEncryptionByDefault{
				SSEAlgorithm: types.ServerSideEncryptionAwsKms, KMSMasterKeyID: aws.String(keyARN)}}}}})
	if err != nil {
		t.Fatal(err)
	}
	c.Destination.Encryption, c.Destination.KMSKeyID = "", ""
	rep = run("default")
	check(rep, types.ServerSideEncryptionAwsKms, *k.KeyMetadata.KeyId)

	c.Destination.Encryption = object.InventorySSES3
	rep = run("s3")
	check(rep, types.ServerSideEncryptionAes256, "")
}
