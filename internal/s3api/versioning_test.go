package s3api_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

func (e *env) setVersioning(status types.BucketVersioningStatus) {
	e.t.Helper()
	_, err := e.c.PutBucketVersioning(e.ctx, &s3.PutBucketVersioningInput{Bucket: aws.String(e.bucket),
		VersioningConfiguration: &types.VersioningConfiguration{Status: status}})
	if err != nil {
		e.t.Fatalf("versioning %s: %v", status, err)
	}
}

func (e *env) versions(prefix string) *s3.ListObjectVersionsOutput {
	e.t.Helper()
	out, err := e.c.ListObjectVersions(e.ctx, &s3.ListObjectVersionsInput{Bucket: aws.String(e.bucket), Prefix: aws.String(prefix)})
	if err != nil {
		e.t.Fatalf("list versions: %v", err)
	}
	return out
}

func TestBucketVersioningConfig(t *testing.T) {
	e := newEnv(t)
	status := func() types.BucketVersioningStatus {
		out, err := e.c.GetBucketVersioning(e.ctx, &s3.GetBucketVersioningInput{Bucket: aws.String(e.bucket)})
		wantNoErr(t, err)
		return out.Status
	}
	if s := status(); s != "" {
		t.Fatalf("new bucket %q", s)
	}
	e.setVersioning(types.BucketVersioningStatusEnabled)
	if s := status(); s != types.BucketVersioningStatusEnabled {
		t.Fatalf("enabled: %q", s)
	}
	e.setVersioning(types.BucketVersioningStatusSuspended)
	if s := status(); s != types.BucketVersioningStatusSuspended {
		t.Fatalf("suspended: %q", s)
	}
	for _, body := range []string{
		`<VersioningConfiguration><Status>Disabled</Status></VersioningConfiguration>`,
		`<VersioningConfiguration></VersioningConfiguration>`,
		`<VersioningConfiguration><Status>Enabled</Status><MfaDelete>Maybe</MfaDelete></VersioningConfiguration>`,
		`<Versioning`,
	} {
		e.signedDo("PUT", "/"+e.bucket+"?versioning", []byte(body), nil).wantError(t, 400, "MalformedXML")
	}
	e.signedDo("PUT", "/"+e.bucket+"?versioning",
		[]byte(`<VersioningConfiguration><Status>Enabled</Status><MfaDelete>Enabled</MfaDelete></VersioningConfiguration>`), nil).
		wantError(t, 501, "NotImplemented")
	if s := status(); s != types.BucketVersioningStatusSuspended {
		t.Fatalf("a refused change changed the state: %q", s)
	}
	_, err := e.c.GetBucketVersioning(e.ctx, &s3.GetBucketVersioningInput{Bucket: aws.String("no-such-bucket")})
	wantCode(t, err, "NoSuchBucket")
}

