package kmsapi_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hoard-s3/hoard/internal/kmsapi"
)

const jsonType = "application/x-amz-json-1.1"

func TestWireErrors(t *testing.T) {
	e := newEnv(t)
	big := `{"Description":"` + strings.Repeat("a", kmsapi.MaxBody) + `"}`
	tests := []struct {
		name, method, target, ctype, body string
		status                            int
		typ                               string
	}{
		{"unknown op", "POST", "TrentService.Sign", jsonType, "{}", 400, "UnsupportedOperationException"},
		{"other service", "POST", "DynamoDB_20120810.ListTables", jsonType, "{}", 400, "UnsupportedOperationException"},
		{"bare prefix", "POST", "TrentService.", jsonType, "{}", 400, "UnsupportedOperationException"},
		{"GET", "GET", "TrentService.ListKeys", jsonType, "", 400, "UnsupportedOperationException"},
		{"wrong content type", "POST", "TrentService.ListKeys", "application/json", "{}", 400, "SerializationException"},
		{"no content type", "POST", "TrentService.ListKeys", "", "{}", 400, "SerializationException"},
		{"not json", "POST", "TrentService.ListKeys", jsonType, "<xml/>", 400, "SerializationException"},
		{"truncated", "POST", "TrentService.DescribeKey", jsonType, `{"KeyId":"ab`, 400, "SerializationException"},
		{"array", "POST", "TrentService.ListKeys", jsonType, "[]", 400, "SerializationException"},
		{"trailing data", "POST", "TrentService.ListKeys", jsonType, "{} {}", 400, "SerializationException"},
		{"wrong type", "POST", "TrentService.ListKeys", jsonType, `{"Limit":"ten"}`, 400, "SerializationException"},
		{"fractional int", "POST", "TrentService.ListKeys", jsonType, `{"Limit":1.5}`, 400, "SerializationException"},
		{"huge int", "POST", "TrentService.ListKeys", jsonType, `{"Limit":1e400}`, 400, "SerializationException"},
		{"bad base64", "POST", "TrentService.Decrypt", jsonType, `{"CiphertextBlob":"!!!"}`, 400, "SerializationException"},
		{"invalid utf-8", "POST", "TrentService.CreateKey", jsonType, "{\"Description\":\"\xff\"}", 400, "SerializationException"},
		{"oversize", "POST", "TrentService.CreateKey", jsonType, big, 400, "SerializationException"},
		{"context not map", "POST", "TrentService.Encrypt", jsonType, `{"KeyId":"k","Plaintext":"eA==","EncryptionContext":[1]}`, 400, "SerializationException"},
		{"missing key id", "POST", "TrentService.DescribeKey", jsonType, "{}", 400, "ValidationException"},
		{"empty key id", "POST", "TrentService.DescribeKey", jsonType, `{"KeyId":""}`, 400, "ValidationException"},
		{"long key id", "POST", "TrentService.DescribeKey", jsonType, `{"KeyId":"` + strings.Repeat("k", 2049) + `"}`, 400, "ValidationException"},
		{"null key id", "POST", "TrentService.EnableKey", jsonType, `{"KeyId":null}`, 400, "ValidationException"},
		{"missing alias", "POST", "TrentService.CreateAlias", jsonType, `{"TargetKeyId":"x"}`, 400, "ValidationException"},
		{"missing target", "POST", "TrentService.CreateAlias", jsonType, `{"AliasName":"alias/x"}`, 400, "ValidationException"},
		{"limit zero", "POST", "TrentService.ListAliases", jsonType, `{"Limit":0}`, 400, "ValidationException"},
		{"empty blob", "POST", "TrentService.Decrypt", jsonType, `{"CiphertextBlob":""}`, 400, "ValidationException"},
		{"missing plaintext", "POST", "TrentService.Encrypt", jsonType, `{"KeyId":"k"}`, 400, "ValidationException"},
		{"bad key spec", "POST", "TrentService.GenerateDataKey", jsonType, `{"KeyId":"k","KeySpec":"AES_512"}`, 400, "ValidationException"},
		{"huge context", "POST", "TrentService.GenerateDataKey", jsonType, `{"KeyId":"k","KeySpec":"AES_256","EncryptionContext":{"a":"` + strings.Repeat("v", 9000) + `"}}`, 400, "ValidationException"},
		{"missing destination", "POST", "TrentService.ReEncrypt", jsonType, `{"CiphertextBlob":"eA=="}`, 400, "ValidationException"},
		{"dry run", "POST", "TrentService.Encrypt", jsonType, `{"KeyId":"k","Plaintext":"eA==","DryRun":true}`, 400, "UnsupportedOperationException"},
		{"unknown key", "POST", "TrentService.DescribeKey", jsonType, `{"KeyId":"alias/none"}`, 400, "NotFoundException"},
		{"nul key id", "POST", "TrentService.DescribeKey", jsonType, "{\"KeyId\":\"a\\u0000b\"}", 400, "NotFoundException"},
		{"bad marker", "POST", "TrentService.ListAliases", jsonType, `{"Marker":"zzz"}`, 400, "InvalidMarkerException"},
		{"garbage blob", "POST", "TrentService.Decrypt", jsonType, `{"CiphertextBlob":"AAAA"}`, 400, "InvalidCiphertextException"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, typ, body := e.raw(t, tc.method, tc.target, tc.ctype, tc.body)
			if status != tc.status || typ != tc.typ {
				t.Fatalf("status %d type %q, want %d %q; body %.200s", status, typ, tc.status, tc.typ, body)
			}
			var got struct {
				Type    string `json:"__type"`
				Message string `json:"message"`
			}
			if err := json.Unmarshal([]byte(body), &got); err != nil || got.Type != tc.typ || got.Message == "" {
				t.Fatalf("error body %.200s (%v)", body, err)
			}
		})
	}
}

