package s3api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

const testRole = "arn:aws:iam::123456789012:role/replication"

func enableVersioning(t *testing.T, e *env, bucket string) {
	t.Helper()
	if _, err := e.c.PutBucketVersioning(e.ctx, &s3.PutBucketVersioningInput{Bucket: aws.String(bucket),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}}); err != nil {
		t.Fatal(err)
	}
}

// The full configuration goes in through the SDK and reads back equal.
func TestBucketReplicationRoundTrip(t *testing.T) {
	e := newEnv(t)
	get := func() (*s3.GetBucketReplicationOutput, error) {
		return e.c.GetBucketReplication(e.ctx, &s3.GetBucketReplicationInput{Bucket: aws.String(e.bucket)})
	}
	_, err := get()
	wantCode(t, err, "ReplicationConfigurationNotFoundError")

	cfg := &types.ReplicationConfiguration{Role: aws.String(testRole), Rules: []types.ReplicationRule{
		{
			ID: aws.String("docs"), Priority: aws.Int32(2), Status: types.ReplicationRuleStatusEnabled,
			Filter: &types.ReplicationRuleFilter{And: &types.ReplicationRuleAndOperator{Prefix: aws.String("docs/"),
				Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("blue")}, {Key: aws.String("keep"), Value: aws.String("yes")}}}},
			DeleteMarkerReplication: &types.DeleteMarkerReplication{Status: types.DeleteMarkerReplicationStatusDisabled},
			SourceSelectionCriteria: &types.SourceSelectionCriteria{
				SseKmsEncryptedObjects: &types.SseKmsEncryptedObjects{Status: types.SseKmsEncryptedObjectsStatusEnabled},
				ReplicaModifications:   &types.ReplicaModifications{Status: types.ReplicaModificationsStatusEnabled},
			},
			ExistingObjectReplication: &types.ExistingObjectReplication{Status: types.ExistingObjectReplicationStatusEnabled},
			Destination: &types.Destination{
				Bucket: aws.String("arn:aws:s3:::dest-bucket"), Account: aws.String("210987654321"),
				StorageClass:             types.StorageClassStandardIa,
				AccessControlTranslation: &types.AccessControlTranslation{Owner: types.OwnerOverrideDestination},
				EncryptionConfiguration:  &types.EncryptionConfiguration{ReplicaKmsKeyID: aws.String("arn:aws:kms:us-west-2:210987654321:key/abc")},
				ReplicationTime:          &types.ReplicationTime{Status: types.ReplicationTimeStatusEnabled, Time: &types.ReplicationTimeValue{Minutes: aws.Int32(15)}},
				Metrics:                  &types.Metrics{Status: types.MetricsStatusEnabled, EventThreshold: &types.ReplicationTimeValue{Minutes: aws.Int32(15)}},
			},
		},
		{
			ID: aws.String("all"), Priority: aws.Int32(1), Status: types.ReplicationRuleStatusDisabled,
			Filter:                  &types.ReplicationRuleFilter{Prefix: aws.String("")},
			DeleteMarkerReplication: &types.DeleteMarkerReplication{Status: types.DeleteMarkerReplicationStatusEnabled},
			Destination:             &types.Destination{Bucket: aws.String("arn:aws:s3:::other")},
		},
	}}
	put := &s3.PutBucketReplicationInput{Bucket: aws.String(e.bucket), ReplicationConfiguration: cfg}
	_, err = e.c.PutBucketReplication(e.ctx, put)
	wantCode(t, err, "InvalidRequest") // versioning is off

	enableVersioning(t, e, e.bucket)
	if _, err := e.c.PutBucketReplication(e.ctx, put); err != nil {
		t.Fatal(err)
	}
	out, err := get()
	if err != nil {
		t.Fatal(err)
	}
	got := out.ReplicationConfiguration
	if aws.ToString(got.Role) != testRole || len(got.Rules) != 2 {
		t.Fatalf("got %+v", got)
	}
	r := got.Rules[0]
	d := r.Destination
	if aws.ToString(r.ID) != "docs" || aws.ToInt32(r.Priority) != 2 || r.Status != types.ReplicationRuleStatusEnabled ||
		aws.ToString(r.Filter.And.Prefix) != "docs/" || len(r.Filter.And.Tags) != 2 ||
		r.DeleteMarkerReplication.Status != types.DeleteMarkerReplicationStatusDisabled ||
		r.SourceSelectionCriteria.SseKmsEncryptedObjects.Status != types.SseKmsEncryptedObjectsStatusEnabled ||
		r.SourceSelectionCriteria.ReplicaModifications.Status != types.ReplicaModificationsStatusEnabled ||
		r.ExistingObjectReplication.Status != types.ExistingObjectReplicationStatusEnabled ||
		aws.ToString(d.Bucket) != "arn:aws:s3:::dest-bucket" || aws.ToString(d.Account) != "210987654321" ||
		d.StorageClass != types.StorageClassStandardIa || d.AccessControlTranslation.Owner != types.OwnerOverrideDestination ||
		aws.ToString(d.EncryptionConfiguration.ReplicaKmsKeyID) == "" ||
		aws.ToInt32(d.ReplicationTime.Time.Minutes) != 15 || d.Metrics.Status != types.MetricsStatusEnabled {
		t.Fatalf("rule 1 read back as %+v / %+v", r, d)
	}
	if r := got.Rules[1]; r.Status != types.ReplicationRuleStatusDisabled || r.Filter.Prefix == nil || aws.ToInt32(r.Priority) != 1 {
		t.Fatalf("rule 2 read back as %+v", r)
	}

	// A replicating bucket cannot suspend versioning.
	_, err = e.c.PutBucketVersioning(e.ctx, &s3.PutBucketVersioningInput{Bucket: aws.String(e.bucket),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusSuspended}})
	wantCode(t, err, "InvalidBucketState")

	if _, err := e.c.DeleteBucketReplication(e.ctx, &s3.DeleteBucketReplicationInput{Bucket: aws.String(e.bucket)}); err != nil {
		t.Fatal(err)
	}
	_, err = get()
	wantCode(t, err, "ReplicationConfigurationNotFoundError")
	_, err = e.c.GetBucketReplication(e.ctx, &s3.GetBucketReplicationInput{Bucket: aws.String("no-such-bucket-repl")})
	wantCode(t, err, "NoSuchBucket")
}