func TestVersionedReadsAndDeletes(t *testing.T) {
	e := newEnv(t)
	e.put("k", "null one")
	e.setVersioning(types.BucketVersioningStatusEnabled)
	v1 := aws.ToString(e.put("k", "first").VersionId)
	v2 := aws.ToString(e.put("k", "second").VersionId)
	if v1 == "" || v2 == "" || v1 == v2 {
		t.Fatalf("version ids %q %q", v1, v2)
	}
	for vid, want := range map[string]string{v1: "first", v2: "second", "null": "null one"} {
		out, body, err := e.get("k", func(in *s3.GetObjectInput) { in.VersionId = aws.String(vid) })
		wantNoErr(t, err)
		if body != want || (vid != "null" && aws.ToString(out.VersionId) != vid) {
			t.Fatalf("version %s: %q, header %q", vid, body, aws.ToString(out.VersionId))
		}
		h, err := e.c.HeadObject(e.ctx, &s3.HeadObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("k"), VersionId: aws.String(vid)})
		wantNoErr(t, err)
		if aws.ToInt64(h.ContentLength) != int64(len(want)) {
			t.Fatalf("head %s: %d bytes", vid, aws.ToInt64(h.ContentLength))
		}
	}
	// A well-formed id of another key, and a malformed one.
	other := aws.ToString(e.put("other", "x").VersionId)
	_, _, err := e.get("k", func(in *s3.GetObjectInput) { in.VersionId = aws.String(other) })
	wantCode(t, err, "NoSuchVersion")
	_, _, err = e.get("k", func(in *s3.GetObjectInput) { in.VersionId = aws.String("not-a-version") })
	wantCode(t, err, "InvalidArgument")

	// DELETE writes a delete marker.
	del, err := e.c.DeleteObject(e.ctx, &s3.DeleteObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("k")})
	wantNoErr(t, err)
	marker := aws.ToString(del.VersionId)
	if !aws.ToBool(del.DeleteMarker) || marker == "" {
		t.Fatalf("delete: marker %v version %q", del.DeleteMarker, marker)
	}
	r := e.signedDo("GET", "/"+e.bucket+"/k", nil, nil)
	r.wantError(t, 404, "NoSuchKey")
	if r.header.Get("X-Amz-Delete-Marker") != "true" || r.header.Get("X-Amz-Version-Id") != marker {
		t.Fatalf("GET of a deleted key: headers %v", r.header)
	}
	r = e.signedDo("HEAD", "/"+e.bucket+"/k", nil, nil)
	if r.status != 404 || r.header.Get("X-Amz-Delete-Marker") != "true" {
		t.Fatalf("HEAD of a deleted key: %d %v", r.status, r.header)
	}
	r = e.signedDo("GET", "/"+e.bucket+"/k?versionId="+marker, nil, nil)
	r.wantError(t, 405, "MethodNotAllowed")
	if r.header.Get("X-Amz-Delete-Marker") != "true" || r.header.Get("Last-Modified") == "" {
		t.Fatalf("GET of a marker: headers %v", r.header)
	}
	r = e.signedDo("HEAD", "/"+e.bucket+"/k?versionId="+marker, nil, nil)
	if r.status != 405 || r.header.Get("X-Amz-Delete-Marker") != "true" {
		t.Fatalf("HEAD of a marker: %d %v", r.status, r.header)
	}
	list, err := e.c.ListObjectsV2(e.ctx, &s3.ListObjectsV2Input{Bucket: aws.String(e.bucket)})
	wantNoErr(t, err)
	if len(list.Contents) != 1 || aws.ToString(list.Contents[0].Key) != "other" {
		t.Fatalf("listing %+v", list.Contents)
	}
	_, err = e.c.DeleteBucket(e.ctx, &s3.DeleteBucketInput{Bucket: aws.String(e.bucket)})
	wantCode(t, err, "BucketNotEmpty")

	// Deleting the marker restores; deleting a version removes it.
	del, err = e.c.DeleteObject(e.ctx, &s3.DeleteObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("k"), VersionId: aws.String(marker)})
	wantNoErr(t, err)
	if !aws.ToBool(del.DeleteMarker) || aws.ToString(del.VersionId) != marker {
		t.Fatalf("delete of the marker: %v %q", del.DeleteMarker, aws.ToString(del.VersionId))
	}
	if got := e.mustGet("k"); got != "second" {
		t.Fatalf("restored %q", got)
	}
	del, err = e.c.DeleteObject(e.ctx, &s3.DeleteObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("k"), VersionId: aws.String(v2)})
	wantNoErr(t, err)
	if aws.ToBool(del.DeleteMarker) || aws.ToString(del.VersionId) != v2 {
		t.Fatalf("delete of a version: %v %q", del.DeleteMarker, aws.ToString(del.VersionId))
	}
	if got := e.mustGet("k"); got != "first" {
		t.Fatalf("after removing the latest %q", got)
	}
	_, err = e.c.DeleteObject(e.ctx, &s3.DeleteObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("k"), VersionId: aws.String("bad")})
	wantCode(t, err, "InvalidArgument")
}

func TestUnversionedBucketVersionIDs(t *testing.T) {
	e := newEnv(t)
	out := e.put("k", "x")
	if out.VersionId != nil {
		t.Fatalf("unversioned PUT answered version %q", aws.ToString(out.VersionId))
	}
	other := newEnv(t)
	other.setVersioning(types.BucketVersioningStatusEnabled)
	foreign := aws.ToString(other.put("k", "y").VersionId)
	// S3 answers InvalidArgument for a version id in a never-versioned bucket.
	_, _, err := e.get("k", func(in *s3.GetObjectInput) { in.VersionId = aws.String(foreign) })
	wantCode(t, err, "InvalidArgument")
	_, _, err = e.get("k", func(in *s3.GetObjectInput) { in.VersionId = aws.String("null") })
	wantNoErr(t, err)
	lv := e.versions("")
	if len(lv.Versions) != 1 || aws.ToString(lv.Versions[0].VersionId) != "null" || !aws.ToBool(lv.Versions[0].IsLatest) {
		t.Fatalf("versions of an unversioned bucket %+v", lv.Versions)
	}
}

