package postpolicy

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"testing"
	"time"
)

// The credentials of AWS's documentation examples.
const (
	exampleAK     = "AKIAIOSFODNN7EXAMPLE"
	exampleSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
)

var errUnknownKey = errors.New("unknown access key")

func lookup(_ context.Context, ak string) (string, error) {
	if ak == exampleAK {
		return exampleSecret, nil
	}
	return "", errUnknownKey
}

// testNow is the date of the documentation example.
var testNow = time.Date(2015, 12, 29, 0, 0, 0, 0, time.UTC)

func opts() Options {
	return Options{Region: "us-east-1", Lookup: lookup, Now: testNow}
}

// field is one form field; a browser keeps them in document order.
type field struct{ name, value string }

// file describes the file part; noFilename sends no filename parameter.
type file struct {
	filename   string
	noFilename bool
	content    []byte
}

// buildForm writes the body a browser would send: fields in order, then
// the file, then anything after it.
func buildForm(t testing.TB, fields []field, f *file, after []field) (body []byte, contentType string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for _, fl := range fields {
		if err := w.WriteField(fl.name, fl.value); err != nil {
			t.Fatal(err)
		}
	}
	if f != nil {
		h := textproto.MIMEHeader{}
		if f.noFilename {
			h.Set("Content-Disposition", `form-data; name="file"`)
		} else {
			h.Set("Content-Disposition", `form-data; name="file"; filename="`+f.filename+`"`)
		}
		h.Set("Content-Type", "application/octet-stream")
		pw, err := w.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		pw.Write(f.content)
	}
	for _, fl := range after {
		w.WriteField(fl.name, fl.value)
	}
	w.Close()
	return buf.Bytes(), w.FormDataContentType()
}

func request(body []byte, contentType string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "http://sigv4examplebucket.s3.amazonaws.com/", bytes.NewReader(body))
	r.Header.Set("Content-Type", contentType)
	return r
}

// signedFields returns the SigV4 fields for a policy JSON document, as an
// SDK's presigned POST produces them, lowercase names.
func signedFields(policyJSON string) []field {
	b64 := base64.StdEncoding.EncodeToString([]byte(policyJSON))
	return []field{
		{"x-amz-algorithm", AlgorithmV4},
		{"x-amz-credential", exampleAK + "/20151229/us-east-1/s3/aws4_request"},
		{"x-amz-date", "20151229T000000Z"},
		{"policy", b64},
		{"x-amz-signature", SignV4(exampleSecret, "20151229", "us-east-1", b64)},
	}
}

// authConditions covers the SigV4 fields, as botocore adds them.
const authConditions = `{"x-amz-algorithm": "AWS4-HMAC-SHA256"},
 {"x-amz-credential": "AKIAIOSFODNN7EXAMPLE/20151229/us-east-1/s3/aws4_request"},
 {"x-amz-date": "20151229T000000Z"}`

func policyWith(conditions string) string {
	return `{"expiration": "2015-12-29T01:00:00Z", "conditions": [` + authConditions + `, ` + conditions + `]}`
}

// post builds, signs and reads a form; it returns the form and the file
// content read through Form.File.
func post(t testing.TB, conditions string, fields []field, f *file) (*Form, []byte, error) {
	t.Helper()
	all := append(append([]field{}, fields...), signedFields(policyWith(conditions))...)
	body, ct := buildForm(t, all, f, nil)
	form, err := Read(context.Background(), request(body, ct), "sigv4examplebucket", opts())
	if err != nil {
		return nil, nil, err
	}
	data, err := io.ReadAll(form.File)
	return form, data, err
}

func wantErr(t testing.TB, err, kind error, msg string) {
	t.Helper()
	if !errors.Is(err, kind) {
		t.Fatalf("err = %v; want %v", err, kind)
	}
	if msg != "" && err.Error() != msg {
		t.Fatalf("message = %q\n         want %q", err.Error(), msg)
	}
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
