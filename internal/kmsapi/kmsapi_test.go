package kmsapi_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awskms "github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
)

func TestKeyLifecycle(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	before := time.Now().Add(-time.Second)
	out, err := e.client.CreateKey(ctx, &awskms.CreateKeyInput{Description: aws.String("first")})
	if err != nil {
		t.Fatal(err)
	}
	m := out.KeyMetadata
	if aws.ToString(m.Arn) != "arn:aws:kms:us-east-1:123456789012:key/"+aws.ToString(m.KeyId) ||
		aws.ToString(m.AWSAccountId) != account || !m.Enabled || m.KeyState != types.KeyStateEnabled ||
		m.KeyUsage != types.KeyUsageTypeEncryptDecrypt || m.KeySpec != types.KeySpecSymmetricDefault ||
		m.KeyManager != types.KeyManagerTypeCustomer || aws.ToString(m.Description) != "first" ||
		m.Origin != types.OriginTypeAwsKms || m.CreationDate == nil || m.CreationDate.Before(before) {
		t.Fatalf("CreateKey metadata = %+v", m)
	}
	id := aws.ToString(m.KeyId)

	if _, err := e.client.DisableKey(ctx, &awskms.DisableKeyInput{KeyId: m.Arn}); err != nil {
		t.Fatal(err)
	}
	d, err := e.client.DescribeKey(ctx, &awskms.DescribeKeyInput{KeyId: &id})
	if err != nil || d.KeyMetadata.Enabled || d.KeyMetadata.KeyState != types.KeyStateDisabled {
		t.Fatalf("after DisableKey: %+v, %v", d, err)
	}
	if _, err := e.client.EnableKey(ctx, &awskms.EnableKeyInput{KeyId: &id}); err != nil {
		t.Fatal(err)
	}
	d, err = e.client.DescribeKey(ctx, &awskms.DescribeKeyInput{KeyId: &id})
	if err != nil || !d.KeyMetadata.Enabled {
		t.Fatalf("after EnableKey: %+v, %v", d, err)
	}

	s, err := e.client.ScheduleKeyDeletion(ctx, &awskms.ScheduleKeyDeletionInput{KeyId: &id, PendingWindowInDays: aws.Int32(7)})
	if err != nil || s.KeyState != types.KeyStatePendingDeletion || aws.ToInt32(s.PendingWindowInDays) != 7 ||
		aws.ToString(s.KeyId) != aws.ToString(m.Arn) || s.DeletionDate == nil || s.DeletionDate.Sub(time.Now()) < 6*24*time.Hour {
		t.Fatalf("ScheduleKeyDeletion = %+v, %v", s, err)
	}
	d, _ = e.client.DescribeKey(ctx, &awskms.DescribeKeyInput{KeyId: &id})
	if d.KeyMetadata.DeletionDate == nil {
		t.Fatalf("DescribeKey of a key pending deletion has no DeletionDate")
	}
	_, err = e.client.EnableKey(ctx, &awskms.EnableKeyInput{KeyId: &id})
	wantAPIError[*types.KMSInvalidStateException](t, err)
	_, err = e.client.ScheduleKeyDeletion(ctx, &awskms.ScheduleKeyDeletionInput{KeyId: &id, PendingWindowInDays: aws.Int32(3)})
	wantCode(t, err, "ValidationException")
	c, err := e.client.CancelKeyDeletion(ctx, &awskms.CancelKeyDeletionInput{KeyId: &id})
	if err != nil || aws.ToString(c.KeyId) != aws.ToString(m.Arn) {
		t.Fatalf("CancelKeyDeletion = %+v, %v", c, err)
	}
	d, _ = e.client.DescribeKey(ctx, &awskms.DescribeKeyInput{KeyId: &id})
	if d.KeyMetadata.KeyState != types.KeyStateDisabled {
		t.Fatalf("after CancelKeyDeletion: %s", d.KeyMetadata.KeyState)
	}
	_, err = e.client.CancelKeyDeletion(ctx, &awskms.CancelKeyDeletionInput{KeyId: &id})
	wantAPIError[*types.KMSInvalidStateException](t, err)

	for _, ref := range []string{"00000000-0000-0000-0000-000000000000", "alias/none", "garbage"} {
		_, err = e.client.DescribeKey(ctx, &awskms.DescribeKeyInput{KeyId: aws.String(ref)})
		wantAPIError[*types.NotFoundException](t, err)
		_, err = e.client.DisableKey(ctx, &awskms.DisableKeyInput{KeyId: aws.String(ref)})
		wantAPIError[*types.NotFoundException](t, err)
	}
}

