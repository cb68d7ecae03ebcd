package policy

import (
	"fmt"
	"testing"
)

func obj(key string) string { return bkt + "/" + key }

type evalCase struct {
	name string
	id   []string // identity policies (KindUser)
	bp   string   // bucket policy
	sess string   // session policy
	req  Request
	want Decision
}

const (
	A = Allowed
	I = ImplicitDeny
	X = ExplicitDeny
)

func ids(docs ...string) []string { return docs }

var evalCases = []evalCase{
	// Public read (bucket policy example).
	{"public read anonymous", nil, polPublicRead, "", rq(anon, "s3:GetObject", obj("a.txt")), A},
	{"public read version", nil, polPublicRead, "", rq(anon, "s3:GetObjectVersion", obj("a.txt")), A},
	{"public read nested key", nil, polPublicRead, "", rq(anon, "s3:GetObject", obj("x/y/z")), A},
	{"public read no put", nil, polPublicRead, "", rq(anon, "s3:PutObject", obj("a.txt")), I},
	{"public read no list", nil, polPublicRead, "", rq(anon, "s3:ListBucket", bkt), I},
	{"public read other bucket", nil, polPublicRead, "", rq(anon, "s3:GetObject", "arn:aws:s3:::other/a"), I},
	{"public read cross-account user", nil, polPublicRead, "", rq(xuser, "s3:GetObject", obj("a")), I},
	{"public read cross-account user with identity allow", ids(polAllowAll), polPublicRead, "", rq(xuser, "s3:GetObject", obj("a")), A},
	{"public read cross-account root", nil, polPublicRead, "", rq(xroot, "s3:GetObject", obj("a")), A},
	{"public read same-account user", nil, polPublicRead, "", rq(bob, "s3:GetObject", obj("a")), A},
	{"action case-insensitive", nil, polPublicRead, "", rq(anon, "S3:getobject", obj("a")), A},
	{"resource case-sensitive", nil, polPublicRead, "", rq(anon, "s3:GetObject", "arn:aws:s3:::AMZN-S3-DEMO-BUCKET/a"), I},
	{"no policies anonymous", nil, "", "", rq(anon, "s3:GetObject", obj("a")), I},
	{"no policies user", nil, "", "", rq(alice, "s3:GetObject", obj("a")), I},
	{"no policies root", nil, "", "", rq(root, "s3:DeleteBucket", bkt), A},
	{"no policies cross root", nil, "", "", rq(xroot, "s3:GetObject", obj("a")), I},

	// Home folders with ${aws:username}.
	{"home list root of bucket", ids(polHomeFolders), "", "", rq(alice, "s3:ListBucket", bkt, "s3:prefix", ""), A},
	{"home list home/", ids(polHomeFolders), "", "", rq(alice, "s3:ListBucket", bkt, "s3:prefix", "home/"), A},
	{"home list own folder", ids(polHomeFolders), "", "", rq(alice, "s3:ListBucket", bkt, "s3:prefix", "home/alice/"), A},
	{"home list own subfolder", ids(polHomeFolders), "", "", rq(alice, "s3:ListBucket", bkt, "s3:prefix", "home/alice/docs/"), A},
	{"home list other's folder", ids(polHomeFolders), "", "", rq(alice, "s3:ListBucket", bkt, "s3:prefix", "home/bob/"), I},
	{"home list without prefix key", ids(polHomeFolders), "", "", rq(alice, "s3:ListBucket", bkt), I},
	{"home get own object", ids(polHomeFolders), "", "", rq(alice, "s3:GetObject", obj("home/alice/f.txt")), A},
	{"home put own object", ids(polHomeFolders), "", "", rq(alice, "s3:PutObject", obj("home/alice/f.txt")), A},
	{"home get bob object as alice", ids(polHomeFolders), "", "", rq(alice, "s3:GetObject", obj("home/bob/f.txt")), I},
	{"home get bob object as bob", ids(polHomeFolders), "", "", rq(bob, "s3:GetObject", obj("home/bob/f.txt")), A},
	{"home role has no username", ids(polHomeFolders), "", "", rq(admin, "s3:GetObject", obj("home/AdminRole/f")), I},
	{"home username from context", ids(polHomeFolders), "", "", rq(Principal{Type: PrincipalUser, Account: acct}, "s3:GetObject", obj("home/zed/f"), "aws:username", "zed"), A},
	{"home variable value is literal", ids(polHomeFolders), "", "", rq(Principal{Type: PrincipalUser, Account: acct, UserName: "*"}, "s3:GetObject", obj("home/alice/f")), I},

	// IP restrictions.
	{"ip allow in range", nil, polIPAllow, "", rq(anon, "s3:GetObject", obj("a"), "aws:SourceIp", "54.240.143.7"), A},
	{"ip allow excluded address", nil, polIPAllow, "", rq(anon, "s3:GetObject", obj("a"), "aws:SourceIp", "54.240.143.188"), I},
	{"ip allow out of range", nil, polIPAllow, "", rq(anon, "s3:GetObject", obj("a"), "aws:SourceIp", "54.240.144.1"), I},
	{"ip allow missing key", nil, polIPAllow, "", rq(anon, "s3:GetObject", obj("a")), I},
	{"ip allow garbage address", nil, polIPAllow, "", rq(anon, "s3:GetObject", obj("a"), "aws:SourceIp", "not-an-ip"), I},
	{"ip allow bucket ARN not covered", nil, polIPAllow, "", rq(anon, "s3:ListBucket", bkt, "aws:SourceIp", "54.240.143.7"), I},
	{"ip allow mapped v4", nil, polIPAllow, "", rq(anon, "s3:GetObject", obj("a"), "aws:SourceIp", "::ffff:54.240.143.9"), A},
	{"ip deny v4 inside", ids(polAllowAll), polIPDenyMixed, "", rq(alice, "s3:GetObject", obj("a"), "aws:SourceIp", "192.0.2.10"), A},
	{"ip deny v4 outside", ids(polAllowAll), polIPDenyMixed, "", rq(alice, "s3:GetObject", obj("a"), "aws:SourceIp", "198.51.100.1"), X},
	{"ip deny v6 inside", ids(polAllowAll), polIPDenyMixed, "", rq(alice, "s3:GetObject", obj("a"), "aws:SourceIp", "2001:db8:1234:5678::1"), A},
	{"ip deny v6 outside", ids(polAllowAll), polIPDenyMixed, "", rq(alice, "s3:GetObject", obj("a"), "aws:SourceIp", "2001:db8:1234:5679::1"), X},
	{"ip deny missing key denies (negated)", ids(polAllowAll), polIPDenyMixed, "", rq(alice, "s3:GetObject", obj("a")), X},
	{"ip deny applies to root", nil, polIPDenyMixed, "", rq(root, "s3:GetObject", obj("a"), "aws:SourceIp", "198.51.100.1"), X},
	{"ip deny root inside", nil, polIPDenyMixed, "", rq(root, "s3:GetObject", obj("a"), "aws:SourceIp", "192.0.2.1"), A},

	// SecureTransport.
	{"tls deny over http", ids(polAllowAll), polTLSOnly, "", rq(alice, "s3:GetObject", obj("a"), "aws:SecureTransport", "false"), X},
	{"tls allow over https", ids(polAllowAll), polTLSOnly, "", rq(alice, "s3:GetObject", obj("a"), "aws:SecureTransport", "true"), A},
	{"tls key missing no deny", ids(polAllowAll), polTLSOnly, "", rq(alice, "s3:GetObject", obj("a")), A},
	{"tls bool case-insensitive", ids(polAllowAll), polTLSOnly, "", rq(alice, "s3:GetObject", obj("a"), "aws:SecureTransport", "FALSE"), X},
	{"tls key name case-insensitive", ids(polAllowAll), polTLSOnly, "", rq(alice, "s3:ListBucket", bkt, "AWS:SECURETRANSPORT", "false"), X},
	{"tls deny root", nil, polTLSOnly, "", rq(root, "s3:PutBucketPolicy", bkt, "aws:SecureTransport", "false"), X},

	// Tags.
	// aws:ResourceTag from the bucket's tags.
	{"resource tag matches principal tag", ids(polResTag), "", "", rq(tagged(alice, "project", "apollo"), "s3:ListBucket", bkt, "aws:ResourceTag/project", "apollo"), A},
	{"resource tag on an object of the bucket", ids(polResTag), "", "", rq(tagged(alice, "project", "apollo"), "s3:GetObject", obj("a"), "aws:ResourceTag/project", "apollo"), A},
	{"resource tag other project", ids(polResTag), "", "", rq(tagged(alice, "project", "apollo"), "s3:GetObject", obj("a"), "aws:ResourceTag/project", "gemini"), I},
	{"resource tag absent", ids(polResTag), "", "", rq(tagged(alice, "project", "apollo"), "s3:GetObject", obj("a")), I},
	{"resource tag without principal tag", ids(polResTag), "", "", rq(alice, "s3:GetObject", obj("a"), "aws:ResourceTag/project", "apollo"), I},
	{"resource tag key case-insensitive", ids(polResTag), "", "", rq(tagged(alice, "project", "apollo"), "s3:GetObject", obj("a"), "aws:ResourceTag/Project", "apollo"), A},
	{"resource tag deny in bucket policy", ids(polAllowAll), polResTagDeny, "", rq(alice, "s3:GetObject", obj("a"), "aws:ResourceTag/classification", "secret"), X},
	{"resource tag deny other value", ids(polAllowAll), polResTagDeny, "", rq(alice, "s3:GetObject", obj("a"), "aws:ResourceTag/classification", "public"), A},
	// s3:RequestObjectTag/<key>.
	{"request tag value", ids(polReqTagValue), "", "", rq(alice, "s3:PutObject", obj("a"), "s3:RequestObjectTag/team", "blue"), A},
	{"request tag other value", ids(polReqTagValue), "", "", rq(alice, "s3:PutObject", obj("a"), "s3:RequestObjectTag/team", "red"), I},
	{"request tag absent", ids(polReqTagValue), "", "", rq(alice, "s3:PutObjectTagging", obj("a")), I},
	{"request tag on tagging", ids(polReqTagValue), "", "", rq(alice, "s3:PutObjectTagging", obj("a"), "s3:RequestObjectTag/team", "blue"), A},
	{"tag production", ids(polTagRead), "", "", rq(alice, "s3:GetObject", obj("a"), "s3:ExistingObjectTag/environment", "production"), A},
	{"tag other value", ids(polTagRead), "", "", rq(alice, "s3:GetObject", obj("a"), "s3:ExistingObjectTag/environment", "dev"), I},
	{"tag value case-sensitive", ids(polTagRead), "", "", rq(alice, "s3:GetObject", obj("a"), "s3:ExistingObjectTag/environment", "Production"), I},
	{"tag missing", ids(polTagRead), "", "", rq(alice, "s3:GetObject", obj("a")), I},
	{"tag key name case-insensitive", ids(polTagRead), "", "", rq(alice, "s3:GetObject", obj("a"), "s3:existingobjecttag/ENVIRONMENT", "production"), A},
	{"tagkeys all allowed", ids(polTagKeys), "", "", rq(alice, "s3:PutObject", obj("a"), "s3:RequestObjectTagKeys", "Owner|CreationDate"), A},
	{"tagkeys one allowed", ids(polTagKeys), "", "", rq(alice, "s3:PutObject", obj("a"), "s3:RequestObjectTagKeys", "Owner"), A},
	{"tagkeys one disallowed", ids(polTagKeys), "", "", rq(alice, "s3:PutObject", obj("a"), "s3:RequestObjectTagKeys", "Owner|Secret"), I},
	{"tagkeys ForAllValues missing key is true", ids(polTagKeys), "", "", rq(alice, "s3:PutObject", obj("a")), A},
	{"tagkeys ForAllValues empty set is true", ids(polTagKeys), "", "", Request{Principal: alice, Action: "s3:PutObject", Resource: obj("a"), Context: map[string][]string{"s3:RequestObjectTagKeys": {}}}, A},
	{"tagkeys any match", ids(polTagKeysAny), "", "", rq(alice, "s3:PutObject", obj("a"), "s3:RequestObjectTagKeys", "Owner|Project"), A},
	{"tagkeys any none", ids(polTagKeysAny), "", "", rq(alice, "s3:PutObject", obj("a"), "s3:RequestObjectTagKeys", "Owner"), I},
	{"tagkeys ForAnyValue missing key is false", ids(polTagKeysAny), "", "", rq(alice, "s3:PutObject", obj("a")), I},
	{"ForAllValues:StringNotLike key1 only", ids(polAllowAll, polForAllNotLike), "", "", rq(alice, "s3:PutObjectTagging", obj("a"), "s3:RequestObjectTagKeys", "key1:legal"), A},
	{"ForAllValues:StringNotLike key1 pair", ids(polAllowAll, polForAllNotLike), "", "", rq(alice, "s3:PutObjectTagging", obj("a"), "s3:RequestObjectTagKeys", "key1:hr|key1:personnel"), A},
	{"ForAllValues:StringNotLike key2", ids(polAllowAll, polForAllNotLike), "", "", rq(alice, "s3:PutObjectTagging", obj("a"), "s3:RequestObjectTagKeys", "key2:audit"), X},
	{"ForAllValues:StringNotLike mixed", ids(polAllowAll, polForAllNotLike), "", "", rq(alice, "s3:PutObjectTagging", obj("a"), "s3:RequestObjectTagKeys", "key1:a|key2:b"), A},
	{"ForAllValues:StringNotLike missing", ids(polAllowAll, polForAllNotLike), "", "", rq(alice, "s3:PutObjectTagging", obj("a")), X},

	// NotPrincipal.
	{"notprincipal alice exempt", ids(polAllowAll), polNotPrincipal, "", rq(alice, "s3:GetObject", obj("a")), A},
	{"notprincipal bob denied", ids(polAllowAll), polNotPrincipal, "", rq(bob, "s3:GetObject", obj("a")), X},
	{"notprincipal root exempt (account)", nil, polNotPrincipal, "", rq(root, "s3:GetObject", obj("a")), A},
	{"notprincipal account alone does not exempt role session", ids(polAllowAll), polNotPrincipal, "", rq(admin, "s3:GetObject", obj("a")), X},
	{"notprincipal session exempt at every level", ids(polAllowAll), polNotPrincipalRole, "", rq(admin, "s3:GetObject", obj("a")), A},
	{"notprincipal role without session ARN", ids(polAllowAll), polNotPrincipalRoleOnly, "", rq(admin, "s3:GetObject", obj("a")), X},
	{"notprincipal anonymous denied", nil, polNotPrincipal, "", rq(anon, "s3:GetObject", obj("a")), X},
	{"notprincipal cross account denied", ids(polAllowAll), polNotPrincipal, "", rq(xuser, "s3:GetObject", obj("a")), X},

	// NotAction.
	{"notaction get allowed", ids(polNotAction), "", "", rq(alice, "s3:GetObject", obj("a")), A},
	{"notaction delete not allowed", ids(polNotAction), "", "", rq(alice, "s3:DeleteObject", obj("a")), I},
	{"notaction delete version not allowed", ids(polNotAction), "", "", rq(alice, "s3:DeleteObjectVersion", obj("a")), I},
	{"notaction put policy not allowed", ids(polNotAction), "", "", rq(alice, "s3:PutBucketPolicy", bkt), I},
	{"notaction other service allowed", ids(polNotAction), "", "", rq(alice, "iam:GetUser", "*"), A},
	{"notaction case-insensitive", ids(polNotAction), "", "", rq(alice, "S3:DELETEOBJECT", obj("a")), I},

	// NotResource.
	{"notresource public object", ids(polAllowAll, polNotResource), "", "", rq(alice, "s3:GetObject", obj("public/a")), A},
	{"notresource bucket itself", ids(polAllowAll, polNotResource), "", "", rq(alice, "s3:ListBucket", bkt), A},
	{"notresource private object", ids(polAllowAll, polNotResource), "", "", rq(alice, "s3:GetObject", obj("private/a")), X},
	{"notresource other bucket", ids(polAllowAll, polNotResource), "", "", rq(alice, "s3:GetObject", "arn:aws:s3:::other/public/a"), X},

	// IfExists and Null.
	{"sse ifexists AES256", ids(polAllowAll), polSSEIfExists, "", rq(alice, "s3:PutObject", obj("a"), "s3:x-amz-server-side-encryption", "AES256"), A},
	{"sse ifexists kms denied", ids(polAllowAll), polSSEIfExists, "", rq(alice, "s3:PutObject", obj("a"), "s3:x-amz-server-side-encryption", "aws:kms"), X},
	{"sse deny ifexists absent applies", ids(polAllowAll), polSSEIfExists, "", rq(alice, "s3:PutObject", obj("a")), X},
	{"allow ifexists absent", ids(polAllowIfExists), "", "", rq(alice, "s3:PutObject", obj("a")), A},
	{"allow ifexists matching", ids(polAllowIfExists), "", "", rq(alice, "s3:PutObject", obj("a"), "s3:x-amz-server-side-encryption", "AES256"), A},
	{"allow ifexists other value", ids(polAllowIfExists), "", "", rq(alice, "s3:PutObject", obj("a"), "s3:x-amz-server-side-encryption", "aws:kms"), I},
	{"sse null absent denied", ids(polAllowAll), polSSENull, "", rq(alice, "s3:PutObject", obj("a")), X},
	{"sse null present", ids(polAllowAll), polSSENull, "", rq(alice, "s3:PutObject", obj("a"), "s3:x-amz-server-side-encryption", "aws:kms"), A},
	{"sse null empty list counts as absent", ids(polAllowAll), polSSENull, "", Request{Principal: alice, Action: "s3:PutObject", Resource: obj("a"), Context: map[string][]string{"s3:x-amz-server-side-encryption": {}}}, X},
	{"sse null other action", ids(polAllowAll), polSSENull, "", rq(alice, "s3:GetObject", obj("a")), A},
	{"mfa ifexists false denies", ids(polAllowAll, polMFA), "", "", rq(alice, "s3:DeleteObject", obj("a"), "aws:MultiFactorAuthPresent", "false"), X},
	{"mfa ifexists missing denies", ids(polAllowAll, polMFA), "", "", rq(alice, "s3:DeleteObject", obj("a")), X},
	{"mfa ifexists true allows", ids(polAllowAll, polMFA), "", "", rq(alice, "s3:DeleteObject", obj("a"), "aws:MultiFactorAuthPresent", "true"), A},

	// Dates and numbers.
	{"date inside window", ids(polDateWindow), "", "", rq(alice, "s3:GetObject", obj("a"), "aws:CurrentTime", "2026-03-01T12:00:00Z"), A},
	{"date before window", ids(polDateWindow), "", "", rq(alice, "s3:GetObject", obj("a"), "aws:CurrentTime", "2025-12-31T23:59:59Z"), I},
	{"date after window", ids(polDateWindow), "", "", rq(alice, "s3:GetObject", obj("a"), "aws:CurrentTime", "2026-07-01T00:00:00Z"), I},
	{"date at lower bound exclusive", ids(polDateWindow), "", "", rq(alice, "s3:GetObject", obj("a"), "aws:CurrentTime", "2026-01-01T00:00:00Z"), I},
	{"date with offset", ids(polDateWindow), "", "", rq(alice, "s3:GetObject", obj("a"), "aws:CurrentTime", "2026-03-01T12:00:00+02:00"), A},
	{"date epoch request value", ids(polDateWindow), "", "", rq(alice, "s3:GetObject", obj("a"), "aws:CurrentTime", "1772366400"), A},
	{"date unparsable", ids(polDateWindow), "", "", rq(alice, "s3:GetObject", obj("a"), "aws:CurrentTime", "yesterday"), I},
	{"date missing", ids(polDateWindow), "", "", rq(alice, "s3:GetObject", obj("a")), I},
	{"date epoch policy value le", ids(polDateEpoch), "", "", rq(alice, "s3:GetObject", obj("a"), "aws:CurrentTime", "2026-01-01T00:00:00Z"), A},
	{"date epoch policy value gt", ids(polDateEpoch), "", "", rq(alice, "s3:GetObject", obj("a"), "aws:CurrentTime", "2026-01-01T00:00:01Z"), I},
	{"max-keys 5", ids(polMaxKeys), "", "", rq(alice, "s3:ListBucket", bkt, "s3:max-keys", "5"), A},
	{"max-keys 10", ids(polMaxKeys), "", "", rq(alice, "s3:ListBucket", bkt, "s3:max-keys", "10"), A},
	{"max-keys 11", ids(polMaxKeys), "", "", rq(alice, "s3:ListBucket", bkt, "s3:max-keys", "11"), I},
	{"max-keys not a number", ids(polMaxKeys), "", "", rq(alice, "s3:ListBucket", bkt, "s3:max-keys", "ten"), I},
	{"max-keys missing", ids(polMaxKeys), "", "", rq(alice, "s3:ListBucket", bkt), I},
	{"epoch and bool json scalars", ids(polEpoch), "", "", rq(alice, "s3:GetObject", obj("a"), "aws:EpochTime", "1700000000", "aws:SecureTransport", "true"), A},
	{"epoch too late", ids(polEpoch), "", "", rq(alice, "s3:GetObject", obj("a"), "aws:EpochTime", "1900000000", "aws:SecureTransport", "true"), I},
	{"signature too old", ids(polAllowAll), polSignatureAge, "", rq(alice, "s3:GetObject", obj("a"), "s3:signatureAge", "600001", "s3:authType", "REST-HEADER"), X},
	{"signature fresh header", ids(polAllowAll), polSignatureAge, "", rq(alice, "s3:GetObject", obj("a"), "s3:signatureAge", "1000", "s3:authType", "REST-HEADER"), A},
	{"presigned denied by authType", ids(polAllowAll), polSignatureAge, "", rq(alice, "s3:GetObject", obj("a"), "s3:signatureAge", "1000", "s3:authType", "REST-QUERY-STRING"), X},

	// Referer and user agent.
	{"referer match", nil, polReferer, "", rq(anon, "s3:GetObject", obj("img.png"), "aws:Referer", "http://www.example.com/page"), A},
	{"referer second value", nil, polReferer, "", rq(anon, "s3:GetObject", obj("img.png"), "aws:Referer", "http://example.com/x"), A},
	{"referer other site", nil, polReferer, "", rq(anon, "s3:GetObject", obj("img.png"), "aws:Referer", "http://evil.example/"), I},
	{"referer missing", nil, polReferer, "", rq(anon, "s3:GetObject", obj("img.png")), I},
	{"user agent ignore case", ids(polAllowAll, polUserAgentIC), "", "", rq(alice, "s3:GetObject", obj("a"), "aws:UserAgent", "badbot/1.0"), X},
	{"user agent other", ids(polAllowAll, polUserAgentIC), "", "", rq(alice, "s3:GetObject", obj("a"), "aws:UserAgent", "aws-cli/2"), A},

	// Cross-account.
	{"cross put with acl", ids(polAllowAll), polCrossAccount, "", rq(xuser, "s3:PutObject", obj("a"), "s3:x-amz-acl", "bucket-owner-full-control"), A},
	{"cross put without acl", ids(polAllowAll), polCrossAccount, "", rq(xuser, "s3:PutObject", obj("a")), I},
	{"cross put wrong acl", ids(polAllowAll), polCrossAccount, "", rq(xuser, "s3:PutObject", obj("a"), "s3:x-amz-acl", "private"), I},
	{"cross put no identity allow", nil, polCrossAccount, "", rq(xuser, "s3:PutObject", obj("a"), "s3:x-amz-acl", "bucket-owner-full-control"), I},
	{"cross root get", nil, polCrossGet, "", rq(xroot, "s3:GetObject", obj("a")), A},
	{"cross user get with identity", ids(polAllowAll), polCrossGet, "", rq(xuser, "s3:GetObject", obj("a")), A},
	{"cross user identity deny wins", ids(polAllowAll, polDenyUser), polCrossGet, "", rq(xuser, "s3:DeleteObject", obj("a")), X},
	{"cross user not in bucket policy", ids(polAllowAll), polCrossGet, "", rq(xuser, "s3:PutObject", obj("a")), I},
	{"cross anonymous not account", nil, polCrossGet, "", rq(anon, "s3:GetObject", obj("a")), I},
	{"same account user via bucket policy only", nil, polAccountOnly, "", rq(bob, "s3:GetObject", obj("a")), A},
	{"principal account condition other account", ids(polAllowAll), polAccountOnly, "", rq(xuser, "s3:GetObject", obj("a")), I},
	{"principal account condition anonymous", nil, polAccountOnly, "", rq(anon, "s3:GetObject", obj("a")), I},

	// Roles, ARN operators, sessions.
	{"arnlike admin role", nil, polPrincipalArnLike, "", rq(admin, "s3:DeleteObject", obj("a")), A},
	{"arnlike user not matched", nil, polPrincipalArnLike, "", rq(bob, "s3:DeleteObject", obj("a")), I},
	{"arnlike anonymous", nil, polPrincipalArnLike, "", rq(anon, "s3:GetObject", obj("a")), I},
	{"arnnotequals alice allowed", ids(polAllowAll), polArnNotEquals, "", rq(alice, "s3:PutObject", obj("a")), A},
	{"arnnotequals bob denied", ids(polAllowAll), polArnNotEquals, "", rq(bob, "s3:PutObject", obj("a")), X},
	{"arnnotequals anonymous denied (missing key)", nil, polArnNotEquals, "", rq(anon, "s3:PutObject", obj("a")), X},
	{"session narrows allowed", ids(polAllowAll), "", polSession, rq(admin, "s3:GetObject", obj("reports/q1")), A},
	{"session narrows denied", ids(polAllowAll), "", polSession, rq(admin, "s3:GetObject", obj("private/q1")), I},
	{"session cannot widen", nil, "", polSession, rq(admin, "s3:GetObject", obj("reports/q1")), I},
	{"session with bucket policy", nil, polPrincipalArnLike, polSession, rq(admin, "s3:GetObject", obj("reports/q1")), A},
	{"session limits bucket policy", nil, polPrincipalArnLike, polSession, rq(admin, "s3:PutObject", obj("reports/q1")), I},
	{"principal session ARN", nil, polRoleSessionArn, "", rq(admin, "s3:GetObject", obj("a")), A},
	{"principal session ARN other session", nil, polRoleSessionArn, "", rq(Principal{Type: PrincipalAssumedRole, Account: acct, ARN: "arn:aws:sts::" + acct + ":assumed-role/AdminRole/s2", RoleARN: admin.RoleARN}, "s3:GetObject", obj("a")), I},
	{"userid like role", nil, polUserIDCond, "", rq(admin, "s3:GetObject", obj("a")), A},
	{"userid exact user", nil, polUserIDCond, "", rq(bob, "s3:GetObject", obj("a")), A},
	{"userid other user", nil, polUserIDCond, "", rq(alice, "s3:GetObject", obj("a")), I},
	{"service principal with source account", nil, polService, "", rq(Principal{Type: PrincipalService, ARN: "logging.s3.amazonaws.com"}, "s3:PutObject", obj("logs/1"), "aws:SourceAccount", acct), A},
	{"service principal wrong source account", nil, polService, "", rq(Principal{Type: PrincipalService, ARN: "logging.s3.amazonaws.com"}, "s3:PutObject", obj("logs/1"), "aws:SourceAccount", other), I},
	{"other service principal", nil, polService, "", rq(Principal{Type: PrincipalService, ARN: "evil.amazonaws.com"}, "s3:PutObject", obj("logs/1"), "aws:SourceAccount", acct), I},

	// Root and explicit deny.
	{"root denied by bucket policy", nil, polRootDeny, "", rq(root, "s3:DeleteBucket", bkt), X},
	{"root other action", nil, polRootDeny, "", rq(root, "s3:DeleteBucketPolicy", bkt), A},
	{"root deny via account covers user", ids(polAllowAll), polRootDeny, "", rq(alice, "s3:DeleteBucket", bkt), X},
	{"identity deny wins over bucket allow", ids(polDenyUser), polAccountOnly, "", rq(bob, "s3:DeleteObject", obj("a")), X},
	{"identity allow bucket no opinion", ids(polAllowAll), "", "", rq(bob, "s3:DeleteObject", obj("a")), A},
	{"identity deny only", ids(polDenyUser), "", "", rq(bob, "s3:DeleteObject", obj("a")), X},
	{"identity policy principal ignored anonymous", ids(polAllowAll), "", "", rq(anon, "s3:GetObject", obj("a")), I},

	// Negated string operators.
	{"notlike prefix public", ids(polAllowAll), polNotLikeDeny, "", rq(alice, "s3:ListBucket", bkt, "s3:prefix", "public/x"), A},
	{"notlike prefix shared", ids(polAllowAll), polNotLikeDeny, "", rq(alice, "s3:ListBucket", bkt, "s3:prefix", "shared/"), A},
	{"notlike prefix private", ids(polAllowAll), polNotLikeDeny, "", rq(alice, "s3:ListBucket", bkt, "s3:prefix", "private/"), X},
	{"notlike prefix missing", ids(polAllowAll), polNotLikeDeny, "", rq(alice, "s3:ListBucket", bkt), X},

	// Variables, wildcards, binary, multiple keys.
	{"variable default anonymous", nil, polVarDefault, "", rq(anon, "s3:GetObject", obj("guest/a")), A},
	{"variable default user", nil, polVarDefault, "", rq(alice, "s3:GetObject", obj("alice/a")), A},
	{"variable default user not guest", nil, polVarDefault, "", rq(alice, "s3:GetObject", obj("guest/a")), I},
	{"variable literal star", ids(polVarLiteralStar), "", "", rq(alice, "s3:GetObject", obj("*literal")), A},
	{"variable literal star not wildcard", ids(polVarLiteralStar), "", "", rq(alice, "s3:GetObject", obj("xliteral")), I},
	{"2008 version no variables", ids(polVar2008), "", "", rq(alice, "s3:GetObject", obj("alice/a")), I},
	{"2008 version literal text", ids(polVar2008), "", "", rq(alice, "s3:GetObject", obj("${aws:username}/a")), A},
	{"question mark action and resource", ids(polQuestion), "", "", rq(alice, "s3:GetObject", obj("log-2026.txt")), A},
	{"question mark too short", ids(polQuestion), "", "", rq(alice, "s3:GetObject", obj("log-202.txt")), I},
	{"binary equals", ids(polBinary), "", "", rq(alice, "s3:GetObject", obj("a"), "s3:x-amz-content-sha256", "QmluYXJ5VmFsdWU="), A},
	{"binary differs", ids(polBinary), "", "", rq(alice, "s3:GetObject", obj("a"), "s3:x-amz-content-sha256", "QmluYXJ5VmFsdWF="), I},
	{"multi keys all match", ids(polStringEqualsMulti), "", "", rq(alice, "s3:PutObject", obj("a"), "s3:x-amz-acl", "private", "s3:x-amz-storage-class", "STANDARD"), A},
	{"multi keys OR of values", ids(polStringEqualsMulti), "", "", rq(alice, "s3:PutObject", obj("a"), "s3:x-amz-acl", "bucket-owner-full-control", "s3:x-amz-storage-class", "STANDARD"), A},
	{"multi keys AND of keys", ids(polStringEqualsMulti), "", "", rq(alice, "s3:PutObject", obj("a"), "s3:x-amz-acl", "private", "s3:x-amz-storage-class", "GLACIER"), I},
	{"multi keys one missing", ids(polStringEqualsMulti), "", "", rq(alice, "s3:PutObject", obj("a"), "s3:x-amz-acl", "private"), I},
	{"string equals case-sensitive", ids(polStringEqualsMulti), "", "", rq(alice, "s3:PutObject", obj("a"), "s3:x-amz-acl", "PRIVATE", "s3:x-amz-storage-class", "STANDARD"), I},
}

