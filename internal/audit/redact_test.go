package audit

import (
	"net/url"
	"testing"
)

func TestQueryParametersDropSecrets(t *testing.T) {
	form := url.Values{
		"Action": {"CreateLoginProfile"}, "Version": {"2010-05-08"}, "UserName": {"alice"},
		"Password": {"hunter2"}, "NewPassword": {"n"}, "OldPassword": {"o"}, "SecretAccessKey": {"s"},
		"SessionToken": {"t"}, "SAMLAssertion": {"a"}, "WebIdentityToken": {"w"}, "TokenCode": {"123456"},
		"X-Amz-Security-Token": {"tok"}, "PasswordResetRequired": {"true"},
	}
	got := QueryParameters(form)
	want := map[string]any{"userName": "alice", "passwordResetRequired": "true"}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
}

func TestKMSParametersKeepOnlyAllowed(t *testing.T) {
	got := KMSParameters([]byte(`{"KeyId":"alias/x","Plaintext":"c2VjcmV0","CiphertextBlob":"YmxvYg==",
		"EncryptionContext":{"a":"b"},"Unknown":"v"}`))
	if len(got) != 2 || got["keyId"] != "alias/x" || got["encryptionContext"].(map[string]any)["a"] != "b" {
		t.Fatalf("got %v", got)
	}
	if KMSParameters([]byte("not json")) != nil {
		t.Fatal("a malformed body gave parameters")
	}
}