func TestCreateKeyUnsupported(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for name, in := range map[string]*awskms.CreateKeyInput{
		"rsa":          {KeySpec: types.KeySpecRsa2048},
		"sign":         {KeyUsage: types.KeyUsageTypeSignVerify},
		"external":     {Origin: types.OriginTypeExternal},
		"multi-region": {MultiRegion: aws.Bool(true)},
		"tags":         {Tags: []types.Tag{{TagKey: aws.String("a"), TagValue: aws.String("b")}}},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := e.client.CreateKey(ctx, in)
			wantAPIError[*types.UnsupportedOperationException](t, err)
		})
	}
	out, err := e.client.CreateKey(ctx, &awskms.CreateKeyInput{
		KeySpec: types.KeySpecSymmetricDefault, KeyUsage: types.KeyUsageTypeEncryptDecrypt, Origin: types.OriginTypeAwsKms,
	})
	if err != nil || out.KeyMetadata.KeyState != types.KeyStateEnabled {
		t.Fatalf("explicit symmetric CreateKey = %v", err)
	}
}

func TestListKeysPaging(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	want := map[string]bool{}
	for range 5 {
		out, err := e.client.CreateKey(ctx, &awskms.CreateKeyInput{})
		if err != nil {
			t.Fatal(err)
		}
		want[aws.ToString(out.KeyMetadata.KeyId)] = true
	}
	got := map[string]bool{}
	p := awskms.NewListKeysPaginator(e.client, &awskms.ListKeysInput{Limit: aws.Int32(2)})
	pages := 0
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, k := range page.Keys {
			if !want[aws.ToString(k.KeyId)] || got[aws.ToString(k.KeyId)] || aws.ToString(k.KeyArn) == "" {
				t.Fatalf("unexpected entry %+v", k)
			}
			got[aws.ToString(k.KeyId)] = true
		}
	}
	if pages != 3 || len(got) != 5 {
		t.Fatalf("%d pages, %d keys", pages, len(got))
	}
	_, err := e.client.ListKeys(ctx, &awskms.ListKeysInput{Limit: aws.Int32(1001)})
	wantCode(t, err, "ValidationException")
	_, err = e.client.ListKeys(ctx, &awskms.ListKeysInput{Marker: aws.String("nope")})
	wantAPIError[*types.InvalidMarkerException](t, err)
}