func TestWireSuccessShape(t *testing.T) {
	e := newEnv(t)
	status, typ, body := e.raw(t, "POST", "TrentService.ListKeys", jsonType, "")
	if status != 200 || typ != "" || body != `{"Keys":[],"Truncated":false}` {
		t.Fatalf("empty ListKeys = %d %q %s", status, typ, body)
	}
	status, _, body = e.raw(t, "POST", "TrentService.CreateKey", "application/x-amz-json-1.1; charset=utf-8", `{"Description":"d","Unknown":1}`)
	if status != 200 || !strings.Contains(body, `"KeyManager":"CUSTOMER"`) {
		t.Fatalf("CreateKey = %d %s", status, body)
	}
	var out struct{ KeyMetadata struct{ KeyId string } }
	json.Unmarshal([]byte(body), &out)
	status, _, body = e.raw(t, "POST", "TrentService.DisableKey", jsonType, `{"KeyId":"`+out.KeyMetadata.KeyId+`"}`)
	if status != 200 || body != "{}" {
		t.Fatalf("DisableKey = %d %s", status, body)
	}
	status, typ, _ = e.raw(t, "POST", "TrentService.GenerateDataKey", jsonType, `{"KeyId":"`+out.KeyMetadata.KeyId+`","KeySpec":"AES_256"}`)
	if status != http.StatusConflict || typ != "DisabledException" {
		t.Fatalf("GenerateDataKey on a disabled key = %d %q", status, typ)
	}
}

func TestIsKMS(t *testing.T) {
	for _, tc := range []struct {
		method, target string
		want           bool
	}{
		{"POST", "TrentService.CreateKey", true},
		{"POST", "TrentService.Anything", true},
		{"GET", "TrentService.CreateKey", false},
		{"POST", "AWSSecurityTokenServiceV20110615.GetCallerIdentity", false},
		{"POST", "", false},
	} {
		r := httptest.NewRequest(tc.method, "/", nil)
		if tc.target != "" {
			r.Header.Set("X-Amz-Target", tc.target)
		}
		if got := kmsapi.IsKMS(r); got != tc.want {
			t.Errorf("IsKMS(%s %q) = %v", tc.method, tc.target, got)
		}
	}
}
