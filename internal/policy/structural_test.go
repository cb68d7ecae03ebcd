package policy

import "testing"

func TestAllowsIgnoringConditions(t *testing.T) {
	req := &Request{
		Principal: Principal{Type: PrincipalService, ARN: "logging.s3.amazonaws.com"},
		Action:    "s3:PutObject", Resource: "arn:aws:s3:::logs/access/",
	}
	stmt := func(effect, resource, cond string) string {
		return `{"Effect":"` + effect + `","Principal":{"Service":"logging.s3.amazonaws.com"},"Action":"s3:PutObject","Resource":"` + resource + `"` + cond + `}`
	}
	cond := `,"Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"}}`
	cases := []struct {
		name, stmts string
		want        bool
	}{
		{"allow", stmt("Allow", "arn:aws:s3:::logs/access/*", ""), true},
		{"allow with a condition", stmt("Allow", "arn:aws:s3:::logs/*", cond), true},
		{"other prefix", stmt("Allow", "arn:aws:s3:::logs/other/*", ""), false},
		{"conditional deny", stmt("Allow", "arn:aws:s3:::logs/*", "") + "," + stmt("Deny", "arn:aws:s3:::logs/*", cond), true},
		{"deny", stmt("Allow", "arn:aws:s3:::logs/*", "") + "," + stmt("Deny", "arn:aws:s3:::logs/*", ""), false},
		{"other principal", `{"Effect":"Allow","Principal":{"Service":"delivery.logs.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::logs/*"}`, false},
	}
	for _, tc := range cases {
		p, err := Parse([]byte(`{"Version":"2012-10-17","Statement":[`+tc.stmts+`]}`), KindBucket)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got := p.AllowsIgnoringConditions(req); got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
}
