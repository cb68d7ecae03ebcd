package policy

import (
	"errors"
	"strings"
	"testing"
)

func stmt(body string) string {
	return `{"Version":"2012-10-17","Statement":[` + body + `]}`
}

const okBucketStmt = `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`

func TestParseErrors(t *testing.T) {
	cases := []struct {
		name, doc string
		kind      Kind
		reason    string
	}{
		{"empty", ``, KindBucket, "Policies must be valid JSON and the first byte must be '{'"},
		{"array top", `[]`, KindBucket, "Policies must be valid JSON and the first byte must be '{'"},
		{"bad json", `{"Version":`, KindBucket, "This policy contains invalid Json"},
		{"nul byte", "{\"Version\":\"2012-10-17\x00\"}", KindBucket, "This policy contains invalid Json"},
		{"invalid utf8 in sid", "{\"Version\":\"2012-10-17\",\"Statement\":{\"Sid\":\"\xff\"}}", KindBucket, "Missing required field Effect"},
		{"unknown top field", `{"Version":"2012-10-17","Foo":1,"Statement":[]}`, KindBucket, "Unknown field Foo"},
		{"bad version", `{"Version":"2013-01-01","Statement":[` + okBucketStmt + `]}`, KindBucket, "The policy must contain a valid version string"},
		{"version not string", `{"Version":2012,"Statement":[` + okBucketStmt + `]}`, KindBucket, "Invalid policy syntax."},
		{"no statement", `{"Version":"2012-10-17"}`, KindBucket, "Missing required field Statement"},
		{"empty statement list", `{"Version":"2012-10-17","Statement":[]}`, KindBucket, "Could not parse the policy: Statement is empty!"},
		{"missing action identity", stmt(`{"Effect":"Allow","Resource":"*"}`), KindUser, "Policy statement must contain actions."},
		{"missing resource identity", stmt(`{"Effect":"Allow","Action":"s3:GetObject"}`), KindUser, "Policy statement must contain resources."},
		{"statement not object", stmt(`"x"`), KindBucket, "Invalid policy syntax."},
		{"unknown statement field", stmt(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Foo":1}`), KindBucket, "Unknown field Foo"},
		{"missing effect", stmt(`{"Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`), KindBucket, "Missing required field Effect"},
		{"bad effect", stmt(`{"Effect":"allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`), KindBucket, "Invalid effect: allow"},
		{"missing principal", stmt(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`), KindBucket, "Missing required field Principal"},
		{"principal and notprincipal", stmt(`{"Effect":"Allow","Principal":"*","NotPrincipal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`), KindBucket, "Statement can not have both Principal and NotPrincipal"},
		{"principal bad string", stmt(`{"Effect":"Allow","Principal":"alice","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`), KindBucket, "Invalid principal in policy"},
		{"principal partial wildcard", stmt(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/*"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`), KindBucket, "Invalid principal in policy"},
		{"principal short account", stmt(`{"Effect":"Allow","Principal":{"AWS":"1234"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`), KindBucket, "Invalid principal in policy"},
		{"principal unknown type", stmt(`{"Effect":"Allow","Principal":{"Foo":"x"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`), KindBucket, "Invalid principal in policy"},
		{"principal empty object", stmt(`{"Effect":"Allow","Principal":{},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`), KindBucket, "Invalid principal in policy"},
		{"principal bad canonical", stmt(`{"Effect":"Allow","Principal":{"CanonicalUser":"xyz"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`), KindBucket, "Invalid principal in policy"},
		{"principal in identity policy", stmt(okBucketStmt), KindUser, "Policy document should not specify a principal."},
		{"missing action", stmt(`{"Effect":"Allow","Principal":"*","Resource":"arn:aws:s3:::b/*"}`), KindBucket, "Statement is missing required element"},
		{"action and notaction", stmt(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","NotAction":"s3:PutObject","Resource":"arn:aws:s3:::b/*"}`), KindBucket, "Statement can not have both Action and NotAction"},
		{"unknown s3 action", stmt(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObjekt","Resource":"arn:aws:s3:::b/*"}`), KindBucket, "Policy has invalid action"},
		{"s3 wildcard matching nothing", stmt(`{"Effect":"Allow","Principal":"*","Action":"s3:Frob*","Resource":"arn:aws:s3:::b/*"}`), KindBucket, "Policy has invalid action"},
		{"action without service", stmt(`{"Effect":"Allow","Principal":"*","Action":"GetObject","Resource":"arn:aws:s3:::b/*"}`), KindBucket, "Policy has invalid action"},
		{"action empty list", stmt(`{"Effect":"Allow","Principal":"*","Action":[],"Resource":"arn:aws:s3:::b/*"}`), KindBucket, "Policy has invalid action"},
		{"action number", stmt(`{"Effect":"Allow","Principal":"*","Action":5,"Resource":"arn:aws:s3:::b/*"}`), KindBucket, "Policy has invalid action"},
		{"non-s3 action in bucket policy", stmt(`{"Effect":"Allow","Principal":"*","Action":"ec2:RunInstances","Resource":"arn:aws:s3:::b/*"}`), KindBucket, "Policy has invalid action"},
		{"unknown iam action", stmt(`{"Effect":"Allow","Action":"iam:Frobnicate","Resource":"*"}`), KindUser, "Policy has invalid action"},
		{"missing resource", stmt(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject"}`), KindBucket, "Statement is missing required element"},
		{"resource not arn", stmt(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"b/*"}`), KindBucket, "Policy has invalid resource"},
		{"resource other service", stmt(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:iam::111122223333:user/x"}`), KindBucket, "Policy has invalid resource"},
		{"object action on bucket", stmt(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b"}`), KindBucket, "Action does not apply to any resource(s) in statement"},
		{"bucket action on objects", stmt(`{"Effect":"Allow","Principal":"*","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b/*"}`), KindBucket, "Action does not apply to any resource(s) in statement"},
		{"account action on bucket", stmt(`{"Effect":"Allow","Principal":"*","Action":"s3:ListAllMyBuckets","Resource":"arn:aws:s3:::b"}`), KindBucket, "Action does not apply to any resource(s) in statement"},
		{"unknown operator", stmt(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringEqualz":{"aws:UserAgent":"x"}}}`), KindBucket, "Invalid Condition type : StringEqualz"},
		{"bad set prefix", stmt(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"ForSome:StringEquals":{"aws:UserAgent":"x"}}}`), KindBucket, "Invalid Condition type : ForSome:StringEquals"},
		{"NullIfExists", stmt(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"NullIfExists":{"aws:UserAgent":"true"}}}`), KindBucket, "Invalid Condition type : NullIfExists"},
		{"invalid condition key", stmt(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringEquals":{"s3:nosuchkey":"x"}}}`), KindBucket, "Policy has an invalid condition key"},
		{"condition key without prefix", stmt(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringEquals":{"UserAgent":"x"}}}`), KindBucket, "Policy has an invalid condition key"},
		{"foreign condition key in bucket policy", stmt(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringEquals":{"ec2:Vpc":"x"}}}`), KindBucket, "Policy has an invalid condition key"},
		{"bad numeric value", stmt(`{"Effect":"Allow","Principal":"*","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b","Condition":{"NumericLessThan":{"s3:max-keys":"ten"}}}`), KindBucket, "Invalid Condition value for NumericLessThan: ten"},
		{"bad date value", stmt(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"DateLessThan":{"aws:CurrentTime":"soon"}}}`), KindBucket, "Invalid Condition value for DateLessThan: soon"},
		{"bad cidr", stmt(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"IpAddress":{"aws:SourceIp":"300.1.1.1/8"}}}`), KindBucket, "Invalid IP address in Conditions"},
		{"bad bool", stmt(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"Bool":{"aws:SecureTransport":"yes"}}}`), KindBucket, "Invalid Condition value for Bool: yes"},
		{"bad binary", stmt(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"BinaryEquals":{"aws:UserAgent":"!!"}}}`), KindBucket, "Invalid Condition value for BinaryEquals: !!"},
		{"bad arn value", stmt(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"ArnLike":{"aws:PrincipalArn":"notanarn"}}}`), KindBucket, "Invalid Condition value for ArnLike: notanarn"},
		{"condition value object", stmt(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringEquals":{"aws:UserAgent":{"a":1}}}}`), KindBucket, "Invalid Condition value for StringEquals"},
		{"condition value null", stmt(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringEquals":{"aws:UserAgent":null}}}`), KindBucket, "Invalid Condition value for StringEquals"},
		{"condition not object", stmt(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":"x"}`), KindBucket, "Invalid Condition block"},
		{"duplicate sid", stmt(`{"Sid":"a","Effect":"Allow","Action":"s3:GetObject","Resource":"*"},{"Sid":"a","Effect":"Allow","Action":"s3:PutObject","Resource":"*"}`), KindUser, "Statement IDs (SID) in a single policy must be unique"},
		{"too large bucket", `{"Version":"2012-10-17","Id":"` + strings.Repeat("a", 20*1024) + `","Statement":[]}`, KindBucket, "Policy exceeds the maximum allowed document size."},
		{"too large user", `{"Version":"2012-10-17","Id":"` + strings.Repeat("a", 2048) + `","Statement":[]}`, KindUser, "Policy exceeds the maximum allowed document size."},
		{"trust policy non-sts action", stmt(`{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:GetObject"}`), KindTrust, "Policy has invalid action"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.doc), tc.kind)
			if err == nil {
				t.Fatalf("accepted")
			}
			if !errors.Is(err, ErrMalformedPolicy) {
				t.Fatalf("error %v does not wrap ErrMalformedPolicy", err)
			}
			if err.Error() != tc.reason {
				t.Fatalf("reason %q, want %q", err.Error(), tc.reason)
			}
		})
	}
}

func TestParseAccepts(t *testing.T) {
	cases := []struct {
		name, doc string
		kind      Kind
	}{
		{"statement object", `{"Version":"2012-10-17","Statement":` + okBucketStmt + `}`, KindBucket},
		{"no version defaults", `{"Statement":[` + okBucketStmt + `]}`, KindBucket},
		{"2008 version", `{"Version":"2008-10-17","Statement":[` + okBucketStmt + `]}`, KindBucket},
		{"white space around", " \n\t{\"Statement\":[" + okBucketStmt + "]}\n", KindBucket},
		{"account principal", stmt(`{"Effect":"Allow","Principal":{"AWS":["111122223333","arn:aws:iam::444455556666:root"]},"Action":"s3:*","Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"]}`), KindBucket},
		{"service and canonical", stmt(`{"Effect":"Allow","Principal":{"Service":"logging.s3.amazonaws.com","CanonicalUser":"` + strings.Repeat("ab", 32) + `"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::b/*"}`), KindBucket},
		{"federated", stmt(`{"Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com"},"Action":"sts:AssumeRole"}`), KindTrust},
		{"role and session principal", stmt(`{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:role/path/R","arn:aws:sts::111122223333:assumed-role/R/s"]},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`), KindBucket},
		{"action wildcards", stmt(`{"Effect":"Allow","Principal":"*","Action":["s3:Get*","s3:*Object","S3:LISTBUCKET"],"Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"]}`), KindBucket},
		{"bucket star covers both", stmt(`{"Effect":"Allow","Principal":"*","Action":["s3:GetObject","s3:ListBucket"],"Resource":"arn:aws:s3:::b*"}`), KindBucket},
		{"resource star", stmt(`{"Effect":"Allow","Principal":"*","Action":"s3:ListAllMyBuckets","Resource":"*"}`), KindBucket},
		{"other service identity", stmt(`{"Effect":"Allow","Action":["ec2:DescribeInstances","dynamodb:*"],"Resource":"*"}`), KindUser},
		{"iam sts kms identity", stmt(`{"Effect":"Allow","Action":["iam:CreateUser","sts:AssumeRole","kms:Decrypt","iam:*AccessKey*"],"Resource":"*"}`), KindRole},
		{"all operators", stmt(`{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{
			"StringEquals":{"aws:username":"a"},"StringNotEquals":{"aws:username":"b"},"StringEqualsIgnoreCase":{"aws:username":"A"},
			"StringNotEqualsIgnoreCase":{"aws:username":"B"},"StringLike":{"s3:prefix":"a*"},"StringNotLike":{"s3:prefix":"b*"},
			"NumericEquals":{"s3:max-keys":1},"NumericNotEquals":{"s3:max-keys":2},"NumericLessThan":{"s3:max-keys":3},
			"NumericLessThanEquals":{"s3:max-keys":"3.5"},"NumericGreaterThan":{"s3:max-keys":-1},"NumericGreaterThanEquals":{"s3:max-keys":0},
			"DateEquals":{"aws:CurrentTime":"2026-01-01"},"DateNotEquals":{"aws:CurrentTime":"2026-01-01T00:00:00Z"},
			"DateLessThan":{"aws:CurrentTime":"2026-01-01T00:00:00.5Z"},"DateLessThanEquals":{"aws:CurrentTime":1767225600},
			"DateGreaterThan":{"aws:CurrentTime":"2026-01-01T00:00Z"},"DateGreaterThanEquals":{"aws:CurrentTime":"2026-01-01T00:00:00+01:00"},
			"Bool":{"aws:SecureTransport":true},"BinaryEquals":{"aws:UserAgent":"QQ=="},"IpAddress":{"aws:SourceIp":["10.0.0.0/8","::1"]},
			"NotIpAddress":{"aws:SourceIp":"2001:db8::/32"},"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::111122223333:user/a"},
			"ArnLike":{"aws:SourceArn":"arn:aws:s3:::*"},"ArnNotEquals":{"aws:SourceArn":"*"},"ArnNotLike":{"aws:SourceArn":"arn:*:*:*:*:*"},
			"Null":{"aws:TokenIssueTime":"true"},"StringEqualsIfExists":{"aws:Referer":"x"},"ForAnyValue:StringLike":{"aws:TagKeys":"a*"},
			"ForAllValues:StringEquals":{"aws:TagKeys":["a","b"]},"ForAllValues:NumericLessThanIfExists":{"s3:max-keys":9}}}`), KindRole},
		{"trust policy", stmt(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}`), KindTrust},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Parse([]byte(tc.doc), tc.kind); err != nil {
				t.Fatalf("rejected: %v", err)
			}
		})
	}
}

func TestCheckBucket(t *testing.T) {
	p := mustParse(t, stmt(`{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"]}`), KindBucket)
	if err := p.CheckBucket("b"); err != nil {
		t.Fatal(err)
	}
	if err := p.CheckBucket("c"); err == nil || err.Error() != "Policy has invalid resource" {
		t.Fatalf("got %v", err)
	}
	w := mustParse(t, stmt(`{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::logs-*"}`), KindBucket)
	if err := w.CheckBucket("logs-2026"); err != nil {
		t.Fatal(err)
	}
}

func TestUserPolicySizeIgnoresWhiteSpace(t *testing.T) {
	doc := stmt(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}` + strings.Repeat(" ", 4096))
	if _, err := Parse([]byte(doc), KindUser); err != nil {
		t.Fatalf("white space counted: %v", err)
	}
}

// TestBucketPolicyRepeatedSid: S3 accepts bucket policies whose statements
// share a Sid (IAM does not), and applies every statement.
func TestBucketPolicyRepeatedSid(t *testing.T) {
	doc := stmt(`{"Sid":"Logs","Effect":"Allow","Principal":{"Service":"logging.s3.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::b/one/*"},` +
		`{"Sid":"Logs","Effect":"Allow","Principal":{"Service":"logging.s3.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::b/two/*"}`)
	p, err := Parse([]byte(doc), KindBucket)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	if len(p.Statements) != 2 || p.Statements[0].Sid != "Logs" || p.Statements[1].Sid != "Logs" {
		t.Fatalf("statements = %+v", p.Statements)
	}
	for _, key := range []string{"one/x", "two/x"} {
		r := &Request{Principal: Principal{Type: PrincipalService, ARN: "logging.s3.amazonaws.com"}, Action: "s3:PutObject", Resource: "arn:aws:s3:::b/" + key}
		if got := p.Evaluate(r); got != ResultAllow {
			t.Errorf("%s: %v, want allow", key, got)
		}
	}
}