func TestListObjectVersionsSDK(t *testing.T) {
	e := newEnv(t)
	e.setVersioning(types.BucketVersioningStatusEnabled)
	var ids []string
	for _, k := range []string{"a/1", "a/1", "b", "b", "c d"} {
		ids = append(ids, aws.ToString(e.put(k, "data-"+k).VersionId))
	}
	_, err := e.c.DeleteObject(e.ctx, &s3.DeleteObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("b")})
	wantNoErr(t, err)
	out := e.versions("")
	if len(out.Versions) != 5 || len(out.DeleteMarkers) != 1 {
		t.Fatalf("%d versions, %d markers", len(out.Versions), len(out.DeleteMarkers))
	}
	if aws.ToString(out.Versions[0].VersionId) != ids[1] || !aws.ToBool(out.Versions[0].IsLatest) ||
		aws.ToString(out.Versions[1].VersionId) != ids[0] || aws.ToBool(out.Versions[1].IsLatest) {
		t.Fatalf("a/1 versions %+v", out.Versions[:2])
	}
	if dm := out.DeleteMarkers[0]; aws.ToString(dm.Key) != "b" || !aws.ToBool(dm.IsLatest) || dm.Owner == nil {
		t.Fatalf("marker %+v", dm)
	}
	for _, v := range out.Versions {
		if aws.ToString(v.Key) == "b" && aws.ToBool(v.IsLatest) {
			t.Fatal("a version of b is latest under its delete marker")
		}
		if aws.ToString(v.ETag) == "" || v.StorageClass != types.ObjectVersionStorageClassStandard {
			t.Fatalf("version %+v", v)
		}
	}
	// Delimiter, and pages of one entry walked with both markers.
	d, err := e.c.ListObjectVersions(e.ctx, &s3.ListObjectVersionsInput{Bucket: aws.String(e.bucket), Delimiter: aws.String("/")})
	wantNoErr(t, err)
	if len(d.CommonPrefixes) != 1 || aws.ToString(d.CommonPrefixes[0].Prefix) != "a/" || len(d.Versions) != 3 {
		t.Fatalf("delimiter: %+v %d", d.CommonPrefixes, len(d.Versions))
	}
	n := 0
	p := s3.NewListObjectVersionsPaginator(e.c, &s3.ListObjectVersionsInput{Bucket: aws.String(e.bucket), MaxKeys: aws.Int32(1)})
	for p.HasMorePages() {
		page, err := p.NextPage(e.ctx)
		wantNoErr(t, err)
		n += len(page.Versions) + len(page.DeleteMarkers)
		if aws.ToBool(page.IsTruncated) && aws.ToString(page.NextKeyMarker) == "" {
			t.Fatal("truncated page without NextKeyMarker")
		}
	}
	if n != 6 {
		t.Fatalf("paged %d entries, want 6", n)
	}
	r := e.signedDo("GET", "/"+e.bucket+"?versions&encoding-type=url&prefix=c%20", nil, nil)
	if r.status != 200 || !strings.Contains(string(r.body), "<Key>c+d</Key>") || !strings.Contains(string(r.body), "<EncodingType>url</EncodingType>") {
		t.Fatalf("encoded listing %d %s", r.status, r.body)
	}
	e.signedDo("GET", "/"+e.bucket+"?versions&version-id-marker=null", nil, nil).wantError(t, 400, "InvalidArgument")
	e.signedDo("GET", "/"+e.bucket+"?versions&key-marker=b&version-id-marker=junk", nil, nil).wantError(t, 400, "InvalidArgument")
	e.signedDo("GET", "/"+e.bucket+"?versions&max-keys=-1", nil, nil).wantError(t, 400, "InvalidArgument")
	e.signedDo("GET", "/no-such-bucket?versions", nil, nil).wantError(t, 404, "NoSuchBucket")
}

