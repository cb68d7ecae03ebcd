package postpolicy

import (
	"bytes"
	"context"
	"io"
	"net/http/httptest"
	"testing"
)

// FuzzRead feeds arbitrary bodies to Read under a fixed boundary: it must
// neither panic nor hang, whatever the bytes.
func FuzzRead(f *testing.F) {
	signed := append([]field{{"key", "user/${filename}"}}, signedFields(policyWith(`{"bucket": "b"}, ["starts-with", "$key", "user/"], ["content-length-range", 1, 100]`))...)
	body, ct := buildForm(f, signed, &file{filename: "é/ü.txt", content: []byte("hello")}, []field{{"after", "x"}})
	boundary := ct[len("multipart/form-data; boundary="):]
	f.Add(body, boundary)
	f.Add([]byte("--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\"\r\n\r\nx\r\n--B--\r\n"), "B")
	f.Fuzz(func(t *testing.T, body []byte, boundary string) {
		r := httptest.NewRequest("POST", "http://b.example/", bytes.NewReader(body))
		r.Header.Set("Content-Type", "multipart/form-data; boundary=\""+boundary+"\"")
		form, err := Read(context.Background(), r, "b", opts())
		if err != nil {
			return
		}
		_, _ = io.Copy(io.Discard, form.File)
	})
}