func TestEvaluateTable(t *testing.T) {
	for _, tc := range evalCases {
		t.Run(tc.name, func(t *testing.T) {
			var idp []*Policy
			for _, d := range tc.id {
				idp = append(idp, mustParse(t, d, KindUser))
			}
			var bp, sp *Policy
			if tc.bp != "" {
				bp = mustParse(t, tc.bp, KindBucket)
			}
			if tc.sess != "" {
				sp = mustParse(t, tc.sess, KindSession)
			}
			req := tc.req
			got := EvaluateWithSession(&req, idp, bp, sp, acct)
			if got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
	if len(evalCases) < 150 {
		t.Errorf("only %d evaluation cases", len(evalCases))
	}
}

func TestEvaluateNoSession(t *testing.T) {
	p := mustParse(t, polAllowAll, KindUser)
	r := rq(alice, "s3:GetObject", obj("a"))
	if got := Evaluate(&r, []*Policy{p}, nil, acct); got != Allowed {
		t.Fatalf("got %v", got)
	}
	if got := p.Evaluate(&r); got != ResultAllow {
		t.Fatalf("per-policy got %v", got)
	}
	if s := fmt.Sprint(ExplicitDeny); s != "ExplicitDeny" {
		t.Fatalf("String() = %q", s)
	}
}
