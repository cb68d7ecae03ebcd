package kmsapi_test

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awskms "github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"

	"github.com/hoard-s3/hoard/internal/iam"
	"github.com/hoard-s3/hoard/internal/kmsapi"
	"github.com/hoard-s3/hoard/internal/testserver"
)

// The authorization walk runs against a real server: the wire layer's
// SigV4 verifier, the identity service and the key service as the binary
// assembles them.

var seq atomic.Int64

type server struct {
	t    *testing.T
	srv  *testserver.Server
	ctx  context.Context
	root *awskms.Client
}

func startServer(t *testing.T) *server {
	srv := testserver.Start(t)
	s := &server{t: t, srv: srv, ctx: testserver.Context(t)}
	s.root = s.client(testserver.AccessKey, testserver.SecretKey)
	return s
}

func (s *server) client(key, secret string) *awskms.Client {
	return awskms.New(awskms.Options{
		Region: testserver.Region, BaseEndpoint: aws.String(s.srv.URL), RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider(key, secret, ""),
		HTTPClient:  s.srv.HTTPClient(),
	})
}

func (s *server) ids() *iam.Service { return s.srv.Server().Identities() }

// user creates an IAM user with inline policies and returns its client.
func (s *server) user(policies ...string) (*awskms.Client, string) {
	s.t.Helper()
	name := fmt.Sprintf("kmsuser%d", seq.Add(1))
	if _, err := s.ids().CreateUser(s.ctx, name, "/"); err != nil {
		s.t.Fatal(err)
	}
	k, err := s.ids().CreateAccessKey(s.ctx, name)
	if err != nil {
		s.t.Fatal(err)
	}
	for i, p := range policies {
		if err := s.ids().PutUserPolicy(s.ctx, name, fmt.Sprintf("p%d", i), p); err != nil {
			s.t.Fatalf("put user policy: %v\n%s", err, p)
		}
	}
	return s.client(k.AccessKeyID, k.SecretAccessKey), "arn:aws:iam::" + iam.DefaultAccountID + ":user/" + name
}

// keyFixture is a key made by the root with what the operations need: an
// alias and a ciphertext under it.
type keyFixture struct {
	id, arn, alias string
	blob           []byte
}

var walkContext = map[string]string{"purpose": "walk"}

func (s *server) fixture() *keyFixture {
	s.t.Helper()
	k, err := s.root.CreateKey(s.ctx, &awskms.CreateKeyInput{})
	if err != nil {
		s.t.Fatal(err)
	}
	f := &keyFixture{id: aws.ToString(k.KeyMetadata.KeyId), arn: aws.ToString(k.KeyMetadata.Arn), alias: fmt.Sprintf("alias/walk%d", seq.Add(1))}
	if _, err := s.root.CreateAlias(s.ctx, &awskms.CreateAliasInput{AliasName: &f.alias, TargetKeyId: &f.id}); err != nil {
		s.t.Fatal(err)
	}
	enc, err := s.root.Encrypt(s.ctx, &awskms.EncryptInput{KeyId: &f.id, Plaintext: []byte("secret"), EncryptionContext: walkContext})
	if err != nil {
		s.t.Fatal(err)
	}
	f.blob = enc.CiphertextBlob
	return f
}

type scope int

const (
	onAccount scope = iota // resource "*"
	onKey                  // the key
	onAlias                // the alias and its key
)

// kmsOp is one KMS operation: the IAM actions it needs, what they apply
// to, and a call of it on a fixture.
type kmsOp struct {
	actions []string
	scope   scope
	prepare func(s *server, f *keyFixture) // as the root, before the call
	call    func(ctx context.Context, c *awskms.Client, f *keyFixture) error
}

