package cors

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
)

func rulesXML(n int) string {
	var b strings.Builder
	b.WriteString(`<CORSConfiguration>`)
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, `<CORSRule><AllowedOrigin>http://o%d.example</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule>`, i)
	}
	b.WriteString(`</CORSConfiguration>`)
	return b.String()
}

func TestParseErrors(t *testing.T) {
	rule := func(inner string) string {
		return `<CORSConfiguration><CORSRule>` + inner + `</CORSRule></CORSConfiguration>`
	}
	ok := `<AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod>`
	cases := []struct {
		name   string
		doc    string
		kind   error
		reason string
	}{
		{"empty", "", ErrMalformed, ""},
		{"whitespace", "  \n", ErrMalformed, ""},
		{"not xml", "hello", ErrMalformed, ""},
		{"truncated", `<CORSConfiguration><CORSRule><AllowedOrigin>*</Allowed`, ErrMalformed, ""},
		{"wrong root", `<Tagging><CORSRule>` + ok + `</CORSRule></Tagging>`, ErrMalformed, ""},
		{"wrong namespace", `<CORSConfiguration xmlns="urn:x"><CORSRule>` + ok + `</CORSRule></CORSConfiguration>`, ErrMalformed, ""},
		{"no rules", `<CORSConfiguration></CORSConfiguration>`, ErrMalformed, ""},
		{"empty rule", `<CORSConfiguration><CORSRule/></CORSConfiguration>`, ErrMalformed, ""},
		{"no origin", rule(`<AllowedMethod>GET</AllowedMethod>`), ErrMalformed, ""},
		{"no method", rule(`<AllowedOrigin>*</AllowedOrigin>`), ErrMalformed, ""},
		{"unknown element", rule(ok + `<Bogus>1</Bogus>`), ErrMalformed, ""},
		{"unknown top element", `<CORSConfiguration><Bogus/><CORSRule>` + ok + `</CORSRule></CORSConfiguration>`, ErrMalformed, ""},
		{"trailing garbage", rule(ok) + `<x/>`, ErrMalformed, ""},
		{"trailing text", rule(ok) + `junk`, ErrMalformed, ""},
		{"two roots", rule(ok) + rule(ok), ErrMalformed, ""},
		{"max age text", rule(ok + `<MaxAgeSeconds>soon</MaxAgeSeconds>`), ErrMalformed, ""},
		{"max age negative", rule(ok + `<MaxAgeSeconds>-1</MaxAgeSeconds>`), ErrMalformed, ""},
		{"max age overflow", rule(ok + `<MaxAgeSeconds>99999999999</MaxAgeSeconds>`), ErrMalformed, ""},
		{"max age twice", rule(ok + `<MaxAgeSeconds>1</MaxAgeSeconds><MaxAgeSeconds>2</MaxAgeSeconds>`), ErrMalformed, ""},
		{"invalid utf8", rule("<AllowedOrigin>\xff</AllowedOrigin><AllowedMethod>GET</AllowedMethod>"), ErrMalformed, ""},
		{"nul byte", rule("<AllowedOrigin>a\x00</AllowedOrigin><AllowedMethod>GET</AllowedMethod>"), ErrMalformed, ""},
		{"bad method", rule(`<AllowedOrigin>*</AllowedOrigin><AllowedMethod>MYMETHOD</AllowedMethod>`), ErrInvalid,
			"Found unsupported HTTP method in CORS config. Unsupported method is MYMETHOD"},
		{"options method", rule(`<AllowedOrigin>*</AllowedOrigin><AllowedMethod>OPTIONS</AllowedMethod>`), ErrInvalid,
			"Found unsupported HTTP method in CORS config. Unsupported method is OPTIONS"},
		{"lowercase method", rule(`<AllowedOrigin>*</AllowedOrigin><AllowedMethod>get</AllowedMethod>`), ErrInvalid,
			"Found unsupported HTTP method in CORS config. Unsupported method is get"},
		{"empty method", rule(`<AllowedOrigin>*</AllowedOrigin><AllowedMethod/>`), ErrInvalid,
			"Found unsupported HTTP method in CORS config. Unsupported method is "},
		{"two origin wildcards", rule(`<AllowedOrigin>*example*.com</AllowedOrigin><AllowedMethod>GET</AllowedMethod>`), ErrInvalid,
			`AllowedOrigin "*example*.com" can not have more than one wildcard.`},
		{"two header wildcards", rule(ok + `<AllowedHeader>x-*-*</AllowedHeader>`), ErrInvalid,
			`AllowedHeader "x-*-*" can not have more than one wildcard.`},
		{"long id", rule(ok + `<ID>` + strings.Repeat("i", 256) + `</ID>`), ErrInvalid,
			"The ID length should not exceed allowed limit of 255"},
		{"too many rules", rulesXML(101), ErrInvalid,
			"The number of CORS rules should not exceed allowed limit of 100 rules."},
		{"too large", `<CORSConfiguration>` + strings.Repeat(" ", MaxDocumentSize) + `</CORSConfiguration>`, ErrTooLarge, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := Parse(strings.NewReader(tc.doc))
			if !errors.Is(err, tc.kind) {
				t.Fatalf("Parse = %v, %v; want %v", cfg, err, tc.kind)
			}
			if tc.reason != "" {
				var ve *ValidationError
				if !errors.As(err, &ve) || ve.Reason != tc.reason {
					t.Fatalf("reason = %q; want %q", err, tc.reason)
				}
			}
		})
	}
}

