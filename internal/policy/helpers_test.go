package policy

import "testing"

const (
	acct  = "111122223333"
	other = "444455556666"
	bkt   = "arn:aws:s3:::amzn-s3-demo-bucket"
)

var (
	alice = Principal{Type: PrincipalUser, ARN: "arn:aws:iam::" + acct + ":user/alice", Account: acct, UserName: "alice", UserID: "AIDAALICE"}
	bob   = Principal{Type: PrincipalUser, ARN: "arn:aws:iam::" + acct + ":user/bob", Account: acct, UserName: "bob", UserID: "AIDABOB"}
	root  = Principal{Type: PrincipalRoot, ARN: "arn:aws:iam::" + acct + ":root", Account: acct, UserID: acct}
	anon  = Principal{Type: PrincipalAnonymous}
	xuser = Principal{Type: PrincipalUser, ARN: "arn:aws:iam::" + other + ":user/carol", Account: other, UserName: "carol", UserID: "AIDACAROL"}
	xroot = Principal{Type: PrincipalRoot, ARN: "arn:aws:iam::" + other + ":root", Account: other, UserID: other}
	admin = Principal{Type: PrincipalAssumedRole, ARN: "arn:aws:sts::" + acct + ":assumed-role/AdminRole/s1",
		Account: acct, UserID: "AROAADMIN:s1", RoleARN: "arn:aws:iam::" + acct + ":role/AdminRole"}
)

// rq builds a request; kv are context key/value pairs (a value with "|"
// separates several values of one key; "" with key "-" adds an empty key).
func rq(p Principal, action, resource string, kv ...string) Request {
	r := Request{Principal: p, Action: action, Resource: resource, Context: map[string][]string{}}
	for i := 0; i+1 < len(kv); i += 2 {
		r.Context[kv[i]] = append(r.Context[kv[i]], splitBar(kv[i+1])...)
	}
	return r
}

func splitBar(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '|' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

func mustParse(t testing.TB, doc string, kind Kind) *Policy {
	t.Helper()
	p, err := Parse([]byte(doc), kind)
	if err != nil {
		t.Fatalf("parse %s: %v", doc, err)
	}
	return p
}