func TestDeleteObjectsVersioned(t *testing.T) {
	e := newEnv(t)
	e.setVersioning(types.BucketVersioningStatusEnabled)
	v1 := aws.ToString(e.put("k", "1").VersionId)
	e.put("k", "2")
	e.put("j", "j")
	out, err := e.c.DeleteObjects(e.ctx, &s3.DeleteObjectsInput{Bucket: aws.String(e.bucket), Delete: &types.Delete{Objects: []types.ObjectIdentifier{
		{Key: aws.String("k"), VersionId: aws.String(v1)},
		{Key: aws.String("j")},
		{Key: aws.String("k"), VersionId: aws.String("junk")},
	}}})
	wantNoErr(t, err)
	if len(out.Deleted) != 2 || len(out.Errors) != 1 || aws.ToString(out.Errors[0].Code) != "InvalidArgument" {
		t.Fatalf("deleted %+v errors %+v", out.Deleted, out.Errors)
	}
	var marker string
	for _, d := range out.Deleted {
		switch aws.ToString(d.Key) {
		case "k":
			if aws.ToString(d.VersionId) != v1 || aws.ToBool(d.DeleteMarker) {
				t.Fatalf("version delete %+v", d)
			}
		case "j":
			marker = aws.ToString(d.DeleteMarkerVersionId)
			if !aws.ToBool(d.DeleteMarker) || marker == "" || d.VersionId != nil {
				t.Fatalf("marker delete %+v", d)
			}
		}
	}
	out, err = e.c.DeleteObjects(e.ctx, &s3.DeleteObjectsInput{Bucket: aws.String(e.bucket), Delete: &types.Delete{Objects: []types.ObjectIdentifier{
		{Key: aws.String("j"), VersionId: aws.String(marker)},
	}}})
	wantNoErr(t, err)
	if d := out.Deleted[0]; !aws.ToBool(d.DeleteMarker) || aws.ToString(d.VersionId) != marker || aws.ToString(d.DeleteMarkerVersionId) != marker {
		t.Fatalf("delete of a marker %+v", d)
	}
	if e.mustGet("j") != "j" {
		t.Fatal("j not restored")
	}
}

