package policy

import (
	"net"
	"strconv"
	"time"
)

// Condition keys the wire layer supplies in Request.Context. Names are those
// AWS documents; lookups are case-insensitive, but using these constants keeps
// the spelling in one place. Keys derived from the principal (aws:username,
// aws:userid, aws:PrincipalArn, aws:PrincipalAccount, aws:PrincipalType) are
// filled from Request.Principal when the context does not carry them.
const (
	KeySourceIP             = "aws:SourceIp"
	KeySecureTransport      = "aws:SecureTransport"
	KeyCurrentTime          = "aws:CurrentTime"
	KeyEpochTime            = "aws:EpochTime"
	KeyPrincipalArn         = "aws:PrincipalArn"
	KeyPrincipalAccount     = "aws:PrincipalAccount"
	KeyPrincipalType        = "aws:PrincipalType"
	KeyUsername             = "aws:username"
	KeyUserID               = "aws:userid"
	KeyUserAgent            = "aws:UserAgent"
	KeyReferer              = "aws:Referer"
	KeyMultiFactorAuth      = "aws:MultiFactorAuthPresent"
	KeyTokenIssueTime       = "aws:TokenIssueTime"
	KeySourceVpc            = "aws:SourceVpc"
	KeySourceVpce           = "aws:SourceVpce"
	KeySourceArn            = "aws:SourceArn"
	KeySourceAccount        = "aws:SourceAccount"
	KeySourceOwner          = "aws:SourceOwner"
	KeyPrincipalOrgID       = "aws:PrincipalOrgID"
	KeyS3Prefix             = "s3:prefix"
	KeyS3Delimiter          = "s3:delimiter"
	KeyS3MaxKeys            = "s3:max-keys"
	KeyS3ACL                = "s3:x-amz-acl"
	KeyS3SSE                = "s3:x-amz-server-side-encryption"
	KeyS3SSEKMSKeyID        = "s3:x-amz-server-side-encryption-aws-kms-key-id"
	KeyS3SSECAlgorithm      = "s3:x-amz-server-side-encryption-customer-algorithm"
	KeyS3ExistingObjectTag  = "s3:ExistingObjectTag/" // + tag key
	KeyS3RequestObjectTag   = "s3:RequestObjectTag/"  // + tag key
	KeyS3RequestObjectTags  = "s3:RequestObjectTagKeys"
	KeyS3SignatureAge       = "s3:signatureAge"
	KeyS3AuthType           = "s3:authType"
	KeyS3SignatureVersion   = "s3:signatureversion"
	KeyS3ContentSHA256      = "s3:x-amz-content-sha256"
	KeyS3VersionID          = "s3:VersionId"
	KeyS3CopySource         = "s3:x-amz-copy-source"
	KeyS3MetadataDirective  = "s3:x-amz-metadata-directive"
	KeyS3StorageClass       = "s3:x-amz-storage-class"
	KeyS3LockMode           = "s3:object-lock-mode"
	KeyS3LockRetainUntil    = "s3:object-lock-retain-until-date"
	KeyS3LockRemainingDays  = "s3:object-lock-remaining-retention-days"
	KeyS3LockLegalHold      = "s3:object-lock-legal-hold"
	KeyS3ObjectOwnership    = "s3:x-amz-object-ownership"
	KeyS3TLSVersion         = "s3:TlsVersion"
	KeyS3ResourceAccount    = "s3:ResourceAccount"
	KeyS3DataAccessPointArn = "s3:DataAccessPointArn"
)

// s3Keys are the s3: condition keys a policy may name (lower case). Keys
// ending in "/" are prefixes followed by a tag key.
var s3Keys = map[string]bool{}

var s3KeyPrefixes = []string{"s3:existingobjecttag/", "s3:requestobjecttag/"}

func init() {
	for _, k := range []string{
		KeyS3Prefix, KeyS3Delimiter, KeyS3MaxKeys, KeyS3ACL, KeyS3SSE, KeyS3SSEKMSKeyID,
		KeyS3SSECAlgorithm, KeyS3RequestObjectTags, KeyS3SignatureAge, KeyS3AuthType,
		KeyS3SignatureVersion, KeyS3ContentSHA256, KeyS3VersionID, KeyS3CopySource,
		KeyS3MetadataDirective, KeyS3StorageClass, KeyS3LockMode, KeyS3LockRetainUntil,
		KeyS3LockRemainingDays, KeyS3LockLegalHold, KeyS3ObjectOwnership, KeyS3TLSVersion,
		KeyS3ResourceAccount, KeyS3DataAccessPointArn,
		"s3:LocationConstraint", "s3:x-amz-grant-read", "s3:x-amz-grant-write",
		"s3:x-amz-grant-read-acp", "s3:x-amz-grant-write-acp", "s3:x-amz-grant-full-control",
		"s3:x-amz-website-redirect-location", "s3:DataAccessPointAccount", "s3:AccessPointNetworkOrigin",
		"s3:x-amz-checksum-algorithm", "s3:if-match", "s3:if-none-match",
	} {
		s3Keys[lower(k)] = true
	}
}

// validKey reports whether a condition key is acceptable in a policy of the
// given kind. Global aws: keys are open-ended (tags, service-specific
// additions), so only the s3: namespace is checked name by name.
func validKey(k string, kind Kind) bool {
	lk := lower(k)
	i := indexByte(lk, ':')
	if i <= 0 || i == len(lk)-1 {
		return false
	}
	switch lk[:i] {
	case "aws":
		return true
	case "s3":
		if s3Keys[lk] {
			return true
		}
		for _, p := range s3KeyPrefixes {
			if len(lk) > len(p) && lk[:len(p)] == p {
				return true
			}
		}
		return false
	}
	// Identity policies may name keys of other services; bucket policies
	// only aws: and s3: keys, key policies only aws: and kms: keys.
	if kind == KindKey {
		return lk[:i] == "kms"
	}
	return kind != KindBucket
}

// GlobalKeys returns the aws: condition keys every API derives from the
// request itself: the time, the transport, the peer address (never
// X-Forwarded-For, which the client can forge), User-Agent and Referer.
// Keys whose source is absent are left out, so that IfExists and Null
// behave as in AWS.
func GlobalKeys(now time.Time, remoteAddr string, tls bool, userAgent, referer string) map[string][]string {
	c := make(map[string][]string, 16)
	set := func(k, v string) {
		if v != "" {
			c[k] = []string{v}
		}
	}
	now = now.UTC()
	set(KeyCurrentTime, now.Format(time.RFC3339))
	set(KeyEpochTime, strconv.FormatInt(now.Unix(), 10))
	set(KeySecureTransport, strconv.FormatBool(tls))
	if host, _, err := net.SplitHostPort(remoteAddr); err == nil {
		set(KeySourceIP, host)
	}
	set(KeyUserAgent, userAgent)
	set(KeyReferer, referer)
	return c
}
