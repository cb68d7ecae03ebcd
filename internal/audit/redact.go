package audit

import (
	"encoding/json"
	"net/url"
	"strings"
)

// Parameters of IAM and STS calls that are secrets (or bearer tokens):
// never in a record, whatever the call.
var secretParams = map[string]bool{
	"password": true, "newpassword": true, "oldpassword": true, "secretaccesskey": true,
	"sessiontoken": true, "privatekey": true, "samlassertion": true, "webidentitytoken": true,
	"tokencode": true, "authenticationcode1": true, "authenticationcode2": true,
}

// QueryParameters turns IAM/STS form parameters into requestParameters:
// CloudTrail's camelCase names, without Action, Version and secrets.
func QueryParameters(form url.Values) map[string]any {
	out := map[string]any{}
	for k, vs := range form {
		lk := strings.ToLower(k)
		if lk == "action" || lk == "version" || secretParams[lk] || strings.HasPrefix(lk, "x-amz-") || len(vs) == 0 {
			continue
		}
		out[camel(k)] = vs[0]
	}
	return out
}

// KMS request members that may appear in a record; everything else
// (Plaintext, CiphertextBlob, unknown members) is left out.
var kmsParams = map[string]bool{
	"KeyId": true, "Description": true, "KeyUsage": true, "KeySpec": true, "CustomerMasterKeySpec": true,
	"Origin": true, "MultiRegion": true, "AliasName": true, "TargetKeyId": true, "EncryptionContext": true,
	"EncryptionAlgorithm": true, "NumberOfBytes": true, "PolicyName": true, "Policy": true,
	"PendingWindowInDays": true, "DestinationKeyId": true, "SourceKeyId": true,
	"SourceEncryptionContext": true, "DestinationEncryptionContext": true, "Limit": true,
	"BypassPolicyLockoutSafetyCheck": true, "SourceEncryptionAlgorithm": true, "DestinationEncryptionAlgorithm": true,
	"Tags": true, "Marker": true,
}

// KMSParameters turns a KMS JSON request into requestParameters.
func KMSParameters(body []byte) map[string]any {
	var in map[string]json.RawMessage
	if json.Unmarshal(body, &in) != nil {
		return nil
	}
	out := map[string]any{}
	for k, raw := range in {
		if !kmsParams[k] {
			continue
		}
		var v any
		if json.Unmarshal(raw, &v) == nil {
			out[camel(k)] = v
		}
	}
	return out
}

func camel(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}