func TestParseAccepts(t *testing.T) {
	cases := []struct {
		name  string
		doc   string
		rules int
	}{
		{"no namespace", `<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>`, 1},
		{"s3 namespace and declaration", `<?xml version="1.0" encoding="UTF-8"?>
<CORSConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>
<!-- trailing comment -->
`, 1},
		{"empty origin accepted as S3 does", `<CORSConfiguration><CORSRule><AllowedOrigin></AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>`, 1},
		{"hundred rules", rulesXML(100), 100},
		{"max age padded", `<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod><MaxAgeSeconds> 30 </MaxAgeSeconds></CORSRule></CORSConfiguration>`, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := Parse(strings.NewReader(tc.doc))
			if err != nil {
				t.Fatal(err)
			}
			if len(cfg.Rules) != tc.rules {
				t.Fatalf("rules = %d; want %d", len(cfg.Rules), tc.rules)
			}
		})
	}
}

// TestMarshalRoundTrip checks the exact document GetBucketCors returns and
// that parsing it gives the same configuration back.
func TestMarshalRoundTrip(t *testing.T) {
	in := `<CORSConfiguration>
  <CORSRule>
    <ID>rule1</ID>
    <AllowedOrigin>http://www.example.com</AllowedOrigin>
    <AllowedOrigin>http://*.example.net</AllowedOrigin>
    <AllowedMethod>PUT</AllowedMethod>
    <AllowedMethod>POST</AllowedMethod>
    <MaxAgeSeconds>3000</MaxAgeSeconds>
    <ExposeHeader>x-amz-server-side-encryption</ExposeHeader>
    <ExposeHeader>ETag</ExposeHeader>
    <AllowedHeader>*</AllowedHeader>
  </CORSRule>
  <CORSRule>
    <AllowedOrigin>*</AllowedOrigin>
    <AllowedMethod>GET</AllowedMethod>
  </CORSRule>
</CORSConfiguration>`
	cfg, err := Parse(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	out, err := Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	want := `<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
		`<CORSConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">` +
		`<CORSRule><AllowedHeader>*</AllowedHeader><AllowedMethod>PUT</AllowedMethod><AllowedMethod>POST</AllowedMethod>` +
		`<AllowedOrigin>http://www.example.com</AllowedOrigin><AllowedOrigin>http://*.example.net</AllowedOrigin>` +
		`<ExposeHeader>x-amz-server-side-encryption</ExposeHeader><ExposeHeader>ETag</ExposeHeader>` +
		`<ID>rule1</ID><MaxAgeSeconds>3000</MaxAgeSeconds></CORSRule>` +
		`<CORSRule><AllowedMethod>GET</AllowedMethod><AllowedOrigin>*</AllowedOrigin></CORSRule>` +
		`</CORSConfiguration>`
	if string(out) != want {
		t.Fatalf("Marshal:\n got %s\nwant %s", out, want)
	}
	again, err := Parse(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	out2, _ := Marshal(again)
	if !bytes.Equal(out, out2) {
		t.Fatalf("round trip changed the document:\n%s\n%s", out, out2)
	}
}

func TestMarshalEscapes(t *testing.T) {
	cfg := &Config{Rules: []Rule{{AllowedOrigins: []string{`http://a.example/<&>"`}, AllowedMethods: []string{"GET"}}}}
	out, err := Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	back, err := Parse(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if got := back.Rules[0].AllowedOrigins[0]; got != `http://a.example/<&>"` {
		t.Fatalf("origin = %q", got)
	}
}