var kmsOps = map[string]kmsOp{
	"CreateKey": {[]string{"kms:CreateKey"}, onAccount, nil, func(ctx context.Context, c *awskms.Client, f *keyFixture) error {
		_, err := c.CreateKey(ctx, &awskms.CreateKeyInput{})
		return err
	}},
	"ListKeys": {[]string{"kms:ListKeys"}, onAccount, nil, func(ctx context.Context, c *awskms.Client, f *keyFixture) error {
		_, err := c.ListKeys(ctx, &awskms.ListKeysInput{})
		return err
	}},
	"ListAliases": {[]string{"kms:ListAliases"}, onAccount, nil, func(ctx context.Context, c *awskms.Client, f *keyFixture) error {
		_, err := c.ListAliases(ctx, &awskms.ListAliasesInput{})
		return err
	}},
	"GenerateRandom": {[]string{"kms:GenerateRandom"}, onAccount, nil, func(ctx context.Context, c *awskms.Client, f *keyFixture) error {
		_, err := c.GenerateRandom(ctx, &awskms.GenerateRandomInput{NumberOfBytes: aws.Int32(16)})
		return err
	}},
	"DescribeKey": {[]string{"kms:DescribeKey"}, onKey, nil, func(ctx context.Context, c *awskms.Client, f *keyFixture) error {
		_, err := c.DescribeKey(ctx, &awskms.DescribeKeyInput{KeyId: &f.alias})
		return err
	}},
	"EnableKey": {[]string{"kms:EnableKey"}, onKey, nil, func(ctx context.Context, c *awskms.Client, f *keyFixture) error {
		_, err := c.EnableKey(ctx, &awskms.EnableKeyInput{KeyId: &f.id})
		return err
	}},
	"DisableKey": {[]string{"kms:DisableKey"}, onKey, nil, func(ctx context.Context, c *awskms.Client, f *keyFixture) error {
		_, err := c.DisableKey(ctx, &awskms.DisableKeyInput{KeyId: &f.arn})
		return err
	}},
	"ScheduleKeyDeletion": {[]string{"kms:ScheduleKeyDeletion"}, onKey, nil, func(ctx context.Context, c *awskms.Client, f *keyFixture) error {
		_, err := c.ScheduleKeyDeletion(ctx, &awskms.ScheduleKeyDeletionInput{KeyId: &f.id, PendingWindowInDays: aws.Int32(7)})
		return err
	}},
	"CancelKeyDeletion": {[]string{"kms:CancelKeyDeletion"}, onKey, func(s *server, f *keyFixture) {
		if _, err := s.root.ScheduleKeyDeletion(s.ctx, &awskms.ScheduleKeyDeletionInput{KeyId: &f.id}); err != nil {
			s.t.Fatal(err)
		}
	}, func(ctx context.Context, c *awskms.Client, f *keyFixture) error {
		_, err := c.CancelKeyDeletion(ctx, &awskms.CancelKeyDeletionInput{KeyId: &f.id})
		return err
	}},
	"GetKeyPolicy": {[]string{"kms:GetKeyPolicy"}, onKey, nil, func(ctx context.Context, c *awskms.Client, f *keyFixture) error {
		_, err := c.GetKeyPolicy(ctx, &awskms.GetKeyPolicyInput{KeyId: &f.id})
		return err
	}},
	"ListKeyPolicies": {[]string{"kms:ListKeyPolicies"}, onKey, nil, func(ctx context.Context, c *awskms.Client, f *keyFixture) error {
		_, err := c.ListKeyPolicies(ctx, &awskms.ListKeyPoliciesInput{KeyId: &f.id})
		return err
	}},
	"PutKeyPolicy": {[]string{"kms:PutKeyPolicy"}, onKey, nil, func(ctx context.Context, c *awskms.Client, f *keyFixture) error {
		doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + iam.DefaultAccountID + `:root"},"Action":"kms:*","Resource":"*"}]}`
		_, err := c.PutKeyPolicy(ctx, &awskms.PutKeyPolicyInput{KeyId: &f.id, Policy: &doc})
		return err
	}},
	"CreateAlias": {[]string{"kms:CreateAlias"}, onAlias, nil, func(ctx context.Context, c *awskms.Client, f *keyFixture) error {
		_, err := c.CreateAlias(ctx, &awskms.CreateAliasInput{AliasName: aws.String(f.alias + "-new"), TargetKeyId: &f.id})
		return err
	}},
	"UpdateAlias": {[]string{"kms:UpdateAlias"}, onAlias, nil, func(ctx context.Context, c *awskms.Client, f *keyFixture) error {
		_, err := c.UpdateAlias(ctx, &awskms.UpdateAliasInput{AliasName: &f.alias, TargetKeyId: &f.id})
		return err
	}},
	"DeleteAlias": {[]string{"kms:DeleteAlias"}, onAlias, nil, func(ctx context.Context, c *awskms.Client, f *keyFixture) error {
		_, err := c.DeleteAlias(ctx, &awskms.DeleteAliasInput{AliasName: &f.alias})
		return err
	}},
	"Encrypt": {[]string{"kms:Encrypt"}, onKey, nil, func(ctx context.Context, c *awskms.Client, f *keyFixture) error {
		_, err := c.Encrypt(ctx, &awskms.EncryptInput{KeyId: &f.alias, Plaintext: []byte("x")})
		return err
	}},
	"Decrypt": {[]string{"kms:Decrypt"}, onKey, nil, func(ctx context.Context, c *awskms.Client, f *keyFixture) error {
		_, err := c.Decrypt(ctx, &awskms.DecryptInput{CiphertextBlob: f.blob, EncryptionContext: walkContext})
		return err
	}},
	"ReEncrypt": {[]string{"kms:ReEncryptFrom", "kms:ReEncryptTo"}, onKey, nil, func(ctx context.Context, c *awskms.Client, f *keyFixture) error {
		_, err := c.ReEncrypt(ctx, &awskms.ReEncryptInput{CiphertextBlob: f.blob, SourceEncryptionContext: walkContext, DestinationKeyId: &f.id})
		return err
	}},
	"GenerateDataKey": {[]string{"kms:GenerateDataKey"}, onKey, nil, func(ctx context.Context, c *awskms.Client, f *keyFixture) error {
		_, err := c.GenerateDataKey(ctx, &awskms.GenerateDataKeyInput{KeyId: &f.arn, KeySpec: types.DataKeySpecAes256})
		return err
	}},
	"GenerateDataKeyWithoutPlaintext": {[]string{"kms:GenerateDataKeyWithoutPlaintext"}, onKey, nil, func(ctx context.Context, c *awskms.Client, f *keyFixture) error {
		_, err := c.GenerateDataKeyWithoutPlaintext(ctx, &awskms.GenerateDataKeyWithoutPlaintextInput{KeyId: &f.id, KeySpec: types.DataKeySpecAes256})
		return err
	}},
}

