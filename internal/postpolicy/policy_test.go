package postpolicy

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"
)

func TestDecodePolicyErrors(t *testing.T) {
	cases := []struct{ name, doc, msg string }{
		{"not json", `nope`, "Invalid Policy: Invalid JSON."},
		{"trailing comma", `{"expiration": "2015-12-30T12:00:00.000Z", "conditions": [{"acl": "x"},]}`, "Invalid Policy: Invalid JSON."},
		{"array", `[]`, "Invalid Policy: Invalid JSON."},
		{"null", `null`, "Invalid Policy: Invalid JSON."},
		{"invalid utf8", "{\"expiration\": \"2015-12-30T12:00:00Z\", \"conditions\": [{\"acl\": \"\xff\"}]}", "Invalid Policy: Invalid JSON."},
		{"missing expiration", `{"conditions": []}`, "Invalid Policy: Policy missing expiration."},
		{"missing conditions", `{"expiration": "2015-12-30T12:00:00Z"}`, "Invalid Policy: Policy missing conditions."},
		{"upper-case member", `{"EXPIRATION": "2015-12-30T12:00:00Z", "conditions": []}`, "Invalid Policy: Unexpected: 'expiration'"},
		{"iam policy", `{"Version": "2012-10-17", "Statement": []}`, "Invalid Policy: Unexpected: 'statement'"},
		{"offset expiration", `{"expiration": "2011-09-13T07:52:58+02:00", "conditions": []}`, "Invalid Policy: Invalid 'expiration' value: '2011-09-13T07:52:58+02:00'"},
		{"space expiration", `{"expiration": "2015-10-17 03:15:59 UTC", "conditions": []}`, "Invalid Policy: Invalid 'expiration' value: '2015-10-17 03:15:59 UTC'"},
		{"numeric expiration", `{"expiration": 12, "conditions": []}`, "Invalid Policy: Invalid 'expiration' value: '12'"},
		{"conditions object", `{"expiration": "2015-12-30T12:00:00Z", "conditions": {}}`, "Invalid Policy: Invalid 'conditions' value: must be a List."},
		{"conditions null", `{"expiration": "2015-12-30T12:00:00Z", "conditions": null}`, "Invalid Policy: Invalid 'conditions' value: must be a List."},
		{"empty simple", `{"expiration": "2015-12-30T12:00:00Z", "conditions": [{}]}`,
			"Invalid Policy: Invalid Simple-Condition: Simple-Conditions must have exactly one property specified."},
		{"two properties", `{"expiration": "2015-12-30T12:00:00Z", "conditions": [{"bucket": "b", "acl": "x"}]}`,
			"Invalid Policy: Invalid Simple-Condition: Simple-Conditions must have exactly one property specified."},
		{"number value", `{"expiration": "2015-12-30T12:00:00Z", "conditions": [{"Content-Length": 6199034}]}`,
			"Invalid Policy: Invalid Simple-Condition: value must be a string."},
		{"null value", `{"expiration": "2015-12-30T12:00:00Z", "conditions": [{"success_action_redirect": null}]}`, "Invalid Policy: Invalid JSON."},
		{"empty list", `{"expiration": "2015-12-30T12:00:00Z", "conditions": [[]]}`, "Invalid Policy: Invalid Condition: missing operation identifier."},
		{"unknown op", `{"expiration": "2015-12-30T12:00:00Z", "conditions": [["ends-with", "$key", "x"]]}`, "Invalid Policy: Invalid Condition: unknown operation 'ends-with'."},
		{"two args", `{"expiration": "2015-12-30T12:00:00Z", "conditions": [["content-length-range", 0]]}`, "Invalid Policy: Invalid content-length-range: wrong number of arguments."},
		{"four args", `{"expiration": "2015-12-30T12:00:00Z", "conditions": [["eq", "$key", "a", "b"]]}`, "Invalid Policy: Invalid eq: wrong number of arguments."},
		{"number operand", `{"expiration": "2015-12-30T12:00:00Z", "conditions": [["eq", "$key", 1]]}`, "Invalid Policy: Invalid JSON."},
		{"float bound", `{"expiration": "2015-12-30T12:00:00Z", "conditions": [["content-length-range", 0, 512.0]]}`, "Invalid Policy: Invalid JSON."},
		{"negative bound", `{"expiration": "2015-12-30T12:00:00Z", "conditions": [["content-length-range", -1, 0]]}`,
			"Invalid Policy: Invalid content-length-range: bounds must not be negative."},
		{"string condition", `{"expiration": "2015-12-30T12:00:00Z", "conditions": ["acl"]}`, "Invalid Policy: Invalid condition test: must be a List or Object."},
		{"number condition", `{"expiration": "2015-12-30T12:00:00Z", "conditions": [7]}`, "Invalid Policy: Invalid condition test: must be a List or Object."},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DecodePolicy([]byte(tc.doc))
			wantErr(t, err, ErrInvalidPolicy, tc.msg)
		})
	}
}

