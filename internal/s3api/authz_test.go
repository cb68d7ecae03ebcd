package s3api_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/hoard-s3/hoard/internal/iam"
	"github.com/hoard-s3/hoard/internal/testserver"
)

func TestIdentityPolicyPerAction(t *testing.T) {
	e := newEnv(t)
	e.put("k", "v")
	other := e.newBucket()
	u := e.newUser(allowDoc(`["s3:GetObject"]`, fmt.Sprintf(`"arn:aws:s3:::%s/*"`, e.bucket)),
		allowDoc(`"s3:ListBucket"`, fmt.Sprintf(`"arn:aws:s3:::%s"`, e.bucket)))

	wantNoErr(t, e.getAs(u, e.bucket, "k"))
	_, err := u.c.HeadObject(e.ctx, &s3.HeadObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("k")})
	wantNoErr(t, err)
	_, err = u.c.ListObjectsV2(e.ctx, &s3.ListObjectsV2Input{Bucket: aws.String(e.bucket)})
	wantNoErr(t, err)
	wantCode(t, e.putAs(u, e.bucket, "k2"), "AccessDenied")
	_, err = u.c.DeleteObject(e.ctx, &s3.DeleteObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("k")})
	wantCode(t, err, "AccessDenied")
	_, err = u.c.ListObjectsV2(e.ctx, &s3.ListObjectsV2Input{Bucket: aws.String(other)})
	wantCode(t, err, "AccessDenied")
	_, err = u.c.ListBuckets(e.ctx, &s3.ListBucketsInput{})
	wantCode(t, err, "AccessDenied")
	_, err = u.c.GetObjectTagging(e.ctx, &s3.GetObjectTaggingInput{Bucket: aws.String(e.bucket), Key: aws.String("k")})
	wantCode(t, err, "AccessDenied")
	_, err = u.c.CreateBucket(e.ctx, &s3.CreateBucketInput{Bucket: aws.String("nope-" + e.bucket)})
	wantCode(t, err, "AccessDenied")
	// GetObjectAttributes needs s3:GetObjectAttributes as well.
	_, err = u.c.GetObjectAttributes(e.ctx, &s3.GetObjectAttributesInput{Bucket: aws.String(e.bucket), Key: aws.String("k"),
		ObjectAttributes: []types.ObjectAttributes{types.ObjectAttributesEtag}})
	wantCode(t, err, "AccessDenied")
	// A copy needs s3:GetObject on the source and s3:PutObject on the target.
	w := e.newUser(allowDoc(`"s3:PutObject"`, fmt.Sprintf(`"arn:aws:s3:::%s/*"`, e.bucket)))
	_, err = w.c.CopyObject(e.ctx, &s3.CopyObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("c"), CopySource: aws.String(e.bucket + "/k")})
	wantCode(t, err, "AccessDenied")
	rw := e.newUser(allowDoc(`["s3:PutObject","s3:GetObject"]`, fmt.Sprintf(`"arn:aws:s3:::%s/*"`, e.bucket)))
	_, err = rw.c.CopyObject(e.ctx, &s3.CopyObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("c"), CopySource: aws.String(e.bucket + "/k")})
	wantNoErr(t, err)
}

