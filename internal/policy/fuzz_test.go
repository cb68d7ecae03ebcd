package policy

import (
	"errors"
	"testing"
)

// FuzzParse feeds hostile documents to the parser; whatever parses must
// evaluate and classify without panicking.
func FuzzParse(f *testing.F) {
	for _, s := range []string{polPublicRead, polHomeFolders, polIPAllow, polNotPrincipal, polSSEIfExists, polDateWindow, polVarDefault, `{}`, `[`} {
		f.Add([]byte(s))
	}
	req := rq(alice, "s3:GetObject", obj("home/alice/x"), "aws:SourceIp", "54.240.143.1", "aws:CurrentTime", "2026-03-01T00:00:00Z",
		"s3:prefix", "home/", "aws:Referer", "http://www.example.com/a")
	f.Fuzz(func(t *testing.T, doc []byte) {
		for _, k := range []Kind{KindBucket, KindUser, KindTrust} {
			p, err := Parse(doc, k)
			if err != nil {
				if !errors.Is(err, ErrMalformedPolicy) {
					t.Fatalf("error %v does not wrap ErrMalformedPolicy", err)
				}
				continue
			}
			_ = p.Evaluate(&req)
			_ = IsPublic(p)
			_ = EvaluateWithSession(&req, []*Policy{p}, p, p, acct)
		}
	})
}