func TestParsePolicyBase64(t *testing.T) {
	_, err := ParsePolicy("not base64!")
	wantErr(t, err, ErrInvalidPolicy, "Invalid Policy: invalid Base64 encoding.")
	p, err := ParsePolicy(docPolicy)
	if err != nil {
		t.Fatal(err)
	}
	if !p.Expiration.Equal(time.Date(2015, 12, 30, 12, 0, 0, 0, time.UTC)) || len(p.Conditions) != 11 {
		t.Fatalf("policy = %+v", p)
	}
	c := p.Conditions[1]
	if c.Op != OpStartsWith || c.Field != "key" || c.Value != "user/user1/" {
		t.Fatalf("condition = %+v", c)
	}
}

func TestDecodePolicyAccepts(t *testing.T) {
	doc := `{"expiration": "2015-12-29T01:00:00Z", "conditions": [
		{"acl": "public-read"}, ["EQ", "$Key", "a"], ["Starts-With", "$Content-Type", "image/"],
		["content-length-range", "5", "10"], ["content-length-range", 1048576, 10485760], ["eq", "key", "x"],
		{"x-amz-meta-x": "<&>"}]}`
	p, err := DecodePolicy([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	want := []Condition{
		{Op: OpEq, Field: "acl", Value: "public-read"},
		{Op: OpEq, Field: "key", Value: "a"},
		{Op: OpStartsWith, Field: "content-type", Value: "image/"},
		{Op: OpRange, Min: 5, Max: 10},
		{Op: OpRange, Min: 1048576, Max: 10485760},
		{Op: OpEq, Value: "x", never: true},
		{Op: OpEq, Field: "x-amz-meta-x", Value: "<&>"},
	}
	for i, w := range want {
		got := p.Conditions[i]
		got.text = ""
		if got != w {
			t.Errorf("condition %d = %+v; want %+v", i, got, w)
		}
	}
	if got := p.Conditions[6].text; got != `["eq", "$x-amz-meta-x", "<&>"]` {
		t.Errorf("text = %s", got)
	}
	if got := p.Conditions[3].text; got != `["content-length-range", "5", "10"]` {
		t.Errorf("text = %s", got)
	}
}

// FuzzPolicy checks that no policy document panics the parser or the
// condition checker, and that parsing is deterministic.
func FuzzPolicy(f *testing.F) {
	doc, _ := base64.StdEncoding.DecodeString(docPolicy)
	f.Add(doc)
	f.Add([]byte(policyWith(okConds)))
	f.Fuzz(func(t *testing.T, doc []byte) {
		p, err := DecodePolicy(doc)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "Invalid Policy: ") {
				t.Fatalf("error without S3's prefix: %v", err)
			}
			return
		}
		again, err := ParsePolicy(base64.StdEncoding.EncodeToString(doc))
		if err != nil || len(again.Conditions) != len(p.Conditions) {
			t.Fatalf("base64 round trip: %v", err)
		}
		fs := newFields()
		fs.add("key", "user/user1/a")
		fs.add("Content-Type", "image/png,text/plain")
		_, _ = p.check(fs, "b", exemptV4)
	})
}
