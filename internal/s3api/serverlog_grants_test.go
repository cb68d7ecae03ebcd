package s3api_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// TestServerAccessLogTargetGrants: with ACLs on for the target bucket,
// each delivered log object carries the configuration's TargetGrants.
func TestServerAccessLogTargetGrants(t *testing.T) {
	e := newEnv(t)
	target := e.newBucket()
	e.allowLogDelivery(target, "", e.bucket)
	if _, err := e.c.PutBucketOwnershipControls(e.ctx, &s3.PutBucketOwnershipControlsInput{Bucket: aws.String(target),
		OwnershipControls: &types.OwnershipControls{Rules: []types.OwnershipControlsRule{{ObjectOwnership: types.ObjectOwnershipObjectWriter}}}}); err != nil {
		t.Fatal(err)
	}
	const authenticated = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
	grants := []types.TargetGrant{{Grantee: &types.Grantee{Type: types.TypeGroup, URI: aws.String(authenticated)}, Permission: types.BucketLogsPermissionRead}}
	if err := e.putLogging(e.bucket, &types.LoggingEnabled{TargetBucket: aws.String(target), TargetPrefix: aws.String(""), TargetGrants: grants}); err != nil {
		t.Fatal(err)
	}
	e.put("k", "v")
	_, keys := e.logRecords(target, "")
	if len(keys) != 1 {
		t.Fatalf("log objects %q", keys)
	}
	out, err := e.c.GetObjectAcl(e.ctx, &s3.GetObjectAclInput{Bucket: aws.String(target), Key: aws.String(keys[0])})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, g := range out.Grants {
		if g.Grantee != nil && aws.ToString(g.Grantee.URI) == authenticated && g.Permission == types.PermissionRead {
			found = true
		}
	}
	if !found {
		t.Fatalf("log object grants %+v, want READ for AuthenticatedUsers", out.Grants)
	}
}
