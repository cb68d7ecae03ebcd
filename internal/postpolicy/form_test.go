package postpolicy

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/hoard-s3/hoard/internal/checksum"
)

const okConds = `{"bucket": "sigv4examplebucket"}, {"key": "k"}`

func readForm(t *testing.T, body []byte, ct string) (*Form, error) {
	t.Helper()
	return Read(context.Background(), request(body, ct), "sigv4examplebucket", opts())
}

func without(fields []field, name string) []field {
	var out []field
	for _, f := range fields {
		if !strings.EqualFold(f.name, name) {
			out = append(out, f)
		}
	}
	return out
}

func TestReadErrors(t *testing.T) {
	signed := append([]field{{"key", "k"}}, signedFields(policyWith(okConds))...)
	small := &file{filename: "f", content: []byte("data")}
	cases := []struct {
		name   string
		fields []field
		file   *file
		after  []field
		kind   error
		msg    string
	}{
		{"no file", signed, nil, nil, ErrInvalidArgument, "POST requires exactly one file upload per request."},
		{"key after the file", without(signed, "key"), small, []field{{"key", "k"}}, ErrInvalidArgument,
			"Bucket POST must contain a field named 'key'.  If it is specified, please check the order of the fields."},
		{"missing signature", without(signed, "x-amz-signature"), small, nil, ErrInvalidArgument,
			"Bucket POST must contain a field named 'X-Amz-Signature'.  If it is specified, please check the order of the fields."},
		{"missing algorithm and credential names algorithm", without(without(signed, "x-amz-algorithm"), "x-amz-credential"), small, nil,
			ErrInvalidArgument, "Bucket POST must contain a field named 'X-Amz-Algorithm'.  If it is specified, please check the order of the fields."},
		{"missing policy", without(signed, "policy"), small, nil, ErrInvalidArgument,
			"Bucket POST must contain a field named 'Policy'.  If it is specified, please check the order of the fields."},
		{"v2 missing access key", []field{{"key", "k"}, {"signature", "x"}, {"policy", "e30="}}, small, nil, ErrInvalidArgument,
			"Bucket POST must contain a field named 'AWSAccessKeyId'.  If it is specified, please check the order of the fields."},
		{"wrong algorithm", replace(signed, "x-amz-algorithm", "AWS4-ECDSA-P256-SHA256"), small, nil, ErrInvalidArgument, ""},
		{"malformed credential", replace(signed, "x-amz-credential", "AKID/20151229/us-east-1/s3"), small, nil, ErrInvalidArgument,
			`the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".`},
		{"empty access key", replace(signed, "x-amz-credential", "/20151229/us-east-1/s3/aws4_request"), small, nil, ErrInvalidArgument,
			"a non-empty Access Key (AKID) must be provided in the credential."},
		{"bad credential date", replace(signed, "x-amz-credential", exampleAK+"/2015-12-29/us-east-1/s3/aws4_request"), small, nil, ErrInvalidArgument,
			`incorrect date format "2015-12-29". This date in the credential must be in the format "yyyyMMdd".`},
		{"wrong service", replace(signed, "x-amz-credential", exampleAK+"/20151229/us-east-1/iam/aws4_request"), small, nil, ErrInvalidArgument,
			`incorrect service "iam". This endpoint belongs to "s3".`},
		{"wrong terminal", replace(signed, "x-amz-credential", exampleAK+"/20151229/us-east-1/s3/aws4"), small, nil, ErrInvalidArgument,
			`incorrect terminal "aws4". This endpoint uses "aws4_request".`},
		{"bad x-amz-date", replace(signed, "x-amz-date", "2015-12-29"), small, nil, ErrInvalidArgument,
			"X-Amz-Date must be formated via ISO8601 Long format"},
		{"tampered policy", replace(signed, "policy", b64(policyWith(`{"bucket": "sigv4examplebucket"}, ["starts-with", "$key", ""]`))), small, nil,
			ErrSignatureMismatch, ""},
		{"truncated policy", replace(signed, "policy", get(signed, "policy")[:20]), small, nil, ErrSignatureMismatch, ""},
		{"signature in upper case", replace(signed, "x-amz-signature", strings.ToUpper(get(signed, "x-amz-signature"))), small, nil, ErrSignatureMismatch, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			body, ct := buildForm(t, tc.fields, tc.file, tc.after)
			_, err := readForm(t, body, ct)
			wantErr(t, err, tc.kind, tc.msg)
		})
	}
}

