package kms_test

import (
	"context"
	"testing"

	"github.com/hoard-s3/hoard/internal/kms"
	"github.com/hoard-s3/hoard/internal/policy"
	"github.com/hoard-s3/hoard/internal/sse"
)

// TestNoCallerNoKey: a call without a caller in its context is refused,
// whatever the operation; only DefaultKey (which reveals an ARN) answers.
func TestNoCallerNoKey(t *testing.T) {
	f := newFixture(t)
	k := f.create(t, "k")
	blob, _, err := f.svc.Encrypt(rootCtx(), k.KeyID, []byte("x"), nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	_, err = f.svc.CreateKey(ctx, kms.CreateKeyInput{})
	mustErr(t, err, sse.ErrKeyAccessDenied)
	_, err = f.svc.DescribeKey(ctx, k.KeyID)
	mustErr(t, err, sse.ErrKeyAccessDenied)
	_, _, err = f.svc.ListKeys(ctx, "", 0)
	mustErr(t, err, sse.ErrKeyAccessDenied)
	mustErr(t, f.svc.DisableKey(ctx, k.KeyID), sse.ErrKeyAccessDenied)
	_, _, err = f.svc.Encrypt(ctx, k.KeyID, []byte("x"), nil)
	mustErr(t, err, sse.ErrKeyAccessDenied)
	_, err = f.svc.Decrypt(ctx, k.ARN, blob, nil)
	mustErr(t, err, sse.ErrKeyAccessDenied)
	_, _, _, err = f.svc.GenerateDataKey(ctx, k.ARN, nil)
	mustErr(t, err, sse.ErrKeyAccessDenied)
	mustErr(t, f.svc.CreateAlias(ctx, "alias/x", k.KeyID), sse.ErrKeyAccessDenied)
	_, err = f.svc.GenerateRandom(ctx, 8)
	mustErr(t, err, sse.ErrKeyAccessDenied)
	if _, err := f.svc.DefaultKey(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestRequestAliasCondition: kms:RequestAlias is set when the request
// names the key by an alias.
func TestRequestAliasCondition(t *testing.T) {
	f := newFixture(t)
	k := f.create(t, "k")
	if err := f.svc.CreateAlias(rootCtx(), "alias/app", k.KeyID); err != nil {
		t.Fatal(err)
	}
	doc := `{"Version":"2012-10-17","Statement":[
	 {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"kms:*","Resource":"*"},
	 {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/alice"},"Action":"kms:Encrypt","Resource":"*",
	  "Condition":{"StringEquals":{"kms:RequestAlias":"alias/app"}}}]}`
	if err := f.svc.PutKeyPolicy(rootCtx(), k.KeyID, "default", doc, false); err != nil {
		t.Fatal(err)
	}
	alice := kms.WithCaller(context.Background(), &kms.Caller{Principal: policy.Principal{
		Type: policy.PrincipalUser, ARN: "arn:aws:iam::123456789012:user/alice", Account: "123456789012", UserName: "alice",
	}})
	for _, ref := range []string{"alias/app", "arn:aws:kms:eu-west-1:123456789012:alias/app"} {
		if _, _, err := f.svc.Encrypt(alice, ref, []byte("x"), nil); err != nil {
			t.Fatalf("Encrypt via %s: %v", ref, err)
		}
	}
	for _, ref := range []string{k.KeyID, k.ARN} {
		_, _, err := f.svc.Encrypt(alice, ref, []byte("x"), nil)
		mustErr(t, err, sse.ErrKeyAccessDenied)
	}
	// The policy names alice for Encrypt only.
	_, err := f.svc.DescribeKey(alice, "alias/app")
	mustErr(t, err, sse.ErrKeyAccessDenied)
}