func TestExplicitDenyAndBatchDelete(t *testing.T) {
	e := newEnv(t)
	for _, k := range []string{"a/1", "keep/1"} {
		e.put(k, "v")
	}
	u := e.newUser(`{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"s3:*","Resource":["arn:aws:s3:::` + e.bucket + `","arn:aws:s3:::` + e.bucket + `/*"]},
		{"Effect":"Deny","Action":"s3:DeleteObject","Resource":"arn:aws:s3:::` + e.bucket + `/keep/*"}]}`)
	out, err := u.c.DeleteObjects(e.ctx, &s3.DeleteObjectsInput{Bucket: aws.String(e.bucket), Delete: &types.Delete{
		Objects: []types.ObjectIdentifier{{Key: aws.String("a/1")}, {Key: aws.String("keep/1")}}}})
	wantNoErr(t, err)
	if len(out.Deleted) != 1 || aws.ToString(out.Deleted[0].Key) != "a/1" || len(out.Errors) != 1 ||
		aws.ToString(out.Errors[0].Key) != "keep/1" || aws.ToString(out.Errors[0].Code) != "AccessDenied" {
		t.Fatalf("batch delete: deleted %+v errors %+v", out.Deleted, out.Errors)
	}
	if !e.objectExists("keep/1") || e.objectExists("a/1") {
		t.Fatal("batch delete removed the wrong keys")
	}
	// A bucket policy Deny binds even the account root.
	e.putPolicy(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::` + e.bucket + `/keep/*"}]}`)
	_, _, err = e.get("keep/1")
	wantCode(t, err, "AccessDenied")
	// A policy denying everything cannot lock the owner out of the policy.
	e.putPolicy(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::` + e.bucket + `","arn:aws:s3:::` + e.bucket + `/*"]}]}`)
	_, _, err = e.get("a/1")
	wantCode(t, err, "AccessDenied")
	_, err = e.c.DeleteBucketPolicy(e.ctx, &s3.DeleteBucketPolicyInput{Bucket: aws.String(e.bucket)})
	wantNoErr(t, err)
	if e.mustGet("keep/1") != "v" {
		t.Fatal("object unreadable after the policy is gone")
	}
}

func (e *env) putPolicy(doc string) {
	e.t.Helper()
	_, err := e.c.PutBucketPolicy(e.ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(e.bucket), Policy: aws.String(doc)})
	wantNoErr(e.t, err)
}

func (e *env) putPAB(c types.PublicAccessBlockConfiguration) {
	e.t.Helper()
	_, err := e.c.PutPublicAccessBlock(e.ctx, &s3.PutPublicAccessBlockInput{Bucket: aws.String(e.bucket), PublicAccessBlockConfiguration: &c})
	wantNoErr(e.t, err)
}

func TestBucketPolicyAndBlockPublicAccess(t *testing.T) {
	e := newEnv(t)
	e.put("k", "v")
	// New buckets block everything public.
	pab, err := e.c.GetPublicAccessBlock(e.ctx, &s3.GetPublicAccessBlockInput{Bucket: aws.String(e.bucket)})
	wantNoErr(t, err)
	if c := pab.PublicAccessBlockConfiguration; !aws.ToBool(c.BlockPublicAcls) || !aws.ToBool(c.IgnorePublicAcls) ||
		!aws.ToBool(c.BlockPublicPolicy) || !aws.ToBool(c.RestrictPublicBuckets) {
		t.Fatalf("default block public access %+v", c)
	}
	_, err = e.c.GetBucketPolicy(e.ctx, &s3.GetBucketPolicyInput{Bucket: aws.String(e.bucket)})
	wantCode(t, err, "NoSuchBucketPolicy")

	// Another user, named by the bucket policy.
	u := e.newUser()
	wantCode(t, e.getAs(u, e.bucket, "k"), "AccessDenied")
	userARN := "arn:aws:iam::" + e.identities().AccountID() + ":user/" + u.name
	e.putPolicy(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + userARN + `"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::` + e.bucket + `/*"}]}`)
	wantNoErr(t, e.getAs(u, e.bucket, "k"))
	st, err := e.c.GetBucketPolicyStatus(e.ctx, &s3.GetBucketPolicyStatusInput{Bucket: aws.String(e.bucket)})
	wantNoErr(t, err)
	if aws.ToBool(st.PolicyStatus.IsPublic) {
		t.Fatal("a policy naming one user is not public")
	}

	// A public policy is refused while BlockPublicPolicy is on.
	public := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::` + e.bucket + `/*"}]}`
	_, err = e.c.PutBucketPolicy(e.ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(e.bucket), Policy: aws.String(public)})
	wantCode(t, err, "AccessDenied")
	if s := e.anonGet(e.bucket, "k"); s != 403 {
		t.Fatalf("anonymous GET %d before any public policy", s)
	}

	_, err = e.c.DeletePublicAccessBlock(e.ctx, &s3.DeletePublicAccessBlockInput{Bucket: aws.String(e.bucket)})
	wantNoErr(t, err)
	_, err = e.c.GetPublicAccessBlock(e.ctx, &s3.GetPublicAccessBlockInput{Bucket: aws.String(e.bucket)})
	wantCode(t, err, "NoSuchPublicAccessBlockConfiguration")
	e.putPolicy(public)
	if s := e.anonGet(e.bucket, "k"); s != 200 {
		t.Fatalf("anonymous GET %d through a public policy", s)
	}
	st, err = e.c.GetBucketPolicyStatus(e.ctx, &s3.GetBucketPolicyStatusInput{Bucket: aws.String(e.bucket)})
	wantNoErr(t, err)
	if !aws.ToBool(st.PolicyStatus.IsPublic) {
		t.Fatal("policy status not public")
	}
	got, err := e.c.GetBucketPolicy(e.ctx, &s3.GetBucketPolicyInput{Bucket: aws.String(e.bucket)})
	wantNoErr(t, err)
	if aws.ToString(got.Policy) != public {
		t.Fatalf("policy read back as %s", aws.ToString(got.Policy))
	}

	// RestrictPublicBuckets: the public policy no longer opens the bucket.
	e.putPAB(types.PublicAccessBlockConfiguration{RestrictPublicBuckets: aws.Bool(true)})
	if s := e.anonGet(e.bucket, "k"); s != 403 {
		t.Fatalf("anonymous GET %d with RestrictPublicBuckets", s)
	}
	wantNoErr(t, e.getAs(e.newUser(), e.bucket, "k")) // a user of the owner account still reads through it

	// The account-wide setting overrides the bucket's.
	e.putPAB(types.PublicAccessBlockConfiguration{})
	if s := e.anonGet(e.bucket, "k"); s != 200 {
		t.Fatalf("anonymous GET %d with nothing blocked", s)
	}
	if r := e.controlDo("GET", nil); r.status != 404 || !strings.Contains(string(r.body), "NoSuchPublicAccessBlockConfiguration") {
		t.Fatalf("account setting before any: %d %s", r.status, r.body)
	}
	if r := e.controlDo("PUT", []byte(`<PublicAccessBlockConfiguration xmlns="http://awss3control.amazonaws.com/doc/2018-08-20/"><BlockPublicPolicy>true</BlockPublicPolicy><RestrictPublicBuckets>true</RestrictPublicBuckets></PublicAccessBlockConfiguration>`)); r.status != 200 {
		t.Fatalf("put account setting: %d %s", r.status, r.body)
	}
	if s := e.anonGet(e.bucket, "k"); s != 403 {
		t.Fatalf("anonymous GET %d with the account RestrictPublicBuckets", s)
	}
	_, err = e.c.PutBucketPolicy(e.ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(e.bucket), Policy: aws.String(public)})
	wantCode(t, err, "AccessDenied") // the account's BlockPublicPolicy
	if r := e.controlDo("GET", nil); r.status != 200 || !strings.Contains(string(r.body), "<RestrictPublicBuckets>true</RestrictPublicBuckets>") {
		t.Fatalf("account setting: %d %s", r.status, r.body)
	}
	if r := e.controlDo("DELETE", nil); r.status != 204 {
		t.Fatalf("delete account setting: %d %s", r.status, r.body)
	}
	if s := e.anonGet(e.bucket, "k"); s != 200 {
		t.Fatalf("anonymous GET %d after the account setting is gone", s)
	}
	// Anonymous writes stay refused: the policy grants reads only.
	if r := e.do(e.newRaw("PUT", "/"+e.bucket+"/anon", []byte("x"))); r.status != 403 {
		t.Fatalf("anonymous PUT %d", r.status)
	}
	_, err = e.c.DeleteBucketPolicy(e.ctx, &s3.DeleteBucketPolicyInput{Bucket: aws.String(e.bucket)})
	wantNoErr(t, err)
	if s := e.anonGet(e.bucket, "k"); s != 403 {
		t.Fatalf("anonymous GET %d after the policy is gone", s)
	}
}

func TestPutBucketPolicyValidation(t *testing.T) {
	e := newEnv(t)
	for _, doc := range []string{
		`not json`,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::` + e.bucket + `/*"}]}`,      // no Principal
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::other/*"}]}`, // another bucket
	} {
		_, err := e.c.PutBucketPolicy(e.ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(e.bucket), Policy: aws.String(doc)})
		wantCode(t, err, "MalformedPolicy")
	}
}

func TestObjectOwnershipAndACLs(t *testing.T) {
	e := newEnv(t)
	// BucketOwnerEnforced by default: ACLs refused, the owner has all.
	oc, err := e.c.GetBucketOwnershipControls(e.ctx, &s3.GetBucketOwnershipControlsInput{Bucket: aws.String(e.bucket)})
	wantNoErr(t, err)
	if oc.OwnershipControls.Rules[0].ObjectOwnership != types.ObjectOwnershipBucketOwnerEnforced {
		t.Fatalf("default ownership %v", oc.OwnershipControls.Rules[0].ObjectOwnership)
	}
	_, err = e.c.PutObject(e.ctx, &s3.PutObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("k"), Body: strings.NewReader("v"), ACL: types.ObjectCannedACLPublicRead})
	wantCode(t, err, "AccessControlListNotSupported")
	e.put("k", "v", func(in *s3.PutObjectInput) { in.ACL = types.ObjectCannedACLBucketOwnerFullControl })
	_, err = e.c.PutBucketAcl(e.ctx, &s3.PutBucketAclInput{Bucket: aws.String(e.bucket), ACL: types.BucketCannedACLPublicRead})
	wantCode(t, err, "AccessControlListNotSupported")
	acl, err := e.c.GetBucketAcl(e.ctx, &s3.GetBucketAclInput{Bucket: aws.String(e.bucket)})
	wantNoErr(t, err)
	if len(acl.Grants) != 1 || acl.Grants[0].Permission != types.PermissionFullControl {
		t.Fatalf("enforced bucket ACL %+v", acl.Grants)
	}

	// ObjectWriter enables canned ACLs; with Block Public Access off a
	// public-read object is readable anonymously.
	b := "writer-" + e.bucket
	_, err = e.c.CreateBucket(e.ctx, &s3.CreateBucketInput{Bucket: aws.String(b), ObjectOwnership: types.ObjectOwnershipObjectWriter})
	wantNoErr(t, err)
	e.bucket = b
	_, err = e.c.PutObject(e.ctx, &s3.PutObjectInput{Bucket: aws.String(b), Key: aws.String("pub"), Body: strings.NewReader("v"), ACL: types.ObjectCannedACLPublicRead})
	wantCode(t, err, "AccessDenied") // BlockPublicAcls
	e.putPAB(types.PublicAccessBlockConfiguration{})
	e.put("pub", "v", func(in *s3.PutObjectInput) { in.ACL = types.ObjectCannedACLPublicRead })
	e.put("priv", "v")
	if s := e.anonGet(b, "pub"); s != 200 {
		t.Fatalf("anonymous GET of public-read: %d", s)
	}
	if s := e.anonGet(b, "priv"); s != 403 {
		t.Fatalf("anonymous GET of private: %d", s)
	}
	oa, err := e.c.GetObjectAcl(e.ctx, &s3.GetObjectAclInput{Bucket: aws.String(b), Key: aws.String("pub")})
	wantNoErr(t, err)
	if len(oa.Grants) != 2 || oa.Grants[0].Grantee.Type != types.TypeGroup || !strings.HasSuffix(aws.ToString(oa.Grants[0].Grantee.URI), "AllUsers") ||
		oa.Grants[1].Permission != types.PermissionFullControl {
		t.Fatalf("object ACL %+v", oa.Grants)
	}
	// IgnorePublicAcls turns the grant off; then the owner makes it private.
	e.putPAB(types.PublicAccessBlockConfiguration{IgnorePublicAcls: aws.Bool(true)})
	if s := e.anonGet(b, "pub"); s != 403 {
		t.Fatalf("anonymous GET with IgnorePublicAcls: %d", s)
	}
	e.putPAB(types.PublicAccessBlockConfiguration{})
	_, err = e.c.PutObjectAcl(e.ctx, &s3.PutObjectAclInput{Bucket: aws.String(b), Key: aws.String("pub"), ACL: types.ObjectCannedACLPrivate})
	wantNoErr(t, err)
	if s := e.anonGet(b, "pub"); s != 403 {
		t.Fatalf("anonymous GET after private: %d", s)
	}
	// Overwriting an object drops its ACL.
	e.put("pub2", "v", func(in *s3.PutObjectInput) { in.ACL = types.ObjectCannedACLPublicRead })
	e.put("pub2", "w")
	if s := e.anonGet(b, "pub2"); s != 403 {
		t.Fatalf("anonymous GET of a rewritten object: %d", s)
	}
	// A bucket ACL with a grant, then back to enforced is refused.
	_, err = e.c.PutBucketAcl(e.ctx, &s3.PutBucketAclInput{Bucket: aws.String(b), ACL: types.BucketCannedACLPublicRead})
	wantNoErr(t, err)
	ba, err := e.c.GetBucketAcl(e.ctx, &s3.GetBucketAclInput{Bucket: aws.String(b)})
	wantNoErr(t, err)
	if len(ba.Grants) != 2 {
		t.Fatalf("bucket ACL %+v", ba.Grants)
	}
	if r := e.do(e.newRaw("GET", "/"+b+"?list-type=2", nil)); r.status != 200 {
		t.Fatalf("anonymous list through public-read bucket ACL: %d", r.status)
	}
	_, err = e.c.PutBucketOwnershipControls(e.ctx, &s3.PutBucketOwnershipControlsInput{Bucket: aws.String(b),
		OwnershipControls: &types.OwnershipControls{Rules: []types.OwnershipControlsRule{{ObjectOwnership: types.ObjectOwnershipBucketOwnerEnforced}}}})
	wantCode(t, err, "InvalidBucketAclWithObjectOwnership")
	_, err = e.c.DeleteBucketOwnershipControls(e.ctx, &s3.DeleteBucketOwnershipControlsInput{Bucket: aws.String(b)})
	wantNoErr(t, err)
	_, err = e.c.GetBucketOwnershipControls(e.ctx, &s3.GetBucketOwnershipControlsInput{Bucket: aws.String(b)})
	wantCode(t, err, "OwnershipControlsNotFoundError")
}

func TestPolicyConditions(t *testing.T) {
	e := newEnv(t)
	bkt := `"arn:aws:s3:::` + e.bucket + `"`
	objs := `"arn:aws:s3:::` + e.bucket + `/*"`
	for _, k := range []string{"home/a", "home/x/1", "top"} {
		e.put(k, "v")
	}
	// s3:prefix on ListBucket.
	u := e.newUser(allowDoc(`"s3:ListBucket"`, bkt, `{"StringLike":{"s3:prefix":"home/*"}}`))
	_, err := u.c.ListObjectsV2(e.ctx, &s3.ListObjectsV2Input{Bucket: aws.String(e.bucket), Prefix: aws.String("home/")})
	wantNoErr(t, err)
	_, err = u.c.ListObjectsV2(e.ctx, &s3.ListObjectsV2Input{Bucket: aws.String(e.bucket)})
	wantCode(t, err, "AccessDenied")

	// aws:SourceIp, allow and deny.
	in := e.newUser(allowDoc(`"s3:GetObject"`, objs, `{"IpAddress":{"aws:SourceIp":"127.0.0.0/8"}}`))
	wantNoErr(t, e.getAs(in, e.bucket, "top"))
	out := e.newUser(allowDoc(`"s3:GetObject"`, objs, `{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}`))
	wantCode(t, e.getAs(out, e.bucket, "top"), "AccessDenied")
	deny := e.newUser(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":` + objs + `},
		{"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"127.0.0.1/32"}}}]}`)
	wantCode(t, e.getAs(deny, e.bucket, "top"), "AccessDenied")

	// A home folder through ${aws:username}.
	home := e.newUser(allowDoc(`["s3:GetObject","s3:PutObject"]`, `"arn:aws:s3:::`+e.bucket+`/home/${aws:username}/*"`))
	wantNoErr(t, e.putAs(home, e.bucket, "home/"+home.name+"/f"))
	wantNoErr(t, e.getAs(home, e.bucket, "home/"+home.name+"/f"))
	wantCode(t, e.putAs(home, e.bucket, "home/x/f"), "AccessDenied")
	wantCode(t, e.getAs(home, e.bucket, "home/x/1"), "AccessDenied")

	// s3:ExistingObjectTag: the object's tags are read only for such policies.
	e.put("tagged", "v", func(in *s3.PutObjectInput) { in.Tagging = aws.String("class=public") })
	tag := e.newUser(allowDoc(`"s3:GetObject"`, objs, `{"StringEquals":{"s3:ExistingObjectTag/class":"public"}}`))
	wantNoErr(t, e.getAs(tag, e.bucket, "tagged"))
	wantCode(t, e.getAs(tag, e.bucket, "top"), "AccessDenied")

	// s3:RequestObjectTag on writes.
	rt := e.newUser(allowDoc(`"s3:PutObject"`, objs, `{"StringEquals":{"s3:RequestObjectTag/team":"blue"}}`))
	_, err = rt.c.PutObject(e.ctx, &s3.PutObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("t1"), Body: strings.NewReader("x"), Tagging: aws.String("team=blue")})
	wantNoErr(t, err)
	_, err = rt.c.PutObject(e.ctx, &s3.PutObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("t2"), Body: strings.NewReader("x"), Tagging: aws.String("team=red")})
	wantCode(t, err, "AccessDenied")

	// The classic bucket policy: writes must ask for SSE-S3.
	e.putPolicy(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":` + objs + `,
		"Condition":{"StringNotEquals":{"s3:x-amz-server-side-encryption":"AES256"}}}]}`)
	_, err = e.c.PutObject(e.ctx, &s3.PutObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("plain"), Body: strings.NewReader("x")})
	wantCode(t, err, "AccessDenied")
	_, err = e.c.PutObject(e.ctx, &s3.PutObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("enc"), Body: strings.NewReader("x"),
		ServerSideEncryption: types.ServerSideEncryptionAes256})
	wantNoErr(t, err)
	_, err = e.c.DeleteBucketPolicy(e.ctx, &s3.DeleteBucketPolicyInput{Bucket: aws.String(e.bucket)})
	wantNoErr(t, err)

	// s3:authType: presigned URLs refused, header signatures accepted.
	hdr := e.newUser(allowDoc(`"s3:GetObject"`, objs, `{"StringEquals":{"s3:authType":"REST-HEADER"}}`))
	wantNoErr(t, e.getAs(hdr, e.bucket, "top"))
	ps, err := s3.NewPresignClient(hdr.c).PresignGetObject(e.ctx, &s3.GetObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("top")})
	wantNoErr(t, err)
	r := e.newRaw("GET", strings.TrimPrefix(ps.URL, e.srv.URL), nil)
	if resp := e.do(r); resp.status != 403 {
		t.Fatalf("presigned GET with an authType condition: %d", resp.status)
	}
}

func TestAssumedRoleSessionPolicy(t *testing.T) {
	e := newEnv(t)
	e.put("k", "v")
	ids := e.identities()
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + ids.AccountID() + `:root"},"Action":"sts:AssumeRole"}]}`
	role, err := ids.CreateRole(e.ctx, iam.CreateRoleInput{RoleName: "writer", AssumeRolePolicyDocument: trust})
	wantNoErr(t, err)
	wantNoErr(t, ids.PutRolePolicy(e.ctx, "writer", "rw", allowDoc(`["s3:GetObject","s3:PutObject"]`, `"arn:aws:s3:::`+e.bucket+`/*"`)))
	root, err := ids.Principal(e.ctx, testserver.AccessKey)
	wantNoErr(t, err)
	assume := func(session string) *principal {
		creds, _, err := ids.AssumeRole(e.ctx, &root, iam.AssumeRoleInput{RoleARN: role.ARN, RoleSessionName: "sess", Policy: session})
		wantNoErr(t, err)
		return e.client("writer", creds.AccessKeyID, creds.SecretAccessKey, creds.SessionToken)
	}
	full := assume("")
	wantNoErr(t, e.getAs(full, e.bucket, "k"))
	wantNoErr(t, e.putAs(full, e.bucket, "k2"))
	narrow := assume(allowDoc(`"s3:GetObject"`, `"*"`))
	wantNoErr(t, e.getAs(narrow, e.bucket, "k"))
	wantCode(t, e.putAs(narrow, e.bucket, "k3"), "AccessDenied")
}

// TestNoRouteEscapesAuthorization sends every route the router knows as
// a user without any permission: each must be refused (or answer 501 /
// 405 for what is not served), never run.
func TestNoRouteEscapesAuthorization(t *testing.T) {
	e := newEnv(t)
	e.put("k", "v")
	u := e.newUser()
	b := "/" + e.bucket
	copySrc := map[string]string{"X-Amz-Copy-Source": e.bucket + "/k"}
	routes := []struct {
		method, path string
		hdr          map[string]string
	}{
		{"GET", "/", nil}, {"PUT", "/new-" + e.bucket, nil}, {"HEAD", b, nil}, {"DELETE", b, nil},
		{"GET", b + "?location", nil}, {"GET", b + "?versioning", nil}, {"GET", b, nil}, {"GET", b + "?list-type=2", nil},
		{"POST", b + "?delete", nil}, {"PUT", b + "/k", nil}, {"PUT", b + "/c", copySrc}, {"GET", b + "/k", nil},
		{"HEAD", b + "/k", nil}, {"DELETE", b + "/k", nil}, {"GET", b + "/k?tagging", nil}, {"PUT", b + "/k?tagging", nil},
		{"DELETE", b + "/k?tagging", nil}, {"GET", b + "/k?attributes", nil}, {"GET", b + "?cors", nil}, {"PUT", b + "?cors", nil},
		{"DELETE", b + "?cors", nil}, {"POST", b + "/k?uploads", nil}, {"PUT", b + "/k?partNumber=1&uploadId=x", nil},
		{"PUT", b + "/k?partNumber=1&uploadId=x", copySrc}, {"POST", b + "/k?uploadId=x", nil}, {"DELETE", b + "/k?uploadId=x", nil},
		{"GET", b + "/k?uploadId=x", nil}, {"GET", b + "?uploads", nil}, {"GET", b + "?encryption", nil}, {"PUT", b + "?encryption", nil},
		{"DELETE", b + "?encryption", nil}, {"GET", b + "?accelerate", nil}, {"PUT", b + "?accelerate", nil},
		{"GET", b + "?policy", nil}, {"PUT", b + "?policy", nil}, {"DELETE", b + "?policy", nil}, {"GET", b + "?policyStatus", nil},
		{"GET", b + "?publicAccessBlock", nil}, {"PUT", b + "?publicAccessBlock", nil}, {"DELETE", b + "?publicAccessBlock", nil},
		{"GET", b + "?ownershipControls", nil}, {"PUT", b + "?ownershipControls", nil}, {"DELETE", b + "?ownershipControls", nil},
		{"GET", b + "?acl", nil}, {"PUT", b + "?acl", nil}, {"GET", b + "/k?acl", nil}, {"PUT", b + "/k?acl", nil},
	}
	for _, r := range routes {
		resp := e.signedAs(u, r.method, r.path, nil, r.hdr)
		if r.method == "POST" && strings.HasSuffix(r.path, "?delete") {
			// Batch delete checks each key; with no keys it is malformed.
			if resp.status != 400 && resp.status != 403 {
				t.Errorf("%s %s: %d %s", r.method, r.path, resp.status, resp.body)
			}
			continue
		}
		if resp.status != 403 {
			t.Errorf("%s %s as a user without permissions: %d %s", r.method, r.path, resp.status, resp.body)
		}
	}
	// Control API as that user.
	if resp := e.signedAs(u, "GET", "/v20180820/configuration/publicAccessBlock", nil, map[string]string{"X-Amz-Account-Id": e.identities().AccountID()}); resp.status != 403 {
		t.Errorf("account setting as a user without permissions: %d", resp.status)
	}
	// Anonymous: refused everywhere, unsupported features included.
	for _, r := range routes {
		req := e.newRaw(r.method, r.path, nil)
		for k, v := range r.hdr {
			req.Header.Set(k, v)
		}
		if resp := e.do(req); resp.status != 403 {
			t.Errorf("anonymous %s %s: %d %s", r.method, r.path, resp.status, resp.body)
		}
	}
	if resp := e.do(e.newRaw("GET", b+"?lifecycle", nil)); resp.status != 403 {
		t.Errorf("anonymous unsupported route: %d", resp.status)
	}
	if !e.objectExists("k") {
		t.Fatal("object gone")
	}
}
