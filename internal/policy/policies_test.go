package policy

// Policy documents from AWS's documented examples ("Examples of Amazon S3
// bucket policies", IAM identity-based policy examples), adapted to the
// test bucket and accounts.
const (
	polPublicRead = `{"Version":"2012-10-17","Statement":[{"Sid":"PublicRead","Effect":"Allow",
		"Principal":"*","Action":["s3:GetObject","s3:GetObjectVersion"],"Resource":["arn:aws:s3:::amzn-s3-demo-bucket/*"]}]}`

	polHomeFolders = `{"Version":"2012-10-17","Statement":[
		{"Sid":"AllowListingOfUserFolder","Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::amzn-s3-demo-bucket",
		 "Condition":{"StringLike":{"s3:prefix":["","home/","home/${aws:username}/*"]}}},
		{"Sid":"AllowAllS3ActionsInUserFolder","Effect":"Allow","Action":"s3:*",
		 "Resource":"arn:aws:s3:::amzn-s3-demo-bucket/home/${aws:username}/*"}]}`

	polIPAllow = `{"Version":"2012-10-17","Id":"S3PolicyId1","Statement":[{"Sid":"IPAllow","Effect":"Allow","Principal":"*",
		"Action":"s3:*","Resource":"arn:aws:s3:::amzn-s3-demo-bucket/*",
		"Condition":{"IpAddress":{"aws:SourceIp":"54.240.143.0/24"},"NotIpAddress":{"aws:SourceIp":"54.240.143.188/32"}}}]}`

	polIPDenyMixed = `{"Version":"2012-10-17","Statement":[{"Sid":"IPDeny","Effect":"Deny","Principal":"*","Action":"s3:*",
		"Resource":["arn:aws:s3:::amzn-s3-demo-bucket","arn:aws:s3:::amzn-s3-demo-bucket/*"],
		"Condition":{"NotIpAddress":{"aws:SourceIp":["192.0.2.0/24","2001:DB8:1234:5678::/64"]}}}]}`

	polTLSOnly = `{"Version":"2012-10-17","Statement":[{"Sid":"RestrictToTLSRequestsOnly","Action":"s3:*","Effect":"Deny",
		"Resource":["arn:aws:s3:::amzn-s3-demo-bucket","arn:aws:s3:::amzn-s3-demo-bucket/*"],
		"Condition":{"Bool":{"aws:SecureTransport":"false"}},"Principal":"*"}]}`

	polAllowAll = `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}`

	polTagRead = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject",
		"Resource":"arn:aws:s3:::amzn-s3-demo-bucket/*",
		"Condition":{"StringEquals":{"s3:ExistingObjectTag/environment":"production"}}}]}`

	// ABAC on buckets: the bucket's tags, for the bucket and its objects.
	polResTag = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:ListBucket","s3:GetObject"],
		"Resource":["arn:aws:s3:::amzn-s3-demo-bucket","arn:aws:s3:::amzn-s3-demo-bucket/*"],
		"Condition":{"StringEquals":{"aws:ResourceTag/project":"${aws:PrincipalTag/project}"}}}]}`
	polResTagDeny = `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::amzn-s3-demo-bucket/*",
		"Condition":{"StringEquals":{"aws:ResourceTag/classification":"secret"}}}]}`
	polReqTagValue = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:PutObject","s3:PutObjectTagging"],
		"Resource":"arn:aws:s3:::amzn-s3-demo-bucket/*",
		"Condition":{"StringEquals":{"s3:RequestObjectTag/team":"blue"}}}]}`

	polTagKeys = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:PutObject","s3:PutObjectTagging"],
		"Resource":"arn:aws:s3:::amzn-s3-demo-bucket/*",
		"Condition":{"ForAllValues:StringLike":{"s3:RequestObjectTagKeys":["Owner","CreationDate"]}}}]}`

	polTagKeysAny = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:PutObject",
		"Resource":"arn:aws:s3:::amzn-s3-demo-bucket/*",
		"Condition":{"ForAnyValue:StringEquals":{"s3:RequestObjectTagKeys":["Project"]}}}]}`

	polNotPrincipal = `{"Version":"2012-10-17","Statement":[{"Effect":"Deny",
		"NotPrincipal":{"AWS":["arn:aws:iam::111122223333:user/alice","arn:aws:iam::111122223333:root"]},
		"Action":"s3:*","Resource":["arn:aws:s3:::amzn-s3-demo-bucket","arn:aws:s3:::amzn-s3-demo-bucket/*"]}]}`

	polNotAction = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":["s3:Delete*","s3:PutBucketPolicy"],"Resource":"*"}]}`

	polNotResource = `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*",
		"NotResource":["arn:aws:s3:::amzn-s3-demo-bucket/public/*","arn:aws:s3:::amzn-s3-demo-bucket"]}]}`

	polSSEIfExists = `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:PutObject",
		"Resource":"arn:aws:s3:::amzn-s3-demo-bucket/*",
		"Condition":{"StringNotEqualsIfExists":{"s3:x-amz-server-side-encryption":"AES256"}}}]}`

	polSSENull = `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:PutObject",
		"Resource":"arn:aws:s3:::amzn-s3-demo-bucket/*",
		"Condition":{"Null":{"s3:x-amz-server-side-encryption":"true"}}}]}`

	polDateWindow = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*",
		"Condition":{"DateGreaterThan":{"aws:CurrentTime":"2026-01-01T00:00:00Z"},
		"DateLessThan":{"aws:CurrentTime":"2026-06-30T00:00:00Z"}}}]}`

	polMaxKeys = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::amzn-s3-demo-bucket",
		"Condition":{"NumericLessThanEquals":{"s3:max-keys":"10"}}}]}`

	polReferer = `{"Version":"2012-10-17","Statement":[{"Sid":"AllowGetRequestsReferred","Effect":"Allow","Principal":"*",
		"Action":"s3:GetObject","Resource":"arn:aws:s3:::amzn-s3-demo-bucket/*",
		"Condition":{"StringLike":{"aws:Referer":["http://www.example.com/*","http://example.com/*"]}}}]}`

	polCrossAccount = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"444455556666"},
		"Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::amzn-s3-demo-bucket/*",
		"Condition":{"StringEquals":{"s3:x-amz-acl":"bucket-owner-full-control"}}}]}`

	polCrossGet = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::444455556666:root"]},
		"Action":"s3:GetObject","Resource":"arn:aws:s3:::amzn-s3-demo-bucket/*"}]}`

	polPrincipalArnLike = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*",
		"Resource":["arn:aws:s3:::amzn-s3-demo-bucket","arn:aws:s3:::amzn-s3-demo-bucket/*"],
		"Condition":{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/Admin*"}}}]}`

	polUserAgentIC = `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*",
		"Condition":{"StringEqualsIgnoreCase":{"aws:UserAgent":"BadBot/1.0"}}}]}`

	polAccountOnly = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject",
		"Resource":"arn:aws:s3:::amzn-s3-demo-bucket/*","Condition":{"StringEquals":{"aws:PrincipalAccount":"111122223333"}}}]}`

	polSession = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::amzn-s3-demo-bucket/reports/*"}]}`

	polVarDefault = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject",
		"Resource":"arn:aws:s3:::amzn-s3-demo-bucket/${aws:username, 'guest'}/*"}]}`

	polVarLiteralStar = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject",
		"Resource":"arn:aws:s3:::amzn-s3-demo-bucket/${*}literal"}]}`

	polVar2008 = `{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject",
		"Resource":"arn:aws:s3:::amzn-s3-demo-bucket/${aws:username}/*"}]}`

	polBinary = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*",
		"Condition":{"BinaryEquals":{"s3:x-amz-content-sha256":"QmluYXJ5VmFsdWU="}}}]}`

	polRootDeny = `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::111122223333:root"},
		"Action":"s3:DeleteBucket","Resource":"arn:aws:s3:::amzn-s3-demo-bucket"}]}`

	polDenyUser = `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:DeleteObject","Resource":"*"}]}`

	polUserIDCond = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject",
		"Resource":"arn:aws:s3:::amzn-s3-demo-bucket/*","Condition":{"StringLike":{"aws:userid":["AROAADMIN:*","AIDABOB"]}}}]}`

	polNotLikeDeny = `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:ListBucket",
		"Resource":"arn:aws:s3:::amzn-s3-demo-bucket","Condition":{"StringNotLike":{"s3:prefix":["public/*","shared/*"]}}}]}`

	polEpoch = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*",
		"Condition":{"NumericLessThan":{"aws:EpochTime":1800000000},"Bool":{"aws:SecureTransport":true}}}]}`

	polSignatureAge = `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::amzn-s3-demo-bucket/*",
		"Condition":{"NumericGreaterThan":{"s3:signatureAge":600000}}},
		{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::amzn-s3-demo-bucket/*",
		"Condition":{"StringNotEquals":{"s3:authType":"REST-HEADER"}}}]}`

	polForAllNotLike = `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:PutObjectTagging","Resource":"*",
		"Condition":{"ForAllValues:StringNotLike":{"s3:RequestObjectTagKeys":"key1*"}}}]}`

	polMFA = `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:DeleteObject","Resource":"*",
		"Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}]}`

	polDateEpoch = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*",
		"Condition":{"DateLessThanEquals":{"aws:CurrentTime":"1767225600"}}}]}`

	polArnNotEquals = `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::amzn-s3-demo-bucket/*",
		"Condition":{"ArnNotEquals":{"aws:PrincipalArn":"arn:aws:iam::111122223333:user/alice"}}}]}`

	polQuestion = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:Get?bject","Resource":"arn:aws:s3:::amzn-s3-demo-bucket/log-20??.txt"}]}`

	polStringEqualsMulti = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"*",
		"Condition":{"StringEquals":{"s3:x-amz-acl":["private","bucket-owner-full-control"],"s3:x-amz-storage-class":"STANDARD"}}}]}`

	polService = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"logging.s3.amazonaws.com"},
		"Action":"s3:PutObject","Resource":"arn:aws:s3:::amzn-s3-demo-bucket/logs/*",
		"Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"}}}]}`

	polRoleSessionArn = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
		"Principal":{"AWS":"arn:aws:sts::111122223333:assumed-role/AdminRole/s1"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::amzn-s3-demo-bucket/*"}]}`

	polNotPrincipalRole = `{"Version":"2012-10-17","Statement":[{"Effect":"Deny",
		"NotPrincipal":{"AWS":["arn:aws:sts::111122223333:assumed-role/AdminRole/s1","arn:aws:iam::111122223333:role/AdminRole","111122223333"]},
		"Action":"s3:*","Resource":"arn:aws:s3:::amzn-s3-demo-bucket/*"}]}`

	polNotPrincipalRoleOnly = `{"Version":"2012-10-17","Statement":[{"Effect":"Deny",
		"NotPrincipal":{"AWS":["arn:aws:iam::111122223333:role/AdminRole","111122223333"]},
		"Action":"s3:*","Resource":"arn:aws:s3:::amzn-s3-demo-bucket/*"}]}`

	polAllowIfExists = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"*",
		"Condition":{"StringEqualsIfExists":{"s3:x-amz-server-side-encryption":"AES256"}}}]}`
)
