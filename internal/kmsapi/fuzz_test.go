package kmsapi_test

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hoard-s3/hoard/internal/sigv4"
)

// FuzzHandler throws arbitrary bodies at every operation: the handler must
// answer 200 or a well-formed KMS error, never panic or fail with a 500.
func FuzzHandler(f *testing.F) {
	for _, seed := range []struct{ op, body string }{
		{"CreateKey", `{"Description":"x","KeyUsage":"ENCRYPT_DECRYPT"}`},
		{"DescribeKey", `{"KeyId":"alias/aws/s3"}`},
		{"ListKeys", `{"Limit":2,"Marker":"00000000-0000-0000-0000-000000000000"}`},
		{"CreateAlias", `{"AliasName":"alias/a","TargetKeyId":"arn:aws:kms:us-east-1:123456789012:key/x"}`},
		{"ListAliases", `{"KeyId":"k","Limit":1000}`},
		{"GenerateDataKey", `{"KeyId":"alias/aws/s3","KeySpec":"AES_256","EncryptionContext":{"a":"b"}}`},
		{"Encrypt", `{"KeyId":"alias/aws/s3","Plaintext":"aGVsbG8="}`},
		{"Decrypt", `{"CiphertextBlob":"AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}`},
		{"ReEncrypt", `{"CiphertextBlob":"AA==","DestinationKeyId":"alias/aws/s3"}`},
		{"ScheduleKeyDeletion", `{"KeyId":"alias/aws/s3","PendingWindowInDays":7}`},
		{"GenerateRandom", `{"NumberOfBytes":1024}`},
		{"ListKeys", `{"Limit":-1}`},
		{"Decrypt", "{\"CiphertextBlob\":null,\"EncryptionContext\":{\"\\u0000\":\"\\ud800\"}}"},
		{"CreateKey", `[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]`},
	} {
		f.Add(seed.op, []byte(seed.body))
	}
	h := newHandler(f)
	f.Fuzz(func(t *testing.T, op string, body []byte) {
		r := httptest.NewRequest("POST", "/", strings.NewReader(string(body)))
		r.Header.Set("X-Amz-Target", "TrentService."+op)
		r.Header.Set("Content-Type", jsonType)
		w := httptest.NewRecorder()
		h.ServeVerified(w, r, &sigv4.Auth{Service: "kms", AccessKey: testAK}, nil)
		if w.Code == 200 {
			if !json.Valid(w.Body.Bytes()) {
				t.Fatalf("200 with invalid JSON %q", w.Body.String())
			}
			return
		}
		var e struct {
			Type string `json:"__type"`
		}
		if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil || e.Type == "" || w.Code >= 500 {
			t.Fatalf("%s %q: status %d body %q", op, body, w.Code, w.Body.String())
		}
	})
}