func TestVersionIDOnSubresources(t *testing.T) {
	e := newEnv(t)
	e.setVersioning(types.BucketVersioningStatusEnabled)
	v1 := aws.ToString(e.put("k", "version one", func(in *s3.PutObjectInput) { in.Tagging = aws.String("v=1") }).VersionId)
	v2 := aws.ToString(e.put("k", "version two!", func(in *s3.PutObjectInput) { in.Tagging = aws.String("v=2") }).VersionId)

	tags, err := e.c.GetObjectTagging(e.ctx, &s3.GetObjectTaggingInput{Bucket: aws.String(e.bucket), Key: aws.String("k"), VersionId: aws.String(v1)})
	wantNoErr(t, err)
	if len(tags.TagSet) != 1 || aws.ToString(tags.TagSet[0].Value) != "1" || aws.ToString(tags.VersionId) != v1 {
		t.Fatalf("tags of v1 %+v %q", tags.TagSet, aws.ToString(tags.VersionId))
	}
	_, err = e.c.PutObjectTagging(e.ctx, &s3.PutObjectTaggingInput{Bucket: aws.String(e.bucket), Key: aws.String("k"), VersionId: aws.String(v1),
		Tagging: &types.Tagging{TagSet: []types.Tag{{Key: aws.String("v"), Value: aws.String("one")}}}})
	wantNoErr(t, err)
	tags, err = e.c.GetObjectTagging(e.ctx, &s3.GetObjectTaggingInput{Bucket: aws.String(e.bucket), Key: aws.String("k")})
	wantNoErr(t, err)
	if aws.ToString(tags.TagSet[0].Value) != "2" {
		t.Fatalf("tagging v1 changed the latest: %+v", tags.TagSet)
	}
	_, err = e.c.DeleteObjectTagging(e.ctx, &s3.DeleteObjectTaggingInput{Bucket: aws.String(e.bucket), Key: aws.String("k"), VersionId: aws.String(v1)})
	wantNoErr(t, err)

	attrs, err := e.c.GetObjectAttributes(e.ctx, &s3.GetObjectAttributesInput{Bucket: aws.String(e.bucket), Key: aws.String("k"), VersionId: aws.String(v1),
		ObjectAttributes: []types.ObjectAttributes{types.ObjectAttributesObjectSize, types.ObjectAttributesEtag}})
	wantNoErr(t, err)
	if aws.ToInt64(attrs.ObjectSize) != int64(len("version one")) || aws.ToString(attrs.VersionId) != v1 {
		t.Fatalf("attributes of v1: %d %q", aws.ToInt64(attrs.ObjectSize), aws.ToString(attrs.VersionId))
	}

	// partNumber reads of an old version.
	out, body, err := e.get("k", func(in *s3.GetObjectInput) { in.VersionId, in.PartNumber = aws.String(v1), aws.Int32(1) })
	wantNoErr(t, err)
	if body != "version one" || aws.ToString(out.VersionId) != v1 {
		t.Fatalf("part 1 of v1 %q", body)
	}

	// CopyObject from an old version names it in the answer.
	cp, err := e.c.CopyObject(e.ctx, &s3.CopyObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("copy"),
		CopySource: aws.String(e.bucket + "/k?versionId=" + v1)})
	wantNoErr(t, err)
	if aws.ToString(cp.CopySourceVersionId) != v1 || aws.ToString(cp.VersionId) == "" {
		t.Fatalf("copy answered source %q version %q", aws.ToString(cp.CopySourceVersionId), aws.ToString(cp.VersionId))
	}
	if e.mustGet("copy") != "version one" {
		t.Fatal("copy of v1 has other bytes")
	}
	cp, err = e.c.CopyObject(e.ctx, &s3.CopyObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("copy2"), CopySource: aws.String(e.bucket + "/k")})
	wantNoErr(t, err)
	if aws.ToString(cp.CopySourceVersionId) != v2 {
		t.Fatalf("copy of the latest answered source %q", aws.ToString(cp.CopySourceVersionId))
	}
	// Copying an old version onto its own key restores it as the latest.
	_, err = e.c.CopyObject(e.ctx, &s3.CopyObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("k"),
		CopySource: aws.String(e.bucket + "/k?versionId=" + v1)})
	wantNoErr(t, err)
	if e.mustGet("k") != "version one" || len(e.versions("k").Versions) != 3 {
		t.Fatal("restore by copy")
	}
	_, err = e.c.CopyObject(e.ctx, &s3.CopyObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("x"),
		CopySource: aws.String(e.bucket + "/k?versionId=" + aws.ToString(e.put("gone", "g").VersionId))})
	wantCode(t, err, "NoSuchVersion")

	// Object ACLs answer per version.
	acl, err := e.c.GetObjectAcl(e.ctx, &s3.GetObjectAclInput{Bucket: aws.String(e.bucket), Key: aws.String("k"), VersionId: aws.String(v1)})
	wantNoErr(t, err)
	if acl.Owner == nil {
		t.Fatal("ACL without owner")
	}
	_, err = e.c.GetObjectAcl(e.ctx, &s3.GetObjectAclInput{Bucket: aws.String(e.bucket), Key: aws.String("k"), VersionId: aws.String(aws.ToString(e.put("z", "z").VersionId))})
	wantCode(t, err, "NoSuchVersion")
}

func TestSSECVersionRead(t *testing.T) {
	e := newEnv(t)
	e.setVersioning(types.BucketVersioningStatusEnabled)
	k := newSSECKey(3)
	v1 := aws.ToString(e.put("c", "secret one", func(in *s3.PutObjectInput) {
		in.SSECustomerAlgorithm, in.SSECustomerKey, in.SSECustomerKeyMD5 = aws.String("AES256"), aws.String(k.key), aws.String(k.md5)
	}).VersionId)
	e.put("c", "plain two")
	_, body, err := e.get("c", func(in *s3.GetObjectInput) {
		in.VersionId = aws.String(v1)
		in.SSECustomerAlgorithm, in.SSECustomerKey, in.SSECustomerKeyMD5 = aws.String("AES256"), aws.String(k.key), aws.String(k.md5)
	})
	wantNoErr(t, err)
	if body != "secret one" {
		t.Fatalf("SSE-C version read %q", body)
	}
	_, _, err = e.get("c", func(in *s3.GetObjectInput) { in.VersionId = aws.String(v1) })
	if httpStatus(err) != 400 {
		t.Fatalf("SSE-C version without key: %v", err)
	}
}

