package postpolicy

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
)

// LookupFunc returns the secret of an access key. Its errors are passed
// through wrapped, so the credential store's own sentinels (an unknown key:
// InvalidAccessKeyId) reach the wire layer.
type LookupFunc func(ctx context.Context, accessKey string) (secret string, err error)

// AlgorithmV4 is the only SigV4 algorithm a POST may use.
const AlgorithmV4 = "AWS4-HMAC-SHA256"

// credential is a parsed x-amz-credential: AK/yyyymmdd/region/s3/aws4_request.
type credential struct {
	accessKey, date, region string
}

func credentialErr(value, msg string) error {
	return &ArgumentError{Name: "X-Amz-Credential", Value: value, Message: msg}
}

// parseCredential checks the scope with the messages S3 gives presigned
// requests. region "" accepts any region.
func parseCredential(value, region string) (credential, error) {
	parts := strings.Split(value, "/")
	if len(parts) != 5 {
		return credential{}, credentialErr(value, `the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".`)
	}
	c := credential{accessKey: parts[0], date: parts[1], region: parts[2]}
	switch {
	case c.accessKey == "":
		return c, credentialErr(value, "a non-empty Access Key (AKID) must be provided in the credential.")
	case !validDate(c.date):
		return c, credentialErr(value, fmt.Sprintf(`incorrect date format "%s". This date in the credential must be in the format "yyyyMMdd".`, c.date))
	case region != "" && c.region != region:
		e := credentialErr(value, fmt.Sprintf("the region '%s' is wrong; expecting '%s'", c.region, region)).(*ArgumentError)
		e.Region = region
		return c, e
	case parts[3] != "s3":
		return c, credentialErr(value, fmt.Sprintf(`incorrect service "%s". This endpoint belongs to "s3".`, parts[3]))
	case parts[4] != "aws4_request":
		return c, credentialErr(value, fmt.Sprintf(`incorrect terminal "%s". This endpoint uses "aws4_request".`, parts[4]))
	}
	return c, nil
}

func validDate(s string) bool {
	_, err := time.Parse("20060102", s)
	return err == nil && len(s) == 8
}

// SigningKey derives the SigV4 key for a day, region and service.
func SigningKey(secret, date, region, service string) []byte {
	k := hmacSHA256([]byte("AWS4"+secret), date)
	k = hmacSHA256(k, region)
	k = hmacSHA256(k, service)
	return hmacSHA256(k, "aws4_request")
}

// SignV4 is the x-amz-signature of a policy field: hex HMAC-SHA256 of the
// base64 text as sent, under the credential's signing key.
func SignV4(secret, date, region, policy string) string {
	return hex.EncodeToString(hmacSHA256(SigningKey(secret, date, region, "s3"), policy))
}

// SignV2 is the legacy signature field: base64 HMAC-SHA1 of the policy.
func SignV2(secret, policy string) string {
	m := hmac.New(sha1.New, []byte(secret))
	m.Write([]byte(policy))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

func hmacSHA256(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}

var errNoLookup = errors.New("postpolicy: no credential lookup configured")

// verifyV4 checks the SigV4 fields and the signature over the policy.
func verifyV4(ctx context.Context, f *fields, region string, lookup LookupFunc) (string, error) {
	alg, _ := f.get("x-amz-algorithm")
	if alg != AlgorithmV4 {
		return "", &ArgumentError{Name: "X-Amz-Algorithm", Value: alg,
			Message: "Invalid algorithm: only " + AlgorithmV4 + " is supported for POST."}
	}
	credValue, _ := f.get("x-amz-credential")
	cred, err := parseCredential(credValue, region)
	if err != nil {
		return "", err
	}
	if date, _ := f.get("x-amz-date"); !validAmzDate(date) {
		return "", &ArgumentError{Name: "X-Amz-Date", Value: date,
			Message: "X-Amz-Date must be formated via ISO8601 Long format"} // sic, S3's text
	}
	if lookup == nil {
		return "", errNoLookup
	}
	secret, err := lookup(ctx, cred.accessKey)
	if err != nil {
		return "", fmt.Errorf("postpolicy: look up access key: %w", err)
	}
	policy, _ := f.get("policy")
	provided, _ := f.get("x-amz-signature")
	if !equal(SignV4(secret, cred.date, cred.region, policy), provided) {
		return "", &SignatureError{AccessKey: cred.accessKey, StringToSign: policy, SignatureProvided: provided}
	}
	return cred.accessKey, nil
}

// verifyV2 checks a legacy AWSAccessKeyId/signature form.
func verifyV2(ctx context.Context, f *fields, lookup LookupFunc) (string, error) {
	ak, _ := f.get("awsaccesskeyid")
	if lookup == nil {
		return "", errNoLookup
	}
	secret, err := lookup(ctx, ak)
	if err != nil {
		return "", fmt.Errorf("postpolicy: look up access key: %w", err)
	}
	policy, _ := f.get("policy")
	provided, _ := f.get("signature")
	if !equal(SignV2(secret, policy), provided) {
		return "", &SignatureError{AccessKey: ak, StringToSign: policy, SignatureProvided: provided}
	}
	return ak, nil
}

func validAmzDate(s string) bool {
	_, err := time.Parse("20060102T150405Z", s)
	return err == nil && len(s) == 16
}

// equal compares signatures in constant time, so the comparison leaks
// nothing about how much of a forged signature was right.
func equal(want, got string) bool {
	return subtle.ConstantTimeCompare([]byte(want), []byte(got)) == 1
}
