package s3api

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hoard-s3/hoard/internal/policy"
	"github.com/hoard-s3/hoard/internal/sigv4"
	"github.com/hoard-s3/hoard/internal/tlsconf"
)

// conditions builds the request's condition keys once. Keys whose source
// is absent are left out, so that IfExists and Null behave as in AWS.
func (h *handler) conditions(req *request) map[string][]string {
	if req.authz.cond != nil {
		return req.authz.cond
	}
	r := req.r
	now := time.Now()
	c := policy.GlobalKeys(now, r.RemoteAddr, tlsconf.Secure(r), r.Header.Get("User-Agent"), r.Header.Get("Referer"))
	set := func(k, v string) {
		if v != "" {
			c[k] = []string{v}
		}
	}
	for _, hk := range [][2]string{
		{policy.KeyS3ACL, "X-Amz-Acl"},
		{policy.KeyS3SSE, "X-Amz-Server-Side-Encryption"},
		{policy.KeyS3SSEKMSKeyID, "X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id"},
		{policy.KeyS3SSECAlgorithm, "X-Amz-Server-Side-Encryption-Customer-Algorithm"},
		{policy.KeyS3ContentSHA256, "X-Amz-Content-Sha256"},
		{policy.KeyS3CopySource, "X-Amz-Copy-Source"},
		{policy.KeyS3MetadataDirective, "X-Amz-Metadata-Directive"},
		{policy.KeyS3StorageClass, "X-Amz-Storage-Class"},
		{policy.KeyS3ObjectOwnership, "X-Amz-Object-Ownership"},
		{"s3:x-amz-grant-read", "X-Amz-Grant-Read"},
		{"s3:x-amz-grant-write", "X-Amz-Grant-Write"},
		{"s3:x-amz-grant-read-acp", "X-Amz-Grant-Read-Acp"},
		{"s3:x-amz-grant-write-acp", "X-Amz-Grant-Write-Acp"},
		{"s3:x-amz-grant-full-control", "X-Amz-Grant-Full-Control"},
	} {
		set(hk[0], r.Header.Get(hk[1]))
	}
	set(policy.KeyS3VersionID, req.query.Get("versionId"))
	switch req.op.name {
	case opListObjects.name, opListObjectsV2.name:
		// s3:prefix is "" for a listing without one, so that policies can
		// allow the top level with StringEquals "".
		c[policy.KeyS3Prefix] = []string{req.query.Get("prefix")}
		set(policy.KeyS3Delimiter, req.query.Get("delimiter"))
		set(policy.KeyS3MaxKeys, req.query.Get("max-keys"))
	}
	requestTags(c, r.Header.Get("X-Amz-Tagging"))
	addLockConditions(c, r.Header)
	authKeys(c, req.auth, now)
	req.authz.cond = c
	return c
}

// requestTags sets s3:RequestObjectTag/<key> and s3:RequestObjectTagKeys
// from x-amz-tagging (a query string); a malformed header is left to the
// operation to refuse.
func requestTags(c map[string][]string, raw string) {
	if raw == "" {
		return
	}
	q, err := url.ParseQuery(raw)
	if err != nil {
		return
	}
	keys := make([]string, 0, len(q))
	for k, v := range q {
		keys = append(keys, k)
		if len(v) > 0 {
			c[policy.KeyS3RequestObjectTag+k] = []string{v[0]}
		}
	}
	c[policy.KeyS3RequestObjectTags] = keys
}

// authKeys sets the keys that describe the signature.
func authKeys(c map[string][]string, auth *sigv4.Auth, now time.Time) {
	if auth == nil {
		return
	}
	var typ, ver string
	switch auth.Method {
	case sigv4.V4Header:
		typ, ver = "REST-HEADER", "AWS4-HMAC-SHA256"
	case sigv4.V4Presigned:
		typ, ver = "REST-QUERY-STRING", "AWS4-HMAC-SHA256"
	case sigv4.V2Header:
		typ, ver = "REST-HEADER", "AWS"
	case sigv4.V2Presigned:
		typ, ver = "REST-QUERY-STRING", "AWS"
	default:
		if strings.HasPrefix(string(auth.Method), "post") {
			typ, ver = "POST", "AWS4-HMAC-SHA256"
		}
	}
	if typ != "" {
		c[policy.KeyS3AuthType] = []string{typ}
		c[policy.KeyS3SignatureVersion] = []string{ver}
	}
	if !auth.SignedAt.IsZero() {
		age := now.Sub(auth.SignedAt).Milliseconds()
		if age < 0 {
			age = 0
		}
		c[policy.KeyS3SignatureAge] = []string{strconv.FormatInt(age, 10)}
	}
}