func TestConditionalDeleteSDK(t *testing.T) {
	e := newEnv(t)
	e.setVersioning(types.BucketVersioningStatusEnabled)
	put := e.put("k", "abc")
	head, err := e.c.HeadObject(e.ctx, &s3.HeadObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("k")})
	wantNoErr(t, err)
	del := func(mod func(*s3.DeleteObjectInput)) (*s3.DeleteObjectOutput, error) {
		in := &s3.DeleteObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("k")}
		mod(in)
		return e.c.DeleteObject(e.ctx, in)
	}
	for _, mod := range []func(*s3.DeleteObjectInput){
		func(in *s3.DeleteObjectInput) { in.IfMatch = aws.String(`"0123"`) },
		func(in *s3.DeleteObjectInput) { in.IfMatchSize = aws.Int64(9) },
		func(in *s3.DeleteObjectInput) {
			in.IfMatchLastModifiedTime = aws.Time(time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC))
		},
		func(in *s3.DeleteObjectInput) { in.VersionId, in.IfMatch = put.VersionId, aws.String(`"0123"`) },
	} {
		_, err := del(mod)
		wantCode(t, err, "PreconditionFailed")
		if httpStatus(err) != 412 {
			t.Fatalf("status %d", httpStatus(err))
		}
	}
	out, err := del(func(in *s3.DeleteObjectInput) {
		in.IfMatch, in.IfMatchSize, in.IfMatchLastModifiedTime = put.ETag, aws.Int64(3), head.LastModified
	})
	wantNoErr(t, err)
	if !aws.ToBool(out.DeleteMarker) {
		t.Fatal("conditional delete wrote no marker")
	}
	e.signedDo("DELETE", "/"+e.bucket+"/k", nil, map[string]string{"X-Amz-If-Match-Size": "x"}).wantError(t, 400, "InvalidArgument")
	// DeleteObjects entries carry the same conditions.
	e.put("j", "j")
	res, err := e.c.DeleteObjects(e.ctx, &s3.DeleteObjectsInput{Bucket: aws.String(e.bucket), Delete: &types.Delete{Objects: []types.ObjectIdentifier{
		{Key: aws.String("j"), ETag: aws.String(`"bad"`)},
		{Key: aws.String("j"), Size: aws.Int64(5)},
		{Key: aws.String("j"), LastModifiedTime: aws.Time(time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC))},
	}}})
	wantNoErr(t, err)
	if len(res.Errors) != 3 || aws.ToString(res.Errors[0].Code) != "PreconditionFailed" || len(res.Deleted) != 0 {
		t.Fatalf("batch %+v %+v", res.Deleted, res.Errors)
	}
	if e.mustGet("j") != "j" {
		t.Fatal("failed conditions deleted j")
	}
}

// Two writers race to create a key whose latest version is a delete
// marker with If-None-Match: *. Each round exactly one wins (the other
// gets 412, or 409 when the engine reports the conflict), and the winner's
// bytes are the latest version.
func TestIfNoneMatchRaceOverDeleteMarker(t *testing.T) {
	e := newEnv(t)
	e.setVersioning(types.BucketVersioningStatusEnabled)
	e.put("k", "seed")
	for round := range 20 {
		_, err := e.c.DeleteObject(e.ctx, &s3.DeleteObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("k")})
		wantNoErr(t, err)
		var wg sync.WaitGroup
		start := make(chan struct{})
		bodies := [2]string{fmt.Sprintf("round %d writer a", round), fmt.Sprintf("round %d writer b", round)}
		var errs [2]error
		var vids [2]string
		for i := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				out, err := e.c.PutObject(e.ctx, &s3.PutObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("k"),
					Body: strings.NewReader(bodies[i]), IfNoneMatch: aws.String("*")})
				errs[i] = err
				if err == nil {
					vids[i] = aws.ToString(out.VersionId)
				}
			}()
		}
		close(start)
		wg.Wait()
		winners := 0
		winner := -1
		for i, err := range errs {
			switch {
			case err == nil:
				winners++
				winner = i
			case apiCode(err) != "PreconditionFailed" && apiCode(err) != "ConditionalRequestConflict":
				t.Fatalf("round %d: loser got %v", round, err)
			}
		}
		if winners != 1 {
			t.Fatalf("round %d: %d writers succeeded", round, winners)
		}
		out, body, err := e.get("k")
		wantNoErr(t, err)
		if body != bodies[winner] || aws.ToString(out.VersionId) != vids[winner] {
			t.Fatalf("round %d: latest %q (%s), winner wrote %q (%s)", round, body, aws.ToString(out.VersionId), bodies[winner], vids[winner])
		}
	}
	lv := e.versions("k")
	if len(lv.Versions) != 21 || len(lv.DeleteMarkers) != 20 {
		t.Fatalf("%d versions, %d markers", len(lv.Versions), len(lv.DeleteMarkers))
	}
}