func TestAliases(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	k1, err := e.client.CreateKey(ctx, &awskms.CreateKeyInput{})
	if err != nil {
		t.Fatal(err)
	}
	k2, err := e.client.CreateKey(ctx, &awskms.CreateKeyInput{})
	if err != nil {
		t.Fatal(err)
	}
	id1, id2 := aws.ToString(k1.KeyMetadata.KeyId), aws.ToString(k2.KeyMetadata.KeyId)
	if _, err := e.client.CreateAlias(ctx, &awskms.CreateAliasInput{AliasName: aws.String("alias/app"), TargetKeyId: &id1}); err != nil {
		t.Fatal(err)
	}
	_, err = e.client.CreateAlias(ctx, &awskms.CreateAliasInput{AliasName: aws.String("alias/app"), TargetKeyId: &id2})
	wantAPIError[*types.AlreadyExistsException](t, err)
	for _, bad := range []string{"alias/aws/s3", "alias/has space", "noprefix"} {
		_, err = e.client.CreateAlias(ctx, &awskms.CreateAliasInput{AliasName: aws.String(bad), TargetKeyId: &id1})
		wantAPIError[*types.InvalidAliasNameException](t, err)
	}
	_, err = e.client.CreateAlias(ctx, &awskms.CreateAliasInput{AliasName: aws.String("alias/x"), TargetKeyId: aws.String("00000000-0000-0000-0000-000000000000")})
	wantAPIError[*types.NotFoundException](t, err)

	d, err := e.client.DescribeKey(ctx, &awskms.DescribeKeyInput{KeyId: aws.String("alias/app")})
	if err != nil || aws.ToString(d.KeyMetadata.KeyId) != id1 {
		t.Fatalf("DescribeKey(alias/app) = %v", err)
	}
	if _, err := e.client.UpdateAlias(ctx, &awskms.UpdateAliasInput{AliasName: aws.String("alias/app"), TargetKeyId: &id2}); err != nil {
		t.Fatal(err)
	}
	_, err = e.client.UpdateAlias(ctx, &awskms.UpdateAliasInput{AliasName: aws.String("alias/none"), TargetKeyId: &id2})
	wantAPIError[*types.NotFoundException](t, err)
	if _, err := e.client.CreateAlias(ctx, &awskms.CreateAliasInput{AliasName: aws.String("alias/b"), TargetKeyId: &id2}); err != nil {
		t.Fatal(err)
	}

	var names []string
	p := awskms.NewListAliasesPaginator(e.client, &awskms.ListAliasesInput{KeyId: &id2, Limit: aws.Int32(1)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range page.Aliases {
			if aws.ToString(a.TargetKeyId) != id2 || aws.ToString(a.AliasArn) != "arn:aws:kms:us-east-1:123456789012:"+aws.ToString(a.AliasName) || a.CreationDate == nil {
				t.Fatalf("alias entry %+v", a)
			}
			names = append(names, aws.ToString(a.AliasName))
		}
	}
	if len(names) != 2 || names[0] != "alias/app" || names[1] != "alias/b" {
		t.Fatalf("aliases of key 2 = %v", names)
	}
	all, err := e.client.ListAliases(ctx, &awskms.ListAliasesInput{KeyId: &id1})
	if err != nil || len(all.Aliases) != 0 {
		t.Fatalf("aliases of key 1 = %+v, %v", all, err)
	}

	if _, err := e.client.DeleteAlias(ctx, &awskms.DeleteAliasInput{AliasName: aws.String("alias/app")}); err != nil {
		t.Fatal(err)
	}
	_, err = e.client.DeleteAlias(ctx, &awskms.DeleteAliasInput{AliasName: aws.String("alias/app")})
	wantAPIError[*types.NotFoundException](t, err)
}

func TestDataKeysAndEncryption(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	k, err := e.client.CreateKey(ctx, &awskms.CreateKeyInput{})
	if err != nil {
		t.Fatal(err)
	}
	arn := k.KeyMetadata.Arn
	encCtx := map[string]string{"purpose": "test", "aws:s3:arn": "arn:aws:s3:::b"}

	gdk, err := e.client.GenerateDataKey(ctx, &awskms.GenerateDataKeyInput{KeyId: arn, KeySpec: types.DataKeySpecAes256, EncryptionContext: encCtx})
	if err != nil || len(gdk.Plaintext) != 32 || aws.ToString(gdk.KeyId) != aws.ToString(arn) {
		t.Fatalf("GenerateDataKey = %+v, %v", gdk, err)
	}
	dec, err := e.client.Decrypt(ctx, &awskms.DecryptInput{CiphertextBlob: gdk.CiphertextBlob, EncryptionContext: encCtx})
	if err != nil || !bytes.Equal(dec.Plaintext, gdk.Plaintext) || aws.ToString(dec.KeyId) != aws.ToString(arn) ||
		dec.EncryptionAlgorithm != types.EncryptionAlgorithmSpecSymmetricDefault {
		t.Fatalf("Decrypt = %+v, %v", dec, err)
	}
	_, err = e.client.Decrypt(ctx, &awskms.DecryptInput{CiphertextBlob: gdk.CiphertextBlob, EncryptionContext: map[string]string{"purpose": "other"}})
	wantAPIError[*types.InvalidCiphertextException](t, err)
	bad := bytes.Clone(gdk.CiphertextBlob)
	bad[len(bad)-1] ^= 1
	_, err = e.client.Decrypt(ctx, &awskms.DecryptInput{CiphertextBlob: bad, EncryptionContext: encCtx})
	wantAPIError[*types.InvalidCiphertextException](t, err)
	_, err = e.client.Decrypt(ctx, &awskms.DecryptInput{CiphertextBlob: []byte("not a blob")})
	wantAPIError[*types.InvalidCiphertextException](t, err)

	g128, err := e.client.GenerateDataKey(ctx, &awskms.GenerateDataKeyInput{KeyId: arn, KeySpec: types.DataKeySpecAes128})
	if err != nil || len(g128.Plaintext) != 16 {
		t.Fatalf("AES_128 = %v", err)
	}
	gn, err := e.client.GenerateDataKey(ctx, &awskms.GenerateDataKeyInput{KeyId: arn, NumberOfBytes: aws.Int32(1024)})
	if err != nil || len(gn.Plaintext) != 1024 {
		t.Fatalf("NumberOfBytes 1024 = %v", err)
	}
	for _, in := range []*awskms.GenerateDataKeyInput{
		{KeyId: arn},
		{KeyId: arn, KeySpec: types.DataKeySpecAes256, NumberOfBytes: aws.Int32(32)},
		{KeyId: arn, NumberOfBytes: aws.Int32(1025)},
		{KeyId: arn, NumberOfBytes: aws.Int32(0)},
	} {
		_, err := e.client.GenerateDataKey(ctx, in)
		wantCode(t, err, "ValidationException")
	}

	// The AWS managed key is for S3 only, even to the root.
	_, err = e.client.GenerateDataKeyWithoutPlaintext(ctx, &awskms.GenerateDataKeyWithoutPlaintextInput{KeyId: aws.String("alias/aws/s3"), KeySpec: types.DataKeySpecAes256})
	wantCode(t, err, "AccessDeniedException")
	wp, err := e.client.GenerateDataKeyWithoutPlaintext(ctx, &awskms.GenerateDataKeyWithoutPlaintextInput{KeyId: arn, KeySpec: types.DataKeySpecAes256})
	if err != nil || len(wp.CiphertextBlob) == 0 {
		t.Fatalf("GenerateDataKeyWithoutPlaintext = %+v, %v", wp, err)
	}
	dec, err = e.client.Decrypt(ctx, &awskms.DecryptInput{CiphertextBlob: wp.CiphertextBlob, KeyId: arn})
	if err != nil || len(dec.Plaintext) != 32 {
		t.Fatalf("Decrypt of a data key naming its key = %v", err)
	}
	other, err := e.client.CreateKey(ctx, &awskms.CreateKeyInput{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.client.Decrypt(ctx, &awskms.DecryptInput{CiphertextBlob: wp.CiphertextBlob, KeyId: other.KeyMetadata.Arn})
	wantAPIError[*types.IncorrectKeyException](t, err)

	enc, err := e.client.Encrypt(ctx, &awskms.EncryptInput{KeyId: arn, Plaintext: []byte("attack at dawn"), EncryptionContext: encCtx})
	if err != nil || enc.EncryptionAlgorithm != types.EncryptionAlgorithmSpecSymmetricDefault {
		t.Fatalf("Encrypt = %v", err)
	}
	re, err := e.client.ReEncrypt(ctx, &awskms.ReEncryptInput{
		CiphertextBlob: enc.CiphertextBlob, SourceEncryptionContext: encCtx, DestinationKeyId: other.KeyMetadata.KeyId,
	})
	if err != nil || aws.ToString(re.SourceKeyId) != aws.ToString(arn) || aws.ToString(re.KeyId) != aws.ToString(other.KeyMetadata.Arn) {
		t.Fatalf("ReEncrypt = %+v, %v", re, err)
	}
	dec, err = e.client.Decrypt(ctx, &awskms.DecryptInput{CiphertextBlob: re.CiphertextBlob})
	if err != nil || string(dec.Plaintext) != "attack at dawn" {
		t.Fatalf("Decrypt after ReEncrypt = %v", err)
	}

	_, err = e.client.Encrypt(ctx, &awskms.EncryptInput{KeyId: arn, Plaintext: make([]byte, 4097)})
	wantCode(t, err, "ValidationException")
	_, err = e.client.Encrypt(ctx, &awskms.EncryptInput{KeyId: arn, Plaintext: []byte("x"), EncryptionAlgorithm: types.EncryptionAlgorithmSpecRsaesOaepSha256})
	wantAPIError[*types.InvalidKeyUsageException](t, err)
	_, err = e.client.Encrypt(ctx, &awskms.EncryptInput{KeyId: aws.String("alias/missing"), Plaintext: []byte("x")})
	wantAPIError[*types.NotFoundException](t, err)

	if _, err := e.client.DisableKey(ctx, &awskms.DisableKeyInput{KeyId: arn}); err != nil {
		t.Fatal(err)
	}
	_, err = e.client.Encrypt(ctx, &awskms.EncryptInput{KeyId: arn, Plaintext: []byte("x")})
	wantAPIError[*types.DisabledException](t, err)
	_, err = e.client.Decrypt(ctx, &awskms.DecryptInput{CiphertextBlob: gdk.CiphertextBlob, EncryptionContext: encCtx})
	wantAPIError[*types.DisabledException](t, err)
	_, err = e.client.GenerateDataKey(ctx, &awskms.GenerateDataKeyInput{KeyId: arn, KeySpec: types.DataKeySpecAes256})
	wantAPIError[*types.DisabledException](t, err)

	r, err := e.client.GenerateRandom(ctx, &awskms.GenerateRandomInput{NumberOfBytes: aws.Int32(48)})
	if err != nil || len(r.Plaintext) != 48 {
		t.Fatalf("GenerateRandom = %v", err)
	}
	_, err = e.client.GenerateRandom(ctx, &awskms.GenerateRandomInput{})
	wantCode(t, err, "ValidationException")
}

func TestManagedKey(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	d, err := e.client.DescribeKey(ctx, &awskms.DescribeKeyInput{KeyId: aws.String("alias/aws/s3")})
	if err != nil || d.KeyMetadata.KeyManager != types.KeyManagerTypeAws {
		t.Fatalf("DescribeKey(alias/aws/s3) = %+v, %v", d, err)
	}
	// Its key policy lets nobody change it.
	_, err = e.client.DisableKey(ctx, &awskms.DisableKeyInput{KeyId: d.KeyMetadata.KeyId})
	wantCode(t, err, "AccessDeniedException")
	_, err = e.client.PutKeyPolicy(ctx, &awskms.PutKeyPolicyInput{KeyId: d.KeyMetadata.KeyId, Policy: aws.String(defaultPolicy)})
	wantCode(t, err, "AccessDeniedException")
	pol, err := e.client.GetKeyPolicy(ctx, &awskms.GetKeyPolicyInput{KeyId: d.KeyMetadata.KeyId})
	if err != nil || !strings.Contains(aws.ToString(pol.Policy), `"kms:ViaService" : "s3.us-east-1.amazonaws.com"`) {
		t.Fatalf("GetKeyPolicy(aws/s3) = %v, %v", aws.ToString(pol.Policy), err)
	}
	_, err = e.client.DeleteAlias(ctx, &awskms.DeleteAliasInput{AliasName: aws.String("alias/aws/s3")})
	wantAPIError[*types.InvalidAliasNameException](t, err)
	list, err := e.client.ListAliases(ctx, &awskms.ListAliasesInput{})
	if err != nil || len(list.Aliases) != 1 || aws.ToString(list.Aliases[0].AliasName) != "alias/aws/s3" {
		t.Fatalf("ListAliases = %+v, %v", list, err)
	}
}
