package s3api

import "strings"

// scope says which resource an operation's action applies to.
type scope uint8

const (
	onAccount scope = iota + 1 // Resource "*"
	onBucket                   // arn:aws:s3:::bucket
	onObject                   // arn:aws:s3:::bucket/key
)

// permission is what one operation needs: every action on the scoped
// resource. versioned lists the actions to ask instead when the request
// names a versionId (s3:GetObjectVersion for s3:GetObject, ...).
type permission struct {
	scope     scope
	actions   []string
	versioned []string
	// inController: the operation authorizes inside its controller, where
	// the resource becomes known (each key of a batch delete, the key of
	// a browser form). The table still names what it asks.
	inController bool
	// none: the operation carries no credentials and reaches no data (a
	// CORS preflight, a 405).
	none bool
}

func obj(actions ...string) permission { return permission{scope: onObject, actions: actions} }
func bkt(actions ...string) permission { return permission{scope: onBucket, actions: actions} }

func objV(action, versioned string) permission {
	return permission{scope: onObject, actions: []string{action}, versioned: []string{versioned}}
}

// permissions maps every operation name the router produces to the IAM
// actions it needs. authorize refuses an operation missing from it, and a
// test walks the router to prove every route is here.
var permissions = map[string]permission{
	"ListBuckets":         {scope: onAccount, actions: []string{"s3:ListAllMyBuckets"}},
	"CreateBucket":        bkt("s3:CreateBucket"),
	"HeadBucket":          bkt("s3:ListBucket"),
	"DeleteBucket":        bkt("s3:DeleteBucket"),
	"GetBucketLocation":   bkt("s3:GetBucketLocation"),
	"GetBucketVersioning": bkt("s3:GetBucketVersioning"),
	"PutBucketVersioning": bkt("s3:PutBucketVersioning"),
	"ListObjectVersions":  bkt("s3:ListBucketVersions"),
	"ListObjects":         bkt("s3:ListBucket"),
	"ListObjectsV2":       bkt("s3:ListBucket"),
	"DeleteObjects":       {scope: onObject, actions: []string{"s3:DeleteObject"}, versioned: []string{"s3:DeleteObjectVersion"}, inController: true},
	"PostObject":          {scope: onObject, actions: []string{"s3:PutObject"}, inController: true},
	"PreflightCORS":       {none: true},
	"MethodNotAllowed":    {none: true},

	"PutObject":        obj("s3:PutObject"),
	"CopyObject":       obj("s3:PutObject"), // + s3:GetObject on the source (copySourceCheck)
	"GetObject":        objV("s3:GetObject", "s3:GetObjectVersion"),
	"HeadObject":       objV("s3:GetObject", "s3:GetObjectVersion"),
	"DeleteObject":     objV("s3:DeleteObject", "s3:DeleteObjectVersion"),
	"GetObjectTagging": objV("s3:GetObjectTagging", "s3:GetObjectVersionTagging"),
	// PutObjectTagging authorizes once its body is read: the tags it sets
	// are s3:RequestObjectTag/<key> and s3:RequestObjectTagKeys.
	"PutObjectTagging":    {scope: onObject, actions: []string{"s3:PutObjectTagging"}, versioned: []string{"s3:PutObjectVersionTagging"}, inController: true},
	"ReplicateObject":     obj("s3:ReplicateObject"),
	"ReplicateDelete":     obj("s3:ReplicateDelete"),
	"DeleteObjectTagging": objV("s3:DeleteObjectTagging", "s3:DeleteObjectVersionTagging"),
	// GetObjectAttributes needs both read permissions (S3 API reference).
	"GetObjectAttributes": {scope: onObject, actions: []string{"s3:GetObject", "s3:GetObjectAttributes"},
		versioned: []string{"s3:GetObjectVersion", "s3:GetObjectVersionAttributes"}},
	"GetObjectAcl": objV("s3:GetObjectAcl", "s3:GetObjectVersionAcl"),
	"PutObjectAcl": objV("s3:PutObjectAcl", "s3:PutObjectVersionAcl"),

	"CreateMultipartUpload":   obj("s3:PutObject"),
	"UploadPart":              obj("s3:PutObject"),
	"UploadPartCopy":          obj("s3:PutObject"), // + s3:GetObject on the source
	"CompleteMultipartUpload": obj("s3:PutObject"),
	"AbortMultipartUpload":    obj("s3:AbortMultipartUpload"),
	"ListParts":               obj("s3:ListMultipartUploadParts"),
	"ListMultipartUploads":    bkt("s3:ListBucketMultipartUploads"),

	"GetObjectLockConfiguration": bkt("s3:GetBucketObjectLockConfiguration"),
	"PutObjectLockConfiguration": bkt("s3:PutBucketObjectLockConfiguration"),
	"GetObjectRetention":         obj("s3:GetObjectRetention"),
	"RestoreObject":              obj("s3:RestoreObject"),
	"GetObjectLegalHold":         obj("s3:GetObjectLegalHold"),
	// The lock condition keys of these two come from their bodies.
	"PutObjectRetention": {scope: onObject, actions: []string{"s3:PutObjectRetention"}, inController: true},
	"PutObjectLegalHold": {scope: onObject, actions: []string{"s3:PutObjectLegalHold"}, inController: true},

	"GetBucketCors":    bkt("s3:GetBucketCORS"),
	"PutBucketCors":    bkt("s3:PutBucketCORS"),
	"DeleteBucketCors": bkt("s3:PutBucketCORS"),

	"GetBucketEncryption":    bkt("s3:GetEncryptionConfiguration"),
	"PutBucketEncryption":    bkt("s3:PutEncryptionConfiguration"),
	"DeleteBucketEncryption": bkt("s3:PutEncryptionConfiguration"),

	"GetBucketAccelerateConfiguration": bkt("s3:GetAccelerateConfiguration"),
	"PutBucketAccelerateConfiguration": bkt("s3:PutAccelerateConfiguration"),

	"GetBucketPolicy":       bkt("s3:GetBucketPolicy"),
	"PutBucketPolicy":       bkt("s3:PutBucketPolicy"),
	"DeleteBucketPolicy":    bkt("s3:DeleteBucketPolicy"),
	"GetBucketPolicyStatus": bkt("s3:GetBucketPolicyStatus"),

	"GetPublicAccessBlock":    bkt("s3:GetBucketPublicAccessBlock"),
	"PutPublicAccessBlock":    bkt("s3:PutBucketPublicAccessBlock"),
	"DeletePublicAccessBlock": bkt("s3:PutBucketPublicAccessBlock"),

	"GetBucketOwnershipControls":    bkt("s3:GetBucketOwnershipControls"),
	"PutBucketOwnershipControls":    bkt("s3:PutBucketOwnershipControls"),
	"DeleteBucketOwnershipControls": bkt("s3:PutBucketOwnershipControls"),

	"GetBucketAcl": bkt("s3:GetBucketAcl"),
	"PutBucketAcl": bkt("s3:PutBucketAcl"),

	"GetBucketTagging":    bkt("s3:GetBucketTagging"),
	"PutBucketTagging":    bkt("s3:PutBucketTagging"),
	"DeleteBucketTagging": bkt("s3:PutBucketTagging"),

	"GetBucketLifecycleConfiguration": bkt("s3:GetLifecycleConfiguration"),
	"PutBucketLifecycleConfiguration": bkt("s3:PutLifecycleConfiguration"),
	"DeleteBucketLifecycle":           bkt("s3:PutLifecycleConfiguration"),

	"GetBucketIntelligentTieringConfiguration":    bkt("s3:GetIntelligentTieringConfiguration"),
	"ListBucketIntelligentTieringConfigurations":  bkt("s3:GetIntelligentTieringConfiguration"),
	"PutBucketIntelligentTieringConfiguration":    bkt("s3:PutIntelligentTieringConfiguration"),
	"DeleteBucketIntelligentTieringConfiguration": bkt("s3:PutIntelligentTieringConfiguration"),
	"GetBucketInventoryConfiguration":             bkt("s3:GetInventoryConfiguration"),
	"ListBucketInventoryConfigurations":           bkt("s3:GetInventoryConfiguration"),
	"PutBucketInventoryConfiguration":             bkt("s3:PutInventoryConfiguration"),
	"DeleteBucketInventoryConfiguration":          bkt("s3:PutInventoryConfiguration"),

	// Reads of configurations not built yet (bucket_unset.go).
	"GetBucketWebsite":                   bkt("s3:GetBucketWebsite"),
	"GetBucketReplication":               bkt("s3:GetReplicationConfiguration"),
	"PutBucketReplication":               bkt("s3:PutReplicationConfiguration"),
	"DeleteBucketReplication":            bkt("s3:PutReplicationConfiguration"),
	"GetBucketNotificationConfiguration": bkt("s3:GetBucketNotification"),
	"PutBucketNotificationConfiguration": bkt("s3:PutBucketNotification"),
	"GetBucketLogging":                   bkt("s3:GetBucketLogging"),
	"PutBucketLogging":                   bkt("s3:PutBucketLogging"),

	"GetAccountPublicAccessBlock":    {scope: onAccount, actions: []string{"s3:GetAccountPublicAccessBlock"}},
	"PutAccountPublicAccessBlock":    {scope: onAccount, actions: []string{"s3:PutAccountPublicAccessBlock"}},
	"DeleteAccountPublicAccessBlock": {scope: onAccount, actions: []string{"s3:PutAccountPublicAccessBlock"}},
}

// unsupportedPermission is what an operation that answers 501 needs: an
// authenticated caller (anonymous clients learn nothing, not even which
// features exist).
var unsupportedPermission = permission{scope: onAccount}

// permissionOf returns the permission of an operation, and false for an
// operation the table does not know (which authorize refuses).
func permissionOf(name string) (permission, bool) {
	if strings.HasPrefix(name, "Unsupported(") {
		return unsupportedPermission, true
	}
	p, ok := permissions[name]
	return p, ok
}

// actionsFor picks the actions a request asks for.
func (p permission) actionsFor(req *request) []string {
	if len(p.versioned) > 0 && req.query.Get("versionId") != "" {
		return p.versioned
	}
	return p.actions
}

// arn is the S3 resource ARN of a scope.
func arn(sc scope, bucket, key string) string {
	switch sc {
	case onBucket:
		return "arn:aws:s3:::" + bucket
	case onObject:
		return "arn:aws:s3:::" + bucket + "/" + key
	}
	return "*"
}