// With ACLs enabled, an ACL belongs to one version: a public-read grant on
// an old version opens that version only, and anonymous reads of it by id
// follow it.
func TestVersionACLs(t *testing.T) {
	e := newEnv(t)
	b := "acl-" + e.bucket
	_, err := e.c.CreateBucket(e.ctx, &s3.CreateBucketInput{Bucket: aws.String(b), ObjectOwnership: types.ObjectOwnershipObjectWriter})
	wantNoErr(t, err)
	e.bucket = b
	e.putPAB(types.PublicAccessBlockConfiguration{})
	e.setVersioning(types.BucketVersioningStatusEnabled)
	v1 := aws.ToString(e.put("k", "one").VersionId)
	v2 := aws.ToString(e.put("k", "two").VersionId)
	_, err = e.c.PutObjectAcl(e.ctx, &s3.PutObjectAclInput{Bucket: aws.String(b), Key: aws.String("k"), VersionId: aws.String(v1), ACL: types.ObjectCannedACLPublicRead})
	wantNoErr(t, err)
	grants := func(vid string) int {
		acl, err := e.c.GetObjectAcl(e.ctx, &s3.GetObjectAclInput{Bucket: aws.String(b), Key: aws.String("k"), VersionId: aws.String(vid)})
		wantNoErr(t, err)
		return len(acl.Grants)
	}
	if g1, g2 := grants(v1), grants(v2); g1 != 2 || g2 != 1 {
		t.Fatalf("grants: v1 %d, v2 %d", g1, g2)
	}
	if s := e.do(e.newRaw("GET", "/"+b+"/k?versionId="+v1, nil)).status; s != 200 {
		t.Fatalf("anonymous GET of the public version: %d", s)
	}
	if s := e.anonGet(b, "k"); s != 403 {
		t.Fatalf("anonymous GET of the private latest: %d", s)
	}
}

// CompleteMultipartUpload makes a new version like a PUT, and an older
// version stays readable by id.
func TestMultipartVersion(t *testing.T) {
	e := newEnv(t)
	e.setVersioning(types.BucketVersioningStatusEnabled)
	v1 := aws.ToString(e.put("mp", "small first").VersionId)
	up, err := e.c.CreateMultipartUpload(e.ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String(e.bucket), Key: aws.String("mp")})
	wantNoErr(t, err)
	part, err := e.c.UploadPart(e.ctx, &s3.UploadPartInput{Bucket: aws.String(e.bucket), Key: aws.String("mp"), UploadId: up.UploadId,
		PartNumber: aws.Int32(1), Body: strings.NewReader("multipart second")})
	wantNoErr(t, err)
	done, err := e.c.CompleteMultipartUpload(e.ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String(e.bucket), Key: aws.String("mp"), UploadId: up.UploadId,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: []types.CompletedPart{{PartNumber: aws.Int32(1), ETag: part.ETag, ChecksumCRC64NVME: part.ChecksumCRC64NVME}}}})
	wantNoErr(t, err)
	v2 := aws.ToString(done.VersionId)
	if v2 == "" || v2 == v1 {
		t.Fatalf("complete answered version %q", v2)
	}
	if e.mustGet("mp") != "multipart second" {
		t.Fatal("latest is not the completed upload")
	}
	_, body, err := e.get("mp", func(in *s3.GetObjectInput) { in.VersionId = aws.String(v1) })
	wantNoErr(t, err)
	if body != "small first" {
		t.Fatalf("v1 reads %q", body)
	}
	if lv := e.versions("mp"); len(lv.Versions) != 2 || aws.ToString(lv.Versions[0].VersionId) != v2 {
		t.Fatalf("versions %+v", lv.Versions)
	}
}
