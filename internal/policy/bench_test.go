package policy

import (
	"fmt"
	"strings"
	"testing"
)

// BenchmarkEvaluate10 measures one request against a ten-statement bucket
// policy with wildcards, variables, CIDRs and conditions, as on every
// request's path.
func BenchmarkEvaluate10(b *testing.B) {
	var st []string
	for i := 0; i < 9; i++ {
		st = append(st, fmt.Sprintf(`{"Sid":"s%d","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/u%d"},
			"Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::amzn-s3-demo-bucket/team%d/${aws:username}/*",
			"Condition":{"IpAddress":{"aws:SourceIp":["10.%d.0.0/16","2001:db8::/32"]},"StringLike":{"aws:UserAgent":"aws-cli/*"}}}`, i, i, i, i))
	}
	st = append(st, `{"Sid":"tls","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::amzn-s3-demo-bucket/*",
		"Condition":{"Bool":{"aws:SecureTransport":"false"}}}`)
	p := mustParse(b, `{"Version":"2012-10-17","Statement":[`+strings.Join(st, ",")+`]}`, KindBucket)
	u := Principal{Type: PrincipalUser, ARN: "arn:aws:iam::111122223333:user/u8", Account: acct, UserName: "u8"}
	req := rq(u, "s3:GetObject", obj("team8/u8/report.csv"), "aws:SourceIp", "10.8.1.2", "aws:UserAgent", "aws-cli/2.15",
		"aws:SecureTransport", "true")
	if Evaluate(&req, nil, p, acct) != Allowed {
		b.Fatal("setup: not allowed")
	}
	b.ReportAllocs()
	for b.Loop() {
		Evaluate(&req, nil, p, acct)
	}
}
