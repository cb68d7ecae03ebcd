package kms_test

import (
	"context"
	"testing"

	"github.com/hoard-s3/hoard/internal/kms"
	"github.com/hoard-s3/hoard/internal/policy"
)

// BenchmarkDataKeyAsUser is SSE-KMS's per-object call as an IAM user the
// default key policy delegates to an identity policy: authorization and
// sealing a data key (no metadata write).
func BenchmarkDataKeyAsUser(b *testing.B) {
	f := newFixture(b)
	k, err := f.svc.CreateKey(rootCtx(), kms.CreateKeyInput{})
	if err != nil {
		b.Fatal(err)
	}
	id, err := policy.Parse([]byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["kms:GenerateDataKey","kms:Decrypt"],"Resource":"`+k.ARN+`"}]}`), policy.KindUser)
	if err != nil {
		b.Fatal(err)
	}
	ctx := kms.WithCaller(context.Background(), &kms.Caller{
		Principal:  policy.Principal{Type: policy.PrincipalUser, ARN: "arn:aws:iam::123456789012:user/alice", Account: "123456789012", UserName: "alice"},
		Identity:   []*policy.Policy{id},
		ViaService: "s3.eu-west-1.amazonaws.com",
	})
	encCtx := map[string]string{"aws:s3:arn": "arn:aws:s3:::bucket/key"}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, _, err := f.svc.GenerateDataKey(ctx, k.ARN, encCtx); err != nil {
			b.Fatal(err)
		}
	}
}