// resources renders what op's actions apply to on fixture f.
func (op kmsOp) resources(f *keyFixture) string {
	switch op.scope {
	case onKey:
		return `"` + f.arn + `"`
	case onAlias:
		alias := "arn:aws:kms:" + testserver.Region + ":" + iam.DefaultAccountID + ":" + f.alias
		return `["` + f.arn + `","` + alias + `","` + alias + `-new"]`
	}
	return `"*"`
}

func quoted(actions []string) string {
	return `["` + strings.Join(actions, `","`) + `"]`
}

func identityPolicy(effect, actions, resources string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"` + effect + `","Action":` + actions + `,"Resource":` + resources + `}]}`
}

func wantDenied(t *testing.T, what string, err error) {
	t.Helper()
	if !isCode(err, "AccessDeniedException") {
		t.Errorf("%s: err = %v, want AccessDeniedException", what, err)
	}
}

// TestWalkCoversEveryOperation: the walk below knows every operation the
// handler serves, so none can be added without being walked.
func TestWalkCoversEveryOperation(t *testing.T) {
	for _, name := range kmsapi.Operations() {
		if _, ok := kmsOps[name]; !ok {
			t.Errorf("operation %s is not in the authorization walk", name)
		}
	}
	if len(kmsOps) != len(kmsapi.Operations()) {
		t.Errorf("walk has %d operations, the handler %d", len(kmsOps), len(kmsapi.Operations()))
	}
}

// TestEveryOperationAuthorized walks every KMS operation as a user allowed
// nothing and as a user allowed kms:* with an explicit Deny of kms:* on
// top: each is refused with AccessDeniedException and changes nothing.
func TestEveryOperationAuthorized(t *testing.T) {
	s := startServer(t)
	nobody, _ := s.user()
	denied, _ := s.user(
		identityPolicy("Allow", `"kms:*"`, `"*"`),
		identityPolicy("Deny", `"kms:*"`, `"*"`),
	)
	for name, op := range kmsOps {
		f := s.fixture()
		if op.prepare != nil {
			op.prepare(s, f)
		}
		wantDenied(t, name+" as a user allowed nothing", op.call(s.ctx, nobody, f))
		wantDenied(t, name+" with an explicit deny", op.call(s.ctx, denied, f))
		// Nothing changed: the root still finds the key as it was.
		d, err := s.root.DescribeKey(s.ctx, &awskms.DescribeKeyInput{KeyId: &f.alias})
		if err != nil || aws.ToString(d.KeyMetadata.KeyId) != f.id {
			t.Errorf("%s: the fixture changed: %+v, %v", name, d, err)
			continue
		}
		want := types.KeyStateEnabled
		if op.prepare != nil {
			want = types.KeyStatePendingDeletion
		}
		if d.KeyMetadata.KeyState != want {
			t.Errorf("%s: key state %s after refused calls", name, d.KeyMetadata.KeyState)
		}
	}
	if out, err := s.root.ListKeys(s.ctx, &awskms.ListKeysInput{Limit: aws.Int32(1000)}); err != nil || len(out.Keys) != len(kmsOps) {
		t.Errorf("keys after the walk: %d, %v (a refused CreateKey made one?)", len(out.Keys), err)
	}
}

// TestOneActionOnOneKey walks every KMS operation as a user allowed just
// that operation on one key: it succeeds there, and is refused on another
// key and for another action on the same key.
func TestOneActionOnOneKey(t *testing.T) {
	s := startServer(t)
	for name, op := range kmsOps {
		mine, other := s.fixture(), s.fixture()
		if op.prepare != nil {
			op.prepare(s, mine)
			op.prepare(s, other)
		}
		c, _ := s.user(identityPolicy("Allow", quoted(op.actions), op.resources(mine)))
		if err := op.call(s.ctx, c, mine); err != nil {
			t.Errorf("%s allowed on its key: %v", name, err)
		}
		if op.scope != onAccount {
			wantDenied(t, name+" on another key", op.call(s.ctx, c, other))
		}
		otherOp := kmsOps["DescribeKey"]
		if name == "DescribeKey" {
			otherOp = kmsOps["ListKeyPolicies"]
		}
		fresh := s.fixture()
		if op.scope == onAccount {
			wantDenied(t, name+": another action", otherOp.call(s.ctx, c, fresh))
		} else {
			c2, _ := s.user(identityPolicy("Allow", quoted(op.actions), op.resources(fresh)))
			wantDenied(t, name+": another action on its key", otherOp.call(s.ctx, c2, fresh))
		}
	}
}

// TestRoleSessionsAndNamedPrincipals: an assumed role's policies govern its
// sessions and a session policy narrows them; a key policy that names a
// role grants its sessions without any IAM policy.
func TestRoleSessionsAndNamedPrincipals(t *testing.T) {
	s := startServer(t)
	f, named := s.fixture(), s.fixture()
	acct := iam.DefaultAccountID
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + acct + `:root"},"Action":"sts:AssumeRole"}]}`
	role, err := s.ids().CreateRole(s.ctx, iam.CreateRoleInput{RoleName: "kmsrole", AssumeRolePolicyDocument: trust})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.ids().PutRolePolicy(s.ctx, "kmsrole", "use", identityPolicy("Allow", `["kms:Encrypt","kms:DescribeKey"]`, `"`+f.arn+`"`)); err != nil {
		t.Fatal(err)
	}
	root, err := s.ids().Principal(s.ctx, testserver.AccessKey)
	if err != nil {
		t.Fatal(err)
	}
	assume := func(session string) *awskms.Client {
		creds, _, err := s.ids().AssumeRole(s.ctx, &root, iam.AssumeRoleInput{RoleARN: role.ARN, RoleSessionName: "sess", Policy: session})
		if err != nil {
			t.Fatal(err)
		}
		return awskms.New(awskms.Options{
			Region: testserver.Region, BaseEndpoint: aws.String(s.srv.URL), RetryMaxAttempts: 1, HTTPClient: s.srv.HTTPClient(),
			Credentials: credentials.NewStaticCredentialsProvider(creds.AccessKeyID, creds.SecretAccessKey, creds.SessionToken),
		})
	}
	encrypt := kmsOps["Encrypt"].call
	describe := kmsOps["DescribeKey"].call
	full := assume("")
	if err := encrypt(s.ctx, full, f); err != nil {
		t.Fatalf("role session Encrypt: %v", err)
	}
	wantDenied(t, "role session on another key", encrypt(s.ctx, full, named))
	narrow := assume(identityPolicy("Allow", `"kms:DescribeKey"`, `"*"`))
	if err := describe(s.ctx, narrow, f); err != nil {
		t.Fatalf("narrowed session DescribeKey: %v", err)
	}
	wantDenied(t, "Encrypt outside the session policy", encrypt(s.ctx, narrow, f))

	// A key policy naming the role (and the root, for the lockout check).
	doc := `{"Version":"2012-10-17","Statement":[
	 {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + acct + `:root"},"Action":"kms:*","Resource":"*"},
	 {"Effect":"Allow","Principal":{"AWS":"` + role.ARN + `"},"Action":"kms:Decrypt","Resource":"*"}]}`
	if _, err := s.root.PutKeyPolicy(s.ctx, &awskms.PutKeyPolicyInput{KeyId: &named.id, Policy: &doc}); err != nil {
		t.Fatal(err)
	}
	if err := kmsOps["Decrypt"].call(s.ctx, full, named); err != nil {
		t.Fatalf("Decrypt granted by the key policy to the role: %v", err)
	}
	wantDenied(t, "Encrypt the key policy does not grant", encrypt(s.ctx, full, named))
}
