package kmsapi_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awskms "github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
)

// defaultPolicy gives the account root everything, as KMS's default does.
const defaultPolicy = `{"Version":"2012-10-17","Statement":[{"Sid":"root","Effect":"Allow",` +
	`"Principal":{"AWS":"arn:aws:iam::` + account + `:root"},"Action":"kms:*","Resource":"*"}]}`

func TestKeyPolicies(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	k, err := e.client.CreateKey(ctx, &awskms.CreateKeyInput{})
	if err != nil {
		t.Fatal(err)
	}
	id := k.KeyMetadata.KeyId
	got, err := e.client.GetKeyPolicy(ctx, &awskms.GetKeyPolicyInput{KeyId: id})
	if err != nil || !strings.Contains(aws.ToString(got.Policy), `"Sid" : "Enable IAM User Permissions"`) ||
		!strings.Contains(aws.ToString(got.Policy), `"AWS" : "arn:aws:iam::`+account+`:root"`) || aws.ToString(got.PolicyName) != "default" {
		t.Fatalf("default key policy = %q, %v", aws.ToString(got.Policy), err)
	}
	names, err := e.client.ListKeyPolicies(ctx, &awskms.ListKeyPoliciesInput{KeyId: id})
	if err != nil || len(names.PolicyNames) != 1 || names.PolicyNames[0] != "default" || names.Truncated {
		t.Fatalf("ListKeyPolicies = %+v, %v", names, err)
	}
	_, err = e.client.GetKeyPolicy(ctx, &awskms.GetKeyPolicyInput{KeyId: id, PolicyName: aws.String("other")})
	wantAPIError[*types.NotFoundException](t, err)

	// Refused documents leave the policy as it was.
	onlyUser := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + account + `:user/alice"},"Action":"kms:*","Resource":"*"}]}`
	for _, doc := range map[string]string{
		"not json":     "{",
		"no principal": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:*","Resource":"*"}]}`,
		"s3 action":    `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}]}`,
		"bad key":      `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"StringEquals":{"s3:prefix":"x"}}}]}`,
		"lockout":      onlyUser,
	} {
		_, err := e.client.PutKeyPolicy(ctx, &awskms.PutKeyPolicyInput{KeyId: id, Policy: aws.String(doc)})
		wantAPIError[*types.MalformedPolicyDocumentException](t, err)
		_, err = e.client.CreateKey(ctx, &awskms.CreateKeyInput{Policy: aws.String(doc)})
		wantAPIError[*types.MalformedPolicyDocumentException](t, err)
	}
	if got, _ := e.client.GetKeyPolicy(ctx, &awskms.GetKeyPolicyInput{KeyId: id}); !strings.Contains(aws.ToString(got.Policy), "Enable IAM User Permissions") {
		t.Fatalf("policy changed by a refused PutKeyPolicy: %s", aws.ToString(got.Policy))
	}

	// A policy given at creation is the key's, verbatim.
	k2, err := e.client.CreateKey(ctx, &awskms.CreateKeyInput{Policy: aws.String(defaultPolicy)})
	if err != nil {
		t.Fatal(err)
	}
	got, err = e.client.GetKeyPolicy(ctx, &awskms.GetKeyPolicyInput{KeyId: k2.KeyMetadata.Arn})
	if err != nil || aws.ToString(got.Policy) != defaultPolicy {
		t.Fatalf("GetKeyPolicy = %q, %v", aws.ToString(got.Policy), err)
	}

	// Bypassing the lockout check locks the root out, as in KMS.
	if _, err := e.client.PutKeyPolicy(ctx, &awskms.PutKeyPolicyInput{KeyId: id, Policy: aws.String(onlyUser), BypassPolicyLockoutSafetyCheck: true}); err != nil {
		t.Fatal(err)
	}
	_, err = e.client.DescribeKey(ctx, &awskms.DescribeKeyInput{KeyId: id})
	wantCode(t, err, "AccessDeniedException")
	_, err = e.client.PutKeyPolicy(ctx, &awskms.PutKeyPolicyInput{KeyId: id, Policy: aws.String(defaultPolicy)})
	wantCode(t, err, "AccessDeniedException")
}