// A V1 rule (a Prefix of its own) reads back in the same form.
func TestBucketReplicationV1(t *testing.T) {
	e := newEnv(t)
	enableVersioning(t, e, e.bucket)
	doc := `<ReplicationConfiguration><Role>` + testRole + `</Role><Rule><ID>old</ID><Prefix>logs/</Prefix><Status>Enabled</Status>` +
		`<Destination><Bucket>arn:aws:s3:::dst</Bucket></Destination></Rule></ReplicationConfiguration>`
	if r := e.signedDo(http.MethodPut, "/"+e.bucket+"?replication", []byte(doc), map[string]string{"Content-MD5": md5b64([]byte(doc))}); r.status != 200 {
		t.Fatalf("put: %d %s", r.status, r.body)
	}
	got := e.signedDo(http.MethodGet, "/"+e.bucket+"?replication", nil, nil)
	want := `<Rule><ID>old</ID><Prefix>logs/</Prefix><Status>Enabled</Status><Destination><Bucket>arn:aws:s3:::dst</Bucket></Destination></Rule>`
	if got.status != 200 || !strings.Contains(string(got.body), want) || strings.Contains(string(got.body), "<Filter>") {
		t.Fatalf("get: %d %s", got.status, got.body)
	}
}

func TestBucketReplicationRefused(t *testing.T) {
	e := newEnv(t)
	enableVersioning(t, e, e.bucket)
	dst := `<Destination><Bucket>arn:aws:s3:::dst</Bucket></Destination>`
	dm := `<DeleteMarkerReplication><Status>Disabled</Status></DeleteMarkerReplication>`
	v2 := func(inner string) string {
		return `<ReplicationConfiguration><Role>` + testRole + `</Role><Rule><Status>Enabled</Status>` + inner + `</Rule></ReplicationConfiguration>`
	}
	for _, c := range []struct{ name, doc, code string }{
		{"no role", `<ReplicationConfiguration><Rule><Status>Enabled</Status><Filter/>` + dm + dst + `</Rule></ReplicationConfiguration>`, "InvalidArgument"},
		{"bad role", strings.Replace(v2(`<Filter/>`+dm+dst), testRole, "role", 1), "InvalidArgument"},
		{"no rules", `<ReplicationConfiguration><Role>` + testRole + `</Role></ReplicationConfiguration>`, "MalformedXML"},
		{"bad status", strings.Replace(v2(`<Filter/>`+dm+dst), "<Status>Enabled</Status>", "<Status>On</Status>", 1), "MalformedXML"},
		{"no destination", v2(`<Filter/>` + dm), "MalformedXML"},
		{"bad bucket ARN", v2(`<Filter/>` + dm + `<Destination><Bucket>dst</Bucket></Destination>`), "InvalidArgument"},
		{"filter without delete marker replication", v2(`<Filter/>` + dst), "InvalidRequest"},
		{"prefix and filter", v2(`<Prefix>a</Prefix><Filter/>` + dm + dst), "MalformedXML"},
		{"two filter kinds", v2(`<Filter><Prefix>a</Prefix><Tag><Key>k</Key><Value>v</Value></Tag></Filter>` + dm + dst), "MalformedXML"},
		{"delete markers with a tag filter", v2(`<Filter><Tag><Key>k</Key><Value>v</Value></Tag></Filter><DeleteMarkerReplication><Status>Enabled</Status></DeleteMarkerReplication>` + dst), "InvalidRequest"},
		{"unknown element", v2(`<Filter/>` + dm + dst + `<Colour>red</Colour>`), "MalformedXML"},
		{"bad storage class", v2(`<Filter/>` + dm + `<Destination><Bucket>arn:aws:s3:::dst</Bucket><StorageClass>GOLD</StorageClass></Destination>`), "InvalidStorageClass"},
		{"translation without account", v2(`<Filter/>` + dm + `<Destination><Bucket>arn:aws:s3:::dst</Bucket><AccessControlTranslation><Owner>Destination</Owner></AccessControlTranslation></Destination>`), "InvalidRequest"},
		{"KMS key without SseKmsEncryptedObjects", v2(`<Filter/>` + dm + `<Destination><Bucket>arn:aws:s3:::dst</Bucket><EncryptionConfiguration><ReplicaKmsKeyID>k</ReplicaKmsKeyID></EncryptionConfiguration></Destination>`), "InvalidRequest"},
		{"SseKmsEncryptedObjects without a key", v2(`<Filter/>` + dm + `<SourceSelectionCriteria><SseKmsEncryptedObjects><Status>Enabled</Status></SseKmsEncryptedObjects></SourceSelectionCriteria>` + dst), "InvalidRequest"},
		{"replication time without metrics", v2(`<Filter/>` + dm + `<Destination><Bucket>arn:aws:s3:::dst</Bucket><ReplicationTime><Status>Enabled</Status><Time><Minutes>15</Minutes></Time></ReplicationTime></Destination>`), "InvalidRequest"},
		{"replication time of 10 minutes", v2(`<Filter/>` + dm + `<Destination><Bucket>arn:aws:s3:::dst</Bucket><ReplicationTime><Status>Enabled</Status><Time><Minutes>10</Minutes></Time></ReplicationTime><Metrics><Status>Enabled</Status></Metrics></Destination>`), "InvalidArgument"},
		{"duplicate priority", `<ReplicationConfiguration><Role>` + testRole + `</Role>` +
			`<Rule><ID>a</ID><Priority>1</Priority><Status>Enabled</Status><Filter/>` + dm + dst + `</Rule>` +
			`<Rule><ID>b</ID><Priority>1</Priority><Status>Enabled</Status><Filter/>` + dm + dst + `</Rule></ReplicationConfiguration>`, "InvalidRequest"},
		{"duplicate id", `<ReplicationConfiguration><Role>` + testRole + `</Role>` +
			`<Rule><ID>a</ID><Priority>1</Priority><Status>Enabled</Status><Filter/>` + dm + dst + `</Rule>` +
			`<Rule><ID>a</ID><Priority>2</Priority><Status>Enabled</Status><Filter/>` + dm + dst + `</Rule></ReplicationConfiguration>`, "InvalidRequest"},
		{"not XML", `<ReplicationConfiguration>`, "MalformedXML"},
	} {
		t.Run(c.name, func(t *testing.T) {
			e.signedDo(http.MethodPut, "/"+e.bucket+"?replication", []byte(c.doc), map[string]string{"Content-MD5": md5b64([]byte(c.doc))}).wantError(t, 400, c.code)
		})
	}
	// None of them changed anything.
	e.signedDo(http.MethodGet, "/"+e.bucket+"?replication", nil, nil).wantError(t, 404, "ReplicationConfigurationNotFoundError")
	// And the integrity header is required, as on S3.
	ok := v2(`<Filter/>` + dm + dst)
	e.signedDo(http.MethodPut, "/"+e.bucket+"?replication", []byte(ok), nil).wantError(t, 400, "InvalidRequest")
}