func replace(fields []field, name, value string) []field {
	out := append([]field{}, fields...)
	for i := range out {
		if out[i].name == name {
			out[i].value = value
		}
	}
	return out
}

func get(fields []field, name string) string {
	for _, f := range fields {
		if f.name == name {
			return f.value
		}
	}
	return ""
}

func TestSignatureErrorDetails(t *testing.T) {
	signed := append([]field{{"key", "k"}}, signedFields(policyWith(okConds))...)
	signed = replace(signed, "x-amz-signature", strings.Repeat("0", 64))
	body, ct := buildForm(t, signed, &file{filename: "f"}, nil)
	_, err := readForm(t, body, ct)
	var se *SignatureError
	if !errors.As(err, &se) || se.AccessKey != exampleAK || se.StringToSign != get(signed, "policy") || se.SignatureProvided != strings.Repeat("0", 64) {
		t.Fatalf("err = %#v", err)
	}
}

func TestContentTypeOfRequest(t *testing.T) {
	cases := []struct {
		ct   string
		kind error
	}{
		{"", ErrNotMultipart},
		{"text/html", ErrNotMultipart},
		{"application/x-www-form-urlencoded", ErrNotMultipart},
		{"multipart/form-data", ErrMalformed},
		{"multipart/form-data; boundary=", ErrMalformed},
	}
	for _, tc := range cases {
		_, err := readForm(t, []byte("x"), tc.ct)
		wantErr(t, err, tc.kind, "")
	}
}

func TestMalformedBodies(t *testing.T) {
	const ct = "multipart/form-data; boundary=B"
	cases := []struct{ name, body string }{
		{"no parts at all", "garbage"},
		{"truncated in a field", "--B\r\nContent-Disposition: form-data; name=\"key\"\r\n\r\nabc"},
		{"not form-data", "--B\r\nContent-Disposition: attachment; name=\"key\"\r\n\r\nk\r\n--B--\r\n"},
		{"no name", "--B\r\nContent-Disposition: form-data\r\n\r\nk\r\n--B--\r\n"},
		{"no disposition", "--B\r\n\r\nk\r\n--B--\r\n"},
		{"bad disposition", "--B\r\nContent-Disposition: form-data; name=\"unterminated\r\n\r\nk\r\n--B--\r\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := readForm(t, []byte(tc.body), ct)
			if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrInvalidArgument) {
				t.Fatalf("err = %v", err)
			}
		})
	}
}

func TestTruncatedFile(t *testing.T) {
	signed := append([]field{{"key", "k"}}, signedFields(policyWith(okConds))...)
	body, ct := buildForm(t, signed, &file{filename: "f", content: bytes.Repeat([]byte("z"), 10000)}, nil)
	body = body[:len(body)-5000] // the connection dropped mid-file
	form, err := readForm(t, body, ct)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadAll(form.File); err == nil {
		t.Fatal("a truncated file read to a clean EOF")
	}
}

