package policy

import "testing"

func pub(principal, cond string) string {
	c := ""
	if cond != "" {
		c = `,"Condition":` + cond
	}
	return stmt(`{"Effect":"Allow","Principal":` + principal + `,"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"` + c + `}`)
}

func TestIsPublic(t *testing.T) {
	cases := []struct {
		name, doc string
		want      bool
	}{
		{"star", pub(`"*"`, ""), true},
		{"aws star", pub(`{"AWS":"*"}`, ""), true},
		{"aws star in list", pub(`{"AWS":["111122223333","*"]}`, ""), true},
		{"account", pub(`{"AWS":"111122223333"}`, ""), false},
		{"user arn", pub(`{"AWS":"arn:aws:iam::111122223333:user/a"}`, ""), false},
		{"service", pub(`{"Service":"logging.s3.amazonaws.com"}`, ""), false},
		{"deny star", stmt(`{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b/*"}`), false},
		{"notprincipal allow", stmt(`{"Effect":"Allow","NotPrincipal":{"AWS":"111122223333"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`), true},
		{"notprincipal star", stmt(`{"Effect":"Allow","NotPrincipal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`), false},
		{"source ip /24", pub(`"*"`, `{"IpAddress":{"aws:SourceIp":"54.240.143.0/24"}}`), false},
		{"source ip single v6", pub(`"*"`, `{"IpAddress":{"aws:SourceIp":"2001:db8::1"}}`), false},
		{"source ip 0/0", pub(`"*"`, `{"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}}`), true},
		{"source ip ::/0", pub(`"*"`, `{"IpAddress":{"aws:SourceIp":"::/0"}}`), true},
		{"source ip /1", pub(`"*"`, `{"IpAddress":{"aws:SourceIp":"0.0.0.0/1"}}`), true},
		{"source ip one broad of two", pub(`"*"`, `{"IpAddress":{"aws:SourceIp":["10.0.0.0/24","0.0.0.0/1"]}}`), true},
		{"source ip /8", pub(`"*"`, `{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}`), false},
		{"source ip v6 /16", pub(`"*"`, `{"IpAddress":{"aws:SourceIp":"2001::/16"}}`), true},
		{"not ip address", pub(`"*"`, `{"NotIpAddress":{"aws:SourceIp":"10.0.0.0/24"}}`), true},
		{"source ip ifexists", pub(`"*"`, `{"IpAddressIfExists":{"aws:SourceIp":"10.0.0.0/24"}}`), true},
		{"source vpce", pub(`"*"`, `{"StringEquals":{"aws:SourceVpce":"vpce-1a2b3c4d"}}`), false},
		{"source vpc", pub(`"*"`, `{"StringEquals":{"aws:SourceVpc":"vpc-111bbb22"}}`), false},
		{"source account", pub(`"*"`, `{"StringEquals":{"aws:SourceAccount":"111122223333"}}`), false},
		{"source owner", pub(`"*"`, `{"StringEquals":{"aws:SourceOwner":"111122223333"}}`), false},
		{"source arn equals", pub(`"*"`, `{"ArnEquals":{"aws:SourceArn":"arn:aws:cloudtrail:us-east-1:111122223333:trail/t"}}`), false},
		{"source arn wildcard", pub(`"*"`, `{"ArnLike":{"aws:SourceArn":"arn:aws:cloudtrail:*:111122223333:trail/*"}}`), true},
		{"principal org", pub(`"*"`, `{"StringEquals":{"aws:PrincipalOrgID":"o-abc"}}`), false},
		{"principal account", pub(`"*"`, `{"StringEquals":{"aws:PrincipalAccount":"111122223333"}}`), false},
		{"principal arn fixed", pub(`"*"`, `{"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/R"}}`), false},
		{"principal arn wildcard", pub(`"*"`, `{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/R"}}`), true},
		{"principal account like star", pub(`"*"`, `{"StringLike":{"aws:PrincipalAccount":"*"}}`), true},
		{"principal account like fixed", pub(`"*"`, `{"StringLike":{"aws:PrincipalAccount":"111122223333"}}`), false},
		{"principal account not equals", pub(`"*"`, `{"StringNotEquals":{"aws:PrincipalAccount":"111122223333"}}`), true},
		{"principal account ifexists", pub(`"*"`, `{"StringEqualsIfExists":{"aws:PrincipalAccount":"111122223333"}}`), true},
		{"principal account forallvalues", pub(`"*"`, `{"ForAllValues:StringEquals":{"aws:PrincipalAccount":"111122223333"}}`), true},
		{"principal account variable", pub(`"*"`, `{"StringEquals":{"aws:PrincipalAccount":"${aws:username}"}}`), true},
		{"userid fixed", pub(`"*"`, `{"StringEquals":{"aws:userid":"AIDAEXAMPLE"}}`), false},
		{"userid role pattern", pub(`"*"`, `{"StringLike":{"aws:userid":"AROAEXAMPLE:*"}}`), true},
		{"kms key id", pub(`"*"`, `{"StringEquals":{"s3:x-amz-server-side-encryption-aws-kms-key-id":"arn:aws:kms:us-east-1:111122223333:key/k"}}`), false},
		{"referer only", pub(`"*"`, `{"StringLike":{"aws:Referer":"http://www.example.com/*"}}`), true},
		{"secure transport only", pub(`"*"`, `{"Bool":{"aws:SecureTransport":"true"}}`), true},
		{"null check", pub(`"*"`, `{"Null":{"aws:SourceVpce":"false"}}`), true},
		{"one public statement of two", stmt(`{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:*","Resource":"arn:aws:s3:::b/*"},{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`), true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := IsPublic(mustParse(t, tc.doc, KindBucket)); got != tc.want {
				t.Fatalf("IsPublic = %v, want %v", got, tc.want)
			}
		})
	}
	if IsPublic(nil) {
		t.Fatal("nil policy public")
	}
}
