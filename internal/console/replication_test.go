package console_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/hoard-s3/hoard/internal/testserver"
)

// TestReplicationCard: the card lists the bucket's replication rules and
// shows the server's figures to the root only.
func TestReplicationCard(t *testing.T) {
	ts := testserver.Start(t, testserver.WithConsole())
	ctx := testserver.Context(t)
	root := ts.Client()
	for _, b := range []string{"repl-cards", "plain-cards"} {
		if _, err := root.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(b)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := root.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String("repl-cards"),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}}); err != nil {
		t.Fatal(err)
	}
	if _, err := root.PutBucketReplication(ctx, &s3.PutBucketReplicationInput{Bucket: aws.String("repl-cards"),
		ReplicationConfiguration: &types.ReplicationConfiguration{Role: aws.String("arn:aws:iam::123456789012:role/r"), Rules: []types.ReplicationRule{{
			ID: aws.String("docs"), Priority: aws.Int32(3), Status: types.ReplicationRuleStatusEnabled,
			Filter:                  &types.ReplicationRuleFilter{Prefix: aws.String("docs/")},
			DeleteMarkerReplication: &types.DeleteMarkerReplication{Status: types.DeleteMarkerReplicationStatusEnabled},
			Destination:             &types.Destination{Bucket: aws.String("arn:aws:s3:::far-away")}}}}}); err != nil {
		t.Fatal(err)
	}
	c := newClient(t, ts)
	c.login(testserver.AccessKey, testserver.SecretKey)
	st, out := c.call("GET", "/api/replication?bucket=repl-cards", nil, nil)
	if st != 200 {
		t.Fatalf("%d %v", st, out)
	}
	rules := out["rules"].([]any)
	r := rules[0].(map[string]any)
	if len(rules) != 1 || r["id"] != "docs" || r["prefix"] != "docs/" || r["destination"] != "arn:aws:s3:::far-away" ||
		r["priority"] != float64(3) || r["enabled"] != true || r["deleteMarkers"] != true {
		t.Fatalf("rules %v", rules)
	}
	stats, ok := out["stats"].(map[string]any)
	if !ok || stats["backlog"] != float64(0) || stats["failures"] != float64(0) {
		t.Fatalf("stats %v", out["stats"])
	}
	if st, out := c.call("GET", "/api/replication?bucket=plain-cards", nil, nil); st != 200 || len(out["rules"].([]any)) != 0 {
		t.Fatalf("bucket without rules: %d %v", st, out)
	}
	if st, _ := c.call("GET", "/api/replication?bucket=nosuchbucket", nil, nil); st != 404 {
		t.Fatalf("missing bucket: %d", st)
	}
}