func TestPreDataLimits(t *testing.T) {
	key := field{"key", "k"}
	many := []field{key}
	for i := 0; i < MaxFields+1; i++ {
		many = append(many, field{"x-ignore-f", "v"})
	}
	cases := []struct {
		name   string
		fields []field
		raw    string // a raw body instead of fields
	}{
		{"one huge field", []field{key, {"x-ignore-big", strings.Repeat("a", MaxPreDataBytes+1)}}, ""},
		{"fields adding up", []field{key, {"x-ignore-a", strings.Repeat("a", 12000)}, {"x-ignore-b", strings.Repeat("b", 12000)}}, ""},
		{"too many fields", many, ""},
		{"huge part header", nil, "--B\r\nContent-Disposition: form-data; name=\"key\"\r\nX-Pad: " + strings.Repeat("p", 1<<20) + "\r\n\r\nk\r\n--B--\r\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var body []byte
			ct := "multipart/form-data; boundary=B"
			if tc.raw != "" {
				body = []byte(tc.raw)
			} else {
				body, ct = buildForm(t, tc.fields, &file{filename: "f"}, nil)
			}
			_, err := readForm(t, body, ct)
			wantErr(t, err, ErrPreDataTooLarge, "Your POST request fields preceeding the upload file was too large.")
		})
	}
	// Just under the limit passes, and a file far larger than the limit
	// streams through once the fields are read.
	fields := []field{key, {"x-ignore-a", strings.Repeat("a", 15000)}}
	big := bytes.Repeat([]byte("f"), 1<<20)
	body, ct := buildForm(t, fields, &file{filename: "f", content: big}, nil)
	form, err := readForm(t, body, ct)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := io.ReadAll(form.File); err != nil || len(got) != len(big) {
		t.Fatalf("file: %d bytes, %v", len(got), err)
	}
}

func TestAnonymous(t *testing.T) {
	// A policy without signature fields does not make the form signed.
	fields := []field{{"key", "k"}, {"policy", b64(policyWith(okConds))}, {"acl", "public-read"}}
	body, ct := buildForm(t, fields, &file{filename: "f", content: []byte("d")}, nil)
	form, err := readForm(t, body, ct)
	if err != nil {
		t.Fatal(err)
	}
	if form.Auth != Anonymous || form.Policy != nil || form.AccessKey != "" {
		t.Fatalf("form = %+v", form)
	}
}

func TestNoLookup(t *testing.T) {
	signed := append([]field{{"key", "k"}}, signedFields(policyWith(okConds))...)
	body, ct := buildForm(t, signed, &file{filename: "f"}, nil)
	o := opts()
	o.Lookup = nil
	if _, err := Read(context.Background(), request(body, ct), "sigv4examplebucket", o); err == nil {
		t.Fatal("signed form accepted without a credential lookup")
	}
}

func TestFormValues(t *testing.T) {
	conds := okConds + `, ["starts-with", "$success_action_status", ""], ["starts-with", "$x-amz-meta-Mixed-Case", ""],
	 ["starts-with", "$x-amz-checksum-algorithm", ""], ["starts-with", "$x-amz-checksum-crc32c", ""], ["starts-with", "$x-amz-checksum-sha256", ""],
	 ["starts-with", "$redirect", ""]`
	fields := []field{{"key", "k"}, {"success_action_status", "201"}, {"X-Amz-Meta-Mixed-Case", "v"},
		{"x-amz-checksum-algorithm", "CRC32C"}, {"X-Amz-Checksum-Crc32c", "yZRlqg=="}, {"x-amz-checksum-sha256", "abc="},
		{"redirect", "https://example.com/done"}}
	form, _, err := post(t, conds, fields, &file{filename: "f"})
	if err != nil {
		t.Fatal(err)
	}
	if form.SuccessActionStatus != 201 || form.Metadata["mixed-case"] != "v" || form.ChecksumAlgorithm != "CRC32C" ||
		form.Checksums[checksum.CRC32C] != "yZRlqg==" || form.Checksums[checksum.SHA256] != "abc=" ||
		form.SuccessActionRedirect != "https://example.com/done" {
		t.Fatalf("form = %+v", form)
	}
	for _, s := range []string{"200", "204", "404", "abc", ""} {
		fields[1].value = s
		form, _, err := post(t, conds, fields, &file{filename: "f"})
		if err != nil {
			t.Fatal(err)
		}
		want := 204
		if s == "200" {
			want = 200
		}
		if form.SuccessActionStatus != want {
			t.Errorf("success_action_status %q gave %d", s, form.SuccessActionStatus)
		}
	}
}
