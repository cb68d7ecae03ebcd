package policy

import "testing"

func TestEvaluateKey(t *testing.T) {
	const key = "arn:aws:kms:us-east-1:" + acct + ":key/1234abcd-12ab-34cd-56ef-1234567890ab"
	stmt := func(effect, principal, actions, cond string) string {
		c := ""
		if cond != "" {
			c = `,"Condition":` + cond
		}
		return `{"Effect":"` + effect + `","Principal":` + principal + `,"Action":` + actions + `,"Resource":"*"` + c + `}`
	}
	doc := func(stmts ...string) string {
		out := `{"Version":"2012-10-17","Statement":[`
		for i, s := range stmts {
			if i > 0 {
				out += ","
			}
			out += s
		}
		return out + `]}`
	}
	account := `{"AWS":"arn:aws:iam::` + acct + `:root"}`
	defaultKey := doc(stmt("Allow", account, `"kms:*"`, ""))
	idAllow := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Decrypt","Resource":"` + key + `"}]}`
	idDeny := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"kms:*","Resource":"*"}]}`
	viaS3 := `{"StringEquals":{"kms:ViaService":"s3.us-east-1.amazonaws.com","kms:CallerAccount":"` + acct + `"}}`
	tests := []struct {
		name     string
		key      string // "" for an account-level action
		identity []string
		session  string
		p        Principal
		kv       []string
		want     Decision
		action   string
		resource string
	}{
		{name: "root by default policy", key: defaultKey, p: root, want: Allowed},
		{name: "user without IAM policy", key: defaultKey, p: alice, want: ImplicitDeny},
		{name: "user with IAM policy", key: defaultKey, identity: []string{idAllow}, p: alice, want: Allowed},
		{name: "IAM policy for another action", key: defaultKey, identity: []string{idAllow}, p: alice, action: "kms:Encrypt", want: ImplicitDeny},
		{name: "IAM policy on another key", key: defaultKey, identity: []string{idAllow}, p: alice, resource: key + "0", want: ImplicitDeny},
		{name: "explicit deny wins", key: defaultKey, identity: []string{idAllow, idDeny}, p: alice, want: ExplicitDeny},
		{name: "key policy deny of the account", key: doc(stmt("Allow", account, `"kms:*"`, ""), stmt("Deny", account, `"kms:Decrypt"`, "")), identity: []string{idAllow}, p: alice, want: ExplicitDeny},
		{name: "no delegation: IAM policy alone", key: doc(stmt("Allow", `{"AWS":"arn:aws:iam::`+acct+`:user/bob"}`, `"kms:*"`, "")), identity: []string{idAllow}, p: alice, want: ImplicitDeny},
		{name: "no delegation: root not named", key: doc(stmt("Allow", `{"AWS":"arn:aws:iam::`+acct+`:user/bob"}`, `"kms:*"`, "")), p: root, want: ImplicitDeny},
		{name: "user named by key policy", key: doc(stmt("Allow", `{"AWS":"arn:aws:iam::`+acct+`:user/alice"}`, `"kms:Decrypt"`, "")), p: alice, want: Allowed},
		{name: "role named by key policy", key: doc(stmt("Allow", `{"AWS":"arn:aws:iam::`+acct+`:role/AdminRole"}`, `"kms:Decrypt"`, "")), p: admin, want: Allowed},
		{name: "via S3 only, direct", key: doc(stmt("Allow", `{"AWS":"*"}`, `"kms:Decrypt"`, viaS3)), p: alice, want: ImplicitDeny},
		{name: "via S3 only, through S3", key: doc(stmt("Allow", `{"AWS":"*"}`, `"kms:Decrypt"`, viaS3)), p: alice, kv: []string{"kms:ViaService", "s3.us-east-1.amazonaws.com", "kms:CallerAccount", acct}, want: Allowed},
		{name: "via S3, other account", key: doc(stmt("Allow", `{"AWS":"*"}`, `"kms:Decrypt"`, viaS3)), p: xuser, kv: []string{"kms:ViaService", "s3.us-east-1.amazonaws.com", "kms:CallerAccount", other}, want: ImplicitDeny},
		{name: "anonymous never", key: doc(stmt("Allow", `"*"`, `"kms:Decrypt"`, "")), p: anon, want: ImplicitDeny},
		{name: "encryption context condition", key: doc(stmt("Allow", account, `"kms:*"`, `{"StringEquals":{"kms:EncryptionContext:purpose":"test"}}`)), p: root, kv: []string{"kms:EncryptionContext:purpose", "test"}, want: Allowed},
		{name: "encryption context mismatch", key: doc(stmt("Allow", account, `"kms:*"`, `{"StringEquals":{"kms:EncryptionContext:purpose":"test"}}`)), p: root, kv: []string{"kms:EncryptionContext:purpose", "other"}, want: ImplicitDeny},
		{name: "request alias condition", key: doc(stmt("Allow", account, `"kms:*"`, `{"StringEquals":{"kms:RequestAlias":"alias/app"}}`)), p: root, kv: []string{"kms:RequestAlias", "alias/app"}, want: Allowed},
		{name: "request without the alias", key: doc(stmt("Allow", account, `"kms:*"`, `{"StringEquals":{"kms:RequestAlias":"alias/app"}}`)), p: root, want: ImplicitDeny},
		{name: "session policy narrows", key: defaultKey, identity: []string{idAllow}, session: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Encrypt","Resource":"*"}]}`, p: admin, want: ImplicitDeny},
		{name: "account action, root", p: root, action: "kms:CreateKey", resource: "*", want: Allowed},
		{name: "account action, user", p: alice, action: "kms:CreateKey", resource: "*", want: ImplicitDeny},
		{name: "account action, allowed user", identity: []string{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:CreateKey","Resource":"*"}]}`}, p: alice, action: "kms:CreateKey", resource: "*", want: Allowed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			action, resource := "kms:Decrypt", key
			if tt.action != "" {
				action = tt.action
			}
			if tt.resource != "" {
				resource = tt.resource
			}
			var kp *Policy
			if tt.key != "" {
				kp = mustParse(t, tt.key, KindKey)
			}
			var ids []*Policy
			for _, d := range tt.identity {
				ids = append(ids, mustParse(t, d, KindUser))
			}
			var sess *Policy
			if tt.session != "" {
				sess = mustParse(t, tt.session, KindSession)
			}
			req := rq(tt.p, action, resource, tt.kv...)
			if got := EvaluateKey(&req, kp, ids, sess); got != tt.want {
				t.Fatalf("EvaluateKey = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestParseKeyPolicy(t *testing.T) {
	for _, doc := range []string{
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:*","Resource":"*"}]}`,                        // no principal
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}]}`, // not kms
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:Nope","Resource":"*"}]}`,     // no such action
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"StringEquals":{"iam:x":"y"}}}]}`,
	} {
		if _, err := Parse([]byte(doc), KindKey); err == nil {
			t.Errorf("accepted %s", doc)
		}
	}
	// Actions KMS has but Hoard does not serve still parse, so that policies
	// written for AWS KMS are accepted.
	mustParse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::`+acct+`:root"},`+
		`"Action":["kms:CreateGrant","kms:ListGrants","kms:RevokeGrant","kms:TagResource","kms:Create*","kms:Describe*"],"Resource":"*",`+
		`"Condition":{"Bool":{"kms:GrantIsForAWSResource":"true"}}}]}`, KindKey)
}
