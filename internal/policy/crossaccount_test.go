package policy

import "testing"

// Cross-account evaluation across three accounts: acct owns the bucket
// (and the key), other and third are strangers to it.

const third = "777788889999"

var (
	xrole = Principal{Type: PrincipalAssumedRole, ARN: "arn:aws:sts::" + other + ":assumed-role/Reader/s1",
		Account: other, UserID: "AROAREADER:s1", RoleARN: "arn:aws:iam::" + other + ":role/Reader"}
	tuser = Principal{Type: PrincipalUser, ARN: "arn:aws:iam::" + third + ":user/dave", Account: third, UserName: "dave", UserID: "AIDADAVE"}
	troot = Principal{Type: PrincipalRoot, ARN: "arn:aws:iam::" + third + ":root", Account: third, UserID: third}
	// orgUser is in another account of acct's organization.
	orgUser = Principal{Type: PrincipalUser, ARN: "arn:aws:iam::" + third + ":user/erin", Account: third, UserName: "erin", UserID: "AIDAERIN", OrgID: "o-exampleorg1"}
)

const (
	polGrantOther = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + other + `"},"Action":["s3:GetObject","s3:ListBucket"],"Resource":["` + bkt + `","` + bkt + `/*"]}]}`
	polGrantCarol = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + other + `:user/carol"},"Action":"s3:GetObject","Resource":"` + bkt + `/*"}]}`
	polGrantRole  = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + other + `:role/Reader"},"Action":"s3:GetObject","Resource":"` + bkt + `/*"}]}`
	polDenyOther  = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + other + `"},"Action":"s3:*","Resource":"` + bkt + `/*"},
		{"Effect":"Deny","Principal":"*","Action":"s3:DeleteObject","Resource":"` + bkt + `/*","Condition":{"StringEquals":{"aws:PrincipalAccount":"` + other + `"}}}]}`
	polGrantAlice  = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + acct + `:user/alice"},"Action":"s3:GetObject","Resource":"` + bkt + `/*"}]}`
	polDenyAllSess = `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*"}]}`
	polOrg         = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"` + bkt + `/*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-exampleorg1"}}}]}`
	// Identity policies of the caller's account.
	polOnlyAcct = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"s3:ResourceAccount":"` + acct + `"}}}]}`
	polOnlyOwn  = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:ResourceAccount":"${aws:PrincipalAccount}"}}}]}`
	polNotOwned = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"},
		{"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"StringNotEquals":{"s3:ResourceAccount":"${aws:PrincipalAccount}"}}}]}`
)

var crossCases = []evalCase{
	// The bucket policy names account other: its root, its users with
	// their own allow, not its users without.
	{"grant account: other root", nil, polGrantOther, "", rq(xroot, "s3:GetObject", obj("a")), A},
	{"grant account: other user alone", nil, polGrantOther, "", rq(xuser, "s3:GetObject", obj("a")), I},
	{"grant account: other user with identity", ids(polAllowAll), polGrantOther, "", rq(xuser, "s3:GetObject", obj("a")), A},
	{"grant account: other role session with identity", ids(polAllowAll), polGrantOther, "", rq(xrole, "s3:ListBucket", bkt), A},
	{"grant account: other user action not granted", ids(polAllowAll), polGrantOther, "", rq(xuser, "s3:PutObject", obj("a")), I},
	{"grant account: third root", nil, polGrantOther, "", rq(troot, "s3:GetObject", obj("a")), I},
	{"grant account: third user with identity", ids(polAllowAll), polGrantOther, "", rq(tuser, "s3:GetObject", obj("a")), I},
	{"grant account: owner user needs nothing more", ids(polAllowAll), polGrantOther, "", rq(alice, "s3:PutObject", obj("a")), A},
	// A grant naming one user of other: that user with an identity allow.
	{"grant user: carol with identity", ids(polAllowAll), polGrantCarol, "", rq(xuser, "s3:GetObject", obj("a")), A},
	{"grant user: carol alone", nil, polGrantCarol, "", rq(xuser, "s3:GetObject", obj("a")), I},
	{"grant user: other root not carol", nil, polGrantCarol, "", rq(xroot, "s3:GetObject", obj("a")), I},
	{"grant role: session of the role", ids(polAllowAll), polGrantRole, "", rq(xrole, "s3:GetObject", obj("a")), A},
	{"grant role: session policy narrows", ids(polAllowAll), polGrantRole, polDenyAllSess, rq(xrole, "s3:GetObject", obj("a")), X},
	// Same account: either policy suffices; explicit deny wins.
	{"same account: bucket policy alone", nil, polGrantAlice, "", rq(alice, "s3:GetObject", obj("a")), A},
	{"same account: identity alone", ids(polAllowAll), "", "", rq(alice, "s3:GetObject", obj("a")), A},
	{"same account: deny in bucket policy", ids(polAllowAll), polDenyOther, "", rq(alice, "s3:GetObject", obj("a")), A},
	{"deny by principal account", ids(polAllowAll), polDenyOther, "", rq(xuser, "s3:DeleteObject", obj("a")), X},
	{"deny by principal account: root too", nil, polDenyOther, "", rq(xroot, "s3:DeleteObject", obj("a")), X},
	{"deny by principal account: other action allowed", ids(polAllowAll), polDenyOther, "", rq(xuser, "s3:PutObject", obj("a")), A},
	// aws:PrincipalOrgID.
	{"org: member with identity", ids(polAllowAll), polOrg, "", rq(orgUser, "s3:GetObject", obj("a")), A},
	{"org: member alone", nil, polOrg, "", rq(orgUser, "s3:GetObject", obj("a")), I},
	{"org: outsider with identity", ids(polAllowAll), polOrg, "", rq(tuser, "s3:GetObject", obj("a")), I},
	{"org: anonymous", nil, polOrg, "", rq(anon, "s3:GetObject", obj("a")), I},
	// s3:ResourceAccount / aws:ResourceAccount in the caller's policies.
	{"resource account: bucket of acct", ids(polOnlyAcct), polGrantOther, "", rq(xuser, "s3:GetObject", obj("a"), "s3:ResourceAccount", acct), A},
	{"resource account: bucket of third", ids(polOnlyAcct), polGrantOther, "", rq(xuser, "s3:GetObject", obj("a"), "s3:ResourceAccount", third), I},
	{"own account only: foreign bucket", ids(polOnlyOwn), polGrantOther, "", rq(xuser, "s3:GetObject", obj("a"), "aws:ResourceAccount", acct), I},
	{"own account only: own bucket", ids(polOnlyOwn), "", "", rq(alice, "s3:GetObject", obj("a"), "aws:ResourceAccount", acct), A},
	{"deny foreign resources", ids(polNotOwned), polGrantOther, "", rq(xuser, "s3:GetObject", obj("a"), "s3:ResourceAccount", acct), X},
	{"deny foreign resources: own", ids(polNotOwned), "", "", rq(alice, "s3:GetObject", obj("a"), "s3:ResourceAccount", acct), A},
}

