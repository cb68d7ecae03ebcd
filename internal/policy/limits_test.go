package policy

import "testing"

const (
	polS3Read    = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*","s3:List*"],"Resource":"*"}]}`
	polDenyHome  = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"},{"Effect":"Deny","Action":"s3:*","Resource":"arn:aws:s3:::amzn-s3-demo-bucket/home/*"}]}`
	polTeamTag   = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"blue"}}}]}`
	polTagVar    = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/team":"${aws:PrincipalTag/team}"}}}]}`
	polRequestTg = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:TagUser","Resource":"*","Condition":{"StringEquals":{"aws:RequestTag/team":"blue"},"ForAllValues:StringEquals":{"aws:TagKeys":["team"]}}}]}`
)

// limitCase evaluates identity policies under a permissions boundary and
// a session policy, combined with Intersect as the callers combine them.
type limitCase struct {
	name           string
	id             []string
	boundary, sess string
	req            Request
	want           Decision
}

func tagged(p Principal, kv ...string) Principal {
	p.Tags = map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		p.Tags[kv[i]] = kv[i+1]
	}
	return p
}

var limitCases = []limitCase{
	{"boundary caps identity allow", ids(polAllowAll), polS3Read, "", rq(alice, "s3:PutObject", obj("a")), I},
	{"boundary and identity allow", ids(polAllowAll), polS3Read, "", rq(alice, "s3:GetObject", obj("a")), A},
	{"boundary grants nothing alone", nil, polS3Read, "", rq(alice, "s3:GetObject", obj("a")), I},
	{"boundary deny wins", ids(polAllowAll), polDenyHome, "", rq(alice, "s3:GetObject", obj("home/x")), X},
	{"boundary allow outside its deny", ids(polAllowAll), polDenyHome, "", rq(alice, "s3:GetObject", obj("work/x")), A},
	{"boundary and session both must allow", ids(polAllowAll), polS3Read, polDenyHome, rq(admin, "s3:GetObject", obj("work/x")), A},
	{"session deny under boundary", ids(polAllowAll), polS3Read, polDenyHome, rq(admin, "s3:GetObject", obj("home/x")), X},
	{"session allows what boundary does not", ids(polAllowAll), polS3Read, polDenyHome, rq(admin, "s3:PutObject", obj("work/x")), I},
	{"principal tag matches", ids(polTeamTag), "", "", rq(tagged(alice, "team", "blue"), "s3:GetObject", obj("a")), A},
	{"principal tag key ignores case", ids(polTeamTag), "", "", rq(tagged(alice, "Team", "blue"), "s3:GetObject", obj("a")), A},
	{"principal tag value is case-sensitive", ids(polTeamTag), "", "", rq(tagged(alice, "team", "Blue"), "s3:GetObject", obj("a")), I},
	{"principal tag missing", ids(polTeamTag), "", "", rq(alice, "s3:GetObject", obj("a")), I},
	{"principal tag in boundary", ids(polAllowAll), polTeamTag, "", rq(tagged(alice, "team", "red"), "s3:GetObject", obj("a")), I},
	{"role session tag", ids(polTeamTag), "", "", rq(tagged(admin, "team", "blue"), "s3:GetObject", obj("a")), A},
	{"resource tag equals principal tag", ids(polTagVar), "", "", rq(tagged(alice, "team", "blue"), "iam:GetUser", "arn:aws:iam::"+acct+":user/bob", "aws:ResourceTag/team", "blue"), A},
	{"resource tag differs", ids(polTagVar), "", "", rq(tagged(alice, "team", "blue"), "iam:GetUser", "arn:aws:iam::"+acct+":user/bob", "aws:ResourceTag/team", "red"), I},
	{"resource tag without principal tag", ids(polTagVar), "", "", rq(alice, "iam:GetUser", "arn:aws:iam::"+acct+":user/bob", "aws:ResourceTag/team", "blue"), I},
	{"request tag allowed", ids(polRequestTg), "", "", rq(alice, "iam:TagUser", "*", "aws:RequestTag/team", "blue", "aws:TagKeys", "team"), A},
	{"request tag other value", ids(polRequestTg), "", "", rq(alice, "iam:TagUser", "*", "aws:RequestTag/team", "red", "aws:TagKeys", "team"), I},
	{"request tag extra key", ids(polRequestTg), "", "", rq(alice, "iam:TagUser", "*", "aws:RequestTag/team", "blue", "aws:TagKeys", "team|cost"), I},
}

func TestBoundaryAndTagTable(t *testing.T) {
	for _, tc := range limitCases {
		t.Run(tc.name, func(t *testing.T) {
			var idp []*Policy
			for _, d := range tc.id {
				idp = append(idp, mustParse(t, d, KindUser))
			}
			var limit *Policy
			if tc.boundary != "" {
				limit = Intersect(limit, mustParse(t, tc.boundary, KindRole))
			}
			if tc.sess != "" {
				limit = Intersect(limit, mustParse(t, tc.sess, KindSession))
			}
			req := tc.req
			if got := EvaluateWithSession(&req, idp, nil, limit, acct); got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestIntersect(t *testing.T) {
	if Intersect() != nil || Intersect(nil, nil) != nil {
		t.Fatal("Intersect of nothing is not nil")
	}
	p := mustParse(t, polS3Read, KindRole)
	if Intersect(nil, p) != p {
		t.Fatal("Intersect of one policy is not that policy")
	}
}
