package s3api_test

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/hoard-s3/hoard/internal/server"
	"github.com/hoard-s3/hoard/internal/testserver"
)

// TestRestoreObjectWire: the RestoreObject document as S3 reads it, and
// the answers to bad ones.
func TestRestoreObjectWire(t *testing.T) {
	e := newEnv(t, testserver.WithTiering(server.TierConfig{
		RestoreDelays: map[string]time.Duration{"Standard": time.Hour, "Expedited": time.Hour, "Bulk": time.Hour}}))
	e.put("hot", "data")
	e.put("cold", "data", func(in *s3.PutObjectInput) { in.StorageClass = "DEEP_ARCHIVE" })
	path := "/" + e.bucket + "/cold?restore"
	doc := func(inner string) []byte {
		return []byte(`<RestoreRequest xmlns="http://s3.amazonaws.com/doc/2006-03-01/">` + inner + `</RestoreRequest>`)
	}
	for _, c := range []struct {
		name   string
		body   []byte
		status int
		code   string
	}{
		{"not XML", []byte("days=1"), 400, "MalformedXML"},
		{"no days", doc(""), 400, "MalformedXML"},
		{"days not a number", doc("<Days>one</Days>"), 400, "MalformedXML"},
		{"negative days", doc("<Days>-1</Days>"), 400, "InvalidArgument"},
		{"unknown tier", doc("<Days>1</Days><GlacierJobParameters><Tier>Fast</Tier></GlacierJobParameters>"), 400, "InvalidArgument"},
		{"select", doc("<Type>SELECT</Type><Tier>Standard</Tier>"), 501, "NotImplemented"},
	} {
		t.Run(c.name, func(t *testing.T) {
			e.signedDo("POST", path, c.body, nil).wantError(t, c.status, c.code)
		})
	}
	if r := e.signedDo("HEAD", "/"+e.bucket+"/cold", nil, nil); r.status != 200 || r.header.Get("X-Amz-Restore") != "" || r.header.Get("X-Amz-Storage-Class") != "DEEP_ARCHIVE" {
		t.Fatalf("refused restores changed the object: %d %v", r.status, r.header)
	}
	ok := doc("<Days>3</Days><GlacierJobParameters><Tier>Bulk</Tier></GlacierJobParameters>")
	if r := e.signedDo("POST", path, ok, nil); r.status != 202 {
		t.Fatalf("restore: %d %s", r.status, r.body)
	}
	e.signedDo("POST", path, ok, nil).wantError(t, 409, "RestoreAlreadyInProgress")
	if r := e.signedDo("HEAD", "/"+e.bucket+"/cold", nil, nil); r.header.Get("X-Amz-Restore") != `ongoing-request="true"` {
		t.Fatalf("x-amz-restore %q", r.header.Get("X-Amz-Restore"))
	}
	e.signedDo("GET", "/"+e.bucket+"/cold", nil, nil).wantError(t, 403, "InvalidObjectState")
	out, err := e.c.ListObjectsV2(e.ctx, &s3.ListObjectsV2Input{Bucket: &e.bucket,
		OptionalObjectAttributes: []types.OptionalObjectAttributes{types.OptionalObjectAttributesRestoreStatus}})
	if err != nil || len(out.Contents) != 2 {
		t.Fatalf("list with RestoreStatus: %v", err)
	}
	for _, o := range out.Contents {
		rs := o.RestoreStatus
		if *o.Key == "cold" && (rs == nil || !aws.ToBool(rs.IsRestoreInProgress)) || *o.Key == "hot" && rs != nil {
			t.Errorf("%s: RestoreStatus %+v", *o.Key, rs)
		}
	}
	vs, err := e.c.ListObjectVersions(e.ctx, &s3.ListObjectVersionsInput{Bucket: &e.bucket,
		OptionalObjectAttributes: []types.OptionalObjectAttributes{types.OptionalObjectAttributesRestoreStatus}})
	if err != nil || len(vs.Versions) != 2 {
		t.Fatalf("versions with RestoreStatus: %v", err)
	}
	for _, v := range vs.Versions {
		if rs := v.RestoreStatus; *v.Key == "cold" && (rs == nil || !aws.ToBool(rs.IsRestoreInProgress)) || *v.Key == "hot" && rs != nil {
			t.Errorf("version %s: RestoreStatus %+v", *v.Key, rs)
		}
	}
	plain := e.signedDo("GET", "/"+e.bucket+"?list-type=2", nil, nil)
	if strings.Contains(string(plain.body), "RestoreStatus") {
		t.Error("RestoreStatus listed without being asked for")
	}
	e.signedDo("GET", "/"+e.bucket+"?list-type=2", nil, map[string]string{"X-Amz-Optional-Object-Attributes": "Bogus"}).wantError(t, 400, "InvalidArgument")
	e.signedDo("POST", "/"+e.bucket+"/hot?restore", doc("<Days>1</Days>"), nil).wantError(t, 403, "InvalidObjectState")
	e.signedDo("POST", "/"+e.bucket+"/missing?restore", doc("<Days>1</Days>"), nil).wantError(t, 404, "NoSuchKey")
}
