package policy

import "strings"

// ResourceType is what an S3 action applies to; bucket policies are checked
// so that every action names a resource it can apply to.
type ResourceType uint8

const (
	ResourceObject  ResourceType = iota + 1 // arn:aws:s3:::bucket/key
	ResourceBucket                          // arn:aws:s3:::bucket
	ResourceAccount                         // "*"
)

// Actions lists the S3 actions a policy may name, with the resource each
// applies to. Lookups are case-insensitive (see actionIndex).
var Actions = map[string]ResourceType{
	"s3:GetObject": ResourceObject, "s3:GetObjectVersion": ResourceObject,
	"s3:PutObject": ResourceObject, "s3:DeleteObject": ResourceObject,
	"s3:DeleteObjectVersion": ResourceObject, "s3:RestoreObject": ResourceObject,
	"s3:AbortMultipartUpload": ResourceObject, "s3:ListMultipartUploadParts": ResourceObject,
	"s3:GetObjectTagging": ResourceObject, "s3:PutObjectTagging": ResourceObject,
	"s3:DeleteObjectTagging": ResourceObject, "s3:GetObjectVersionTagging": ResourceObject,
	"s3:PutObjectVersionTagging": ResourceObject, "s3:DeleteObjectVersionTagging": ResourceObject,
	"s3:GetObjectAttributes": ResourceObject, "s3:GetObjectVersionAttributes": ResourceObject,
	"s3:GetObjectAcl": ResourceObject, "s3:PutObjectAcl": ResourceObject,
	"s3:GetObjectVersionAcl": ResourceObject, "s3:PutObjectVersionAcl": ResourceObject,
	"s3:GetObjectRetention": ResourceObject, "s3:PutObjectRetention": ResourceObject,
	"s3:GetObjectLegalHold": ResourceObject, "s3:PutObjectLegalHold": ResourceObject,
	"s3:BypassGovernanceRetention": ResourceObject, "s3:GetObjectTorrent": ResourceObject,
	"s3:ReplicateObject": ResourceObject, "s3:ReplicateDelete": ResourceObject,
	"s3:ReplicateTags": ResourceObject, "s3:GetObjectVersionForReplication": ResourceObject,

	"s3:ListBucket": ResourceBucket, "s3:ListBucketVersions": ResourceBucket,
	"s3:ListBucketMultipartUploads": ResourceBucket, "s3:CreateBucket": ResourceBucket,
	"s3:DeleteBucket": ResourceBucket, "s3:GetBucketLocation": ResourceBucket,
	"s3:GetBucketPolicy": ResourceBucket, "s3:PutBucketPolicy": ResourceBucket,
	"s3:DeleteBucketPolicy": ResourceBucket, "s3:GetBucketPolicyStatus": ResourceBucket,
	"s3:GetBucketPublicAccessBlock": ResourceBucket, "s3:PutBucketPublicAccessBlock": ResourceBucket,
	"s3:GetBucketOwnershipControls": ResourceBucket, "s3:PutBucketOwnershipControls": ResourceBucket,
	"s3:GetBucketAcl": ResourceBucket, "s3:PutBucketAcl": ResourceBucket,
	"s3:GetBucketCORS": ResourceBucket, "s3:PutBucketCORS": ResourceBucket,
	"s3:GetEncryptionConfiguration": ResourceBucket, "s3:PutEncryptionConfiguration": ResourceBucket,
	"s3:GetAccelerateConfiguration": ResourceBucket, "s3:PutAccelerateConfiguration": ResourceBucket,
	"s3:GetBucketVersioning": ResourceBucket, "s3:PutBucketVersioning": ResourceBucket,
	"s3:GetBucketTagging": ResourceBucket, "s3:PutBucketTagging": ResourceBucket,
	"s3:GetBucketWebsite": ResourceBucket, "s3:PutBucketWebsite": ResourceBucket,
	"s3:DeleteBucketWebsite": ResourceBucket, "s3:GetBucketLogging": ResourceBucket,
	"s3:PutBucketLogging": ResourceBucket, "s3:GetBucketNotification": ResourceBucket,
	"s3:PutBucketNotification": ResourceBucket, "s3:GetBucketObjectLockConfiguration": ResourceBucket,
	"s3:PutBucketObjectLockConfiguration": ResourceBucket, "s3:GetLifecycleConfiguration": ResourceBucket,
	"s3:PutLifecycleConfiguration": ResourceBucket, "s3:GetReplicationConfiguration": ResourceBucket,
	"s3:PutReplicationConfiguration": ResourceBucket, "s3:GetBucketRequestPayment": ResourceBucket,
	"s3:PutBucketRequestPayment": ResourceBucket, "s3:GetInventoryConfiguration": ResourceBucket,
	"s3:PutInventoryConfiguration": ResourceBucket, "s3:GetMetricsConfiguration": ResourceBucket,
	"s3:PutMetricsConfiguration": ResourceBucket, "s3:GetAnalyticsConfiguration": ResourceBucket,
	"s3:PutAnalyticsConfiguration": ResourceBucket, "s3:GetIntelligentTieringConfiguration": ResourceBucket,
	"s3:PutIntelligentTieringConfiguration": ResourceBucket,

	"s3:ListAllMyBuckets": ResourceAccount, "s3:GetAccountPublicAccessBlock": ResourceAccount,
	"s3:PutAccountPublicAccessBlock": ResourceAccount,
}