func TestEvaluateCrossAccountTable(t *testing.T) {
	for _, tc := range crossCases {
		t.Run(tc.name, func(t *testing.T) {
			var idp []*Policy
			for _, d := range tc.id {
				idp = append(idp, mustParse(t, d, KindUser))
			}
			var bp, sp *Policy
			if tc.bp != "" {
				bp = mustParse(t, tc.bp, KindBucket)
			}
			if tc.sess != "" {
				sp = mustParse(t, tc.sess, KindSession)
			}
			req := tc.req
			if got := EvaluateWithSession(&req, idp, bp, sp, acct); got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

const (
	keyPolicyOther = `{"Version":"2012-10-17","Statement":[
		{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + acct + `:root"},"Action":"kms:*","Resource":"*"},
		{"Sid":"Allow use by other","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + other + `:root"},"Action":["kms:Encrypt","kms:Decrypt","kms:GenerateDataKey"],"Resource":"*"}]}`
	keyPolicyCarol = `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + acct + `:root"},"Action":"kms:*","Resource":"*"},
		{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + other + `:user/carol"},"Action":"kms:Decrypt","Resource":"*"}]}`
	keyPolicyOwn  = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + acct + `:root"},"Action":"kms:*","Resource":"*"}]}`
	polKMSAll     = `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"kms:*","Resource":"*"}}`
	polKMSDecrypt = `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"kms:Decrypt","Resource":"*"}}`
)

func TestEvaluateKeyCrossAccount(t *testing.T) {
	key := "arn:aws:kms:us-east-1:" + acct + ":key/1234abcd-12ab-34cd-56ef-1234567890ab"
	cases := []struct {
		name   string
		kp     string // "" for an account-level action
		id     []string
		p      Principal
		action string
		want   Decision
	}{
		{"owner root", keyPolicyOwn, nil, root, "kms:Encrypt", A},
		{"owner user with identity", keyPolicyOwn, ids(polKMSAll), alice, "kms:Encrypt", A},
		{"other root named by account", keyPolicyOther, nil, xroot, "kms:Encrypt", A},
		{"other root action not granted", keyPolicyOther, nil, xroot, "kms:ScheduleKeyDeletion", I},
		{"other user without identity", keyPolicyOther, nil, xuser, "kms:Encrypt", I},
		{"other user with identity", keyPolicyOther, ids(polKMSAll), xuser, "kms:Encrypt", A},
		{"other role session with identity", keyPolicyOther, ids(polKMSAll), xrole, "kms:Decrypt", A},
		{"other user named, no identity", keyPolicyCarol, nil, xuser, "kms:Decrypt", I},
		{"other user named, identity", keyPolicyCarol, ids(polKMSDecrypt), xuser, "kms:Decrypt", A},
		{"other user named, identity other action", keyPolicyCarol, ids(polKMSDecrypt), xuser, "kms:Encrypt", I},
		{"key policy of own account only", keyPolicyOwn, ids(polKMSAll), xuser, "kms:Encrypt", I},
		{"key policy of own account only: other root", keyPolicyOwn, nil, xroot, "kms:Encrypt", I},
		{"third account", keyPolicyOther, ids(polKMSAll), tuser, "kms:Encrypt", I},
		{"account-level action across accounts", "", ids(polKMSAll), xuser, "kms:CreateKey", I},
		{"account-level action by other root", "", nil, xroot, "kms:CreateKey", I},
		{"account-level action at home", "", ids(polKMSAll), alice, "kms:CreateKey", A},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var kp *Policy
			if tc.kp != "" {
				kp = mustParse(t, tc.kp, KindKey)
			}
			var idp []*Policy
			for _, d := range tc.id {
				idp = append(idp, mustParse(t, d, KindUser))
			}
			req := rq(tc.p, tc.action, key)
			if got := EvaluateKeyFor(&req, acct, kp, idp, nil); got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}
