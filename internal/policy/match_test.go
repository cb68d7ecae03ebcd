package policy

import (
	"strings"
	"testing"
)

func TestGlob(t *testing.T) {
	cases := []struct {
		pat, s string
		want   bool
	}{
		{"*", "", true}, {"*", "abc", true}, {"", "", true}, {"", "a", false},
		{"a*", "a", true}, {"a*", "abc", true}, {"a*", "ba", false},
		{"*c", "abc", true}, {"*c", "abd", false}, {"a*c", "ac", true}, {"a*c", "abcbc", true},
		{"a?c", "abc", true}, {"a?c", "ac", false}, {"a?c", "aéc", true},
		{"*a*b*c*", "xaybzc", true}, {"*a*b*c*", "xaycb", false},
		{"abc", "abc", true}, {"abc", "abcd", false}, {"??", "ab", true}, {"??", "a", false},
		{strings.Repeat("*a", 50) + "b", strings.Repeat("a", 5000), false},
	}
	for _, tc := range cases {
		p := compile(tc.pat, compileOpts{wildcards: true})
		if got := p.matchStatic(tc.s); got != tc.want {
			t.Errorf("%q ~ %q = %v, want %v", tc.pat, tc.s, got, tc.want)
		}
	}
}

func TestParseVar(t *testing.T) {
	cases := []struct {
		in     string
		ok     bool
		kind   tokKind
		name   string
		def    string
		hasDef bool
	}{
		{"${aws:username}", true, tokVar, "aws:username", "", false},
		{"${aws:username, 'guest'}", true, tokVar, "aws:username", "guest", true},
		{"${aws:username,''}", true, tokVar, "aws:username", "", true},
		{"${*}", true, tokLit, "*", "", false},
		{"${?}", true, tokLit, "?", "", false},
		{"${$}", true, tokLit, "$", "", false},
		{"${}", false, 0, "", "", false},
		{"${aws:username", false, 0, "", "", false},
		{"${a, guest}", false, 0, "", "", false},
	}
	for _, tc := range cases {
		tok, _, ok := parseVar(tc.in)
		if ok != tc.ok || (ok && (tok.kind != tc.kind || tok.lit != tc.name || tok.def != tc.def || tok.hasDef != tc.hasDef)) {
			t.Errorf("parseVar(%q) = %+v %v", tc.in, tok, ok)
		}
	}
}

func TestPrincipalKeys(t *testing.T) {
	cases := []struct {
		p    Principal
		key  string
		want string
		ok   bool
	}{
		{alice, "aws:username", "alice", true},
		{admin, "aws:username", "", false},
		{anon, "aws:userid", "anonymous", true},
		{admin, "aws:PrincipalArn", admin.RoleARN, true},
		{root, "aws:principaltype", "Account", true},
		{anon, "aws:PrincipalAccount", "", false},
	}
	for _, tc := range cases {
		r := Request{Principal: tc.p}
		v, ok := newCtx(&r).lookup(tc.key)
		if ok != tc.ok || (ok && v[0] != tc.want) {
			t.Errorf("%s for %s = %v %v", tc.key, tc.p.Type, v, ok)
		}
	}
}