// identityActions are the non-S3 actions Hoard serves; identity policies
// naming these services are checked against this list.
var identityActions = []string{
	"iam:CreateUser", "iam:GetUser", "iam:ListUsers", "iam:DeleteUser", "iam:UpdateUser",
	"iam:CreateAccessKey", "iam:ListAccessKeys", "iam:UpdateAccessKey", "iam:DeleteAccessKey",
	"iam:PutUserPolicy", "iam:GetUserPolicy", "iam:ListUserPolicies", "iam:DeleteUserPolicy",
	"iam:CreateGroup", "iam:GetGroup", "iam:ListGroups", "iam:DeleteGroup",
	"iam:AddUserToGroup", "iam:RemoveUserFromGroup", "iam:ListGroupsForUser",
	"iam:PutGroupPolicy", "iam:GetGroupPolicy", "iam:ListGroupPolicies", "iam:DeleteGroupPolicy",
	"iam:CreateRole", "iam:GetRole", "iam:ListRoles", "iam:DeleteRole", "iam:UpdateAssumeRolePolicy",
	"iam:PutRolePolicy", "iam:GetRolePolicy", "iam:ListRolePolicies", "iam:DeleteRolePolicy",
	"iam:GetAccountSummary", "iam:PassRole", "iam:TagUser", "iam:UntagUser", "iam:TagRole", "iam:UntagRole",
	"sts:AssumeRole", "sts:GetSessionToken", "sts:GetCallerIdentity", "sts:TagSession",
	"sts:AssumeRoleWithWebIdentity", "sts:GetFederationToken",
	// Every KMS action, served or not, so that key and identity policies
	// written for AWS KMS parse here.
	"kms:CancelKeyDeletion", "kms:ConnectCustomKeyStore", "kms:CreateAlias", "kms:CreateCustomKeyStore",
	"kms:CreateGrant", "kms:CreateKey", "kms:Decrypt", "kms:DeleteAlias", "kms:DeleteCustomKeyStore",
	"kms:DeleteImportedKeyMaterial", "kms:DeriveSharedSecret", "kms:DescribeCustomKeyStores",
	"kms:DescribeKey", "kms:DisableKey", "kms:DisableKeyRotation", "kms:DisconnectCustomKeyStore",
	"kms:EnableKey", "kms:EnableKeyRotation", "kms:Encrypt", "kms:GenerateDataKey",
	"kms:GenerateDataKeyPair", "kms:GenerateDataKeyPairWithoutPlaintext",
	"kms:GenerateDataKeyWithoutPlaintext", "kms:GenerateMac", "kms:GenerateRandom", "kms:GetKeyPolicy",
	"kms:GetKeyRotationStatus", "kms:GetParametersForImport", "kms:GetPublicKey", "kms:ImportKeyMaterial",
	"kms:ListAliases", "kms:ListGrants", "kms:ListKeyPolicies", "kms:ListKeyRotations", "kms:ListKeys",
	"kms:ListResourceTags", "kms:ListRetirableGrants", "kms:PutKeyPolicy", "kms:ReEncryptFrom",
	"kms:ReEncryptTo", "kms:ReplicateKey", "kms:RetireGrant", "kms:RevokeGrant", "kms:RotateKeyOnDemand",
	"kms:ScheduleKeyDeletion", "kms:Sign", "kms:SynchronizeMultiRegionKey", "kms:TagResource",
	"kms:UntagResource", "kms:UpdateAlias", "kms:UpdateCustomKeyStore", "kms:UpdateKeyDescription",
	"kms:UpdatePrimaryRegion", "kms:Verify", "kms:VerifyMac",
}

// actionIndex maps a service prefix ("s3") to its actions in lower case.
var actionIndex = map[string][]string{}

// actionType maps a lower-case S3 action to its resource type.
var actionType = map[string]ResourceType{}

func init() {
	for a, t := range Actions {
		la := strings.ToLower(a)
		actionType[la] = t
		actionIndex["s3"] = append(actionIndex["s3"], la)
	}
	for _, a := range append(identityActions, iamActions...) {
		la := strings.ToLower(a)
		svc := la[:strings.IndexByte(la, ':')]
		actionIndex[svc] = append(actionIndex[svc], la)
	}
}

// knownActions returns the actions of svc matched by pattern p, and whether
// the service is one whose actions are known. Services Hoard does not serve
// are accepted as AWS accepts actions of any service in identity policies.
func knownActions(svc string, p *pattern) ([]string, bool) {
	list, ok := actionIndex[svc]
	if !ok {
		return nil, false
	}
	var out []string
	for _, a := range list {
		if p.matchStatic(a) {
			out = append(out, a)
		}
	}
	return out, true
}
