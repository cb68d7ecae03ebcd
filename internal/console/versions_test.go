package console_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/hoard-s3/hoard/internal/testserver"
)

type listedVersion struct {
	key, id      string
	latest, mark bool
	size         float64
}

// versionsOf lists one page of /api/versions and decodes its entries.
func versionsOf(t *testing.T, c *client, query string) ([]listedVersion, map[string]any) {
	t.Helper()
	st, out := c.call("GET", "/api/versions?"+query, nil, nil)
	if st != 200 {
		t.Fatalf("versions %s: %d %v", query, st, out)
	}
	var vs []listedVersion
	for _, e := range out["versions"].([]any) {
		m := e.(map[string]any)
		vs = append(vs, listedVersion{key: m["key"].(string), id: m["versionId"].(string), latest: m["latest"].(bool),
			mark: m["deleteMarker"].(bool), size: m["size"].(float64)})
	}
	return vs, out
}

func setting(t *testing.T, c *client, bucket, name string) map[string]any {
	t.Helper()
	st, out := c.call("GET", "/api/settings?bucket="+bucket, nil, nil)
	if st != 200 {
		t.Fatalf("settings: %d %v", st, out)
	}
	v, _ := out[name].(map[string]any)
	if v == nil || v["error"] != nil {
		t.Fatalf("setting %s: %v", name, out[name])
	}
	return v
}

func putSetting(c *client, bucket, name string, value any) (int, map[string]any) {
	return c.call("POST", "/api/settings", map[string]any{"bucket": bucket, "name": name, "value": value}, nil)
}

func getURL(t *testing.T, u string) (int, string) {
	t.Helper()
	res, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// TestVersioningSetting moves a bucket through the states S3 allows and
// no further.
func TestVersioningSetting(t *testing.T) {
	ts := start(t)
	c := newClient(t, ts)
	c.login(testserver.AccessKey, testserver.SecretKey)
	if st, out := c.call("POST", "/api/buckets", map[string]string{"name": "ver"}, nil); st != 200 {
		t.Fatalf("create: %d %v", st, out)
	}
	if v := setting(t, c, "ver", "versioning"); v["supported"] != true || v["value"] != "" {
		t.Fatalf("new bucket's versioning: %v, want supported and unversioned", v)
	}
	for _, bad := range []any{"", "Disabled", "enabled", 1} {
		st, out := putSetting(c, "ver", "versioning", bad)
		if st != 400 || errCode(out) != "InvalidInput" {
			t.Errorf("versioning %v: %d %v, want 400 InvalidInput", bad, st, out)
		}
	}
	if v := setting(t, c, "ver", "versioning"); v["value"] != "" {
		t.Fatalf("a refused change changed the state: %v", v)
	}
	for _, want := range []string{"Enabled", "Suspended", "Enabled"} {
		if st, out := putSetting(c, "ver", "versioning", want); st != 200 {
			t.Fatalf("versioning %s: %d %v", want, st, out)
		}
		if v := setting(t, c, "ver", "versioning"); v["value"] != want {
			t.Fatalf("versioning after %s: %v", want, v)
		}
		got, err := ts.Client().GetBucketVersioning(testserver.Context(t), &s3.GetBucketVersioningInput{Bucket: aws.String("ver")})
		if err != nil || string(got.Status) != want {
			t.Fatalf("S3 API says %v (%v), want %s", got.Status, err, want)
		}
	}
	if st, out := c.call("POST", "/api/settings", map[string]any{"bucket": "ver", "name": "versioning", "remove": true}, nil); st != 400 {
		t.Fatalf("removing versioning: %d %v, want 400", st, out)
	}
}

// TestVersionsAPI lists versions and delete markers, downloads, restores
// and deletes versions through the console, checking each against the
// S3 API.
func TestVersionsAPI(t *testing.T) {
	ts := start(t)
	ctx := testserver.Context(t)
	s3c := ts.Client()
	c := newClient(t, ts)
	c.login(testserver.AccessKey, testserver.SecretKey)
	if st, out := c.call("POST", "/api/buckets", map[string]string{"name": "ver"}, nil); st != 200 {
		t.Fatalf("create: %d %v", st, out)
	}
	if st, out := putSetting(c, "ver", "versioning", "Enabled"); st != 200 {
		t.Fatalf("enable versioning: %d %v", st, out)
	}
	var ids []string
	for _, body := range []string{"first version", "the second"} {
		out, err := s3c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("ver"), Key: aws.String("doc.txt"), Body: strings.NewReader(body)})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, aws.ToString(out.VersionId))
	}
	if _, err := s3c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("ver"), Key: aws.String("dir/x"), Body: strings.NewReader("x")}); err != nil {
		t.Fatal(err)
	}

	vs, out := versionsOf(t, c, "bucket=ver")
	if f := mustJSON(out["folders"]); f != `["dir/"]` {
		t.Errorf("folders %s", f)
	}
	want := []listedVersion{{"doc.txt", ids[1], true, false, 10}, {"doc.txt", ids[0], false, false, 13}}
	if mustJSON(vsStrings(vs)) != mustJSON(vsStrings(want)) {
		t.Fatalf("versions %v, want %v", vs, want)
	}

	// Deleting the object writes a delete marker, now the latest.
	if st, out := c.call("POST", "/api/objects/delete", map[string]any{"bucket": "ver", "keys": []string{"doc.txt"}}, nil); st != 200 || out["markers"] != float64(1) {
		t.Fatalf("delete: %d %v, want one delete marker written", st, out)
	}
	vs, _ = versionsOf(t, c, "bucket=ver")
	if len(vs) != 3 || !vs[0].mark || !vs[0].latest || vs[1].latest || vs[1].id != ids[1] {
		t.Fatalf("after delete: %v", vs)
	}
	marker := vs[0].id

	// Restore refuses keys that are not deleted or do not exist.
	for _, tc := range []struct {
		key, code string
		status    int
	}{{"dir/x", "NotDeleted", 409}, {"absent", "NoSuchKey", 404}, {"doc", "NoSuchKey", 404}, {"", "InvalidInput", 400}} {
		st, out := c.call("POST", "/api/objects/restore", map[string]string{"bucket": "ver", "key": tc.key}, nil)
		if st != tc.status || errCode(out) != tc.code {
			t.Errorf("restore %q: %d %v, want %d %s", tc.key, st, out, tc.status, tc.code)
		}
	}
	st, out := c.call("POST", "/api/objects/restore", map[string]string{"bucket": "ver", "key": "doc.txt"}, nil)
	if st != 200 || out["removedMarker"] != marker {
		t.Fatalf("restore: %d %v, want marker %s removed", st, out, marker)
	}
	got, err := s3c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("ver"), Key: aws.String("doc.txt")})
	if err != nil {
		t.Fatalf("restored object: %v", err)
	}
	b, _ := io.ReadAll(got.Body)
	got.Body.Close()
	if string(b) != "the second" || aws.ToString(got.VersionId) != ids[1] {
		t.Fatalf("restored object reads %q version %s", b, aws.ToString(got.VersionId))
	}

	// A download link and the details of the older version.
	st, out = c.call("POST", "/api/share", map[string]any{"bucket": "ver", "key": "doc.txt", "versionId": ids[0], "download": true}, nil)
	if st != 200 {
		t.Fatalf("share version: %d %v", st, out)
	}
	u, _ := url.Parse(out["url"].(string))
	if u.Query().Get("versionId") != ids[0] {
		t.Errorf("download URL %s does not name the version", u)
	}
	if code, body := getURL(t, u.String()); code != 200 || body != "first version" {
		t.Fatalf("download of the older version: %d %q", code, body)
	}
	st, out = c.call("GET", "/api/object?"+url.Values{"bucket": {"ver"}, "key": {"doc.txt"}, "versionId": {ids[0]}}.Encode(), nil, nil)
	if st != 200 || out["versionId"] != ids[0] || out["size"] != float64(13) {
		t.Fatalf("details of the older version: %d %v", st, out)
	}
	st, out = c.call("GET", "/api/object?"+url.Values{"bucket": {"ver"}, "key": {"doc.txt"}, "versionId": {"0" + ids[0]}}.Encode(), nil, nil)
	if st < 400 || st >= 500 {
		t.Errorf("details of a version that does not exist: %d %v", st, out)
	}

	// Without the session's CSRF token nothing is deleted or restored.
	tok := c.csrf
	c.csrf = ""
	for _, path := range []string{"/api/versions/delete", "/api/objects/restore"} {
		body := map[string]any{"bucket": "ver", "versions": []map[string]string{{"key": "doc.txt", "versionId": ids[0]}}}
		if path == "/api/objects/restore" {
			body = map[string]any{"bucket": "ver", "key": "doc.txt"}
		}
		if st, out := c.call("POST", path, body, nil); st != 403 || errCode(out) != "BadCSRFToken" {
			t.Errorf("%s without the CSRF token: %d %v", path, st, out)
		}
	}
	c.csrf = tok

	// Deleting a version is permanent.
	st, out = c.call("POST", "/api/versions/delete", map[string]any{"bucket": "ver", "versions": []map[string]string{{"key": "doc.txt", "versionId": ids[0]}}}, nil)
	if st != 200 || out["deleted"] != float64(1) || len(out["errors"].([]any)) != 0 {
		t.Fatalf("delete version: %d %v", st, out)
	}
	_, err = s3c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("ver"), Key: aws.String("doc.txt"), VersionId: aws.String(ids[0])})
	if apiCodeOf(err) != "NoSuchVersion" {
		t.Fatalf("deleted version still readable: %v", err)
	}
	vs, _ = versionsOf(t, c, "bucket=ver&prefix=doc")
	if len(vs) != 1 || vs[0].id != ids[1] || !vs[0].latest {
		t.Fatalf("after deleting a version: %v", vs)
	}
}

func vsStrings(vs []listedVersion) []string {
	var out []string
	for _, v := range vs {
		out = append(out, mustJSON([]any{v.key, v.id, v.latest, v.mark, v.size}))
	}
	return out
}

// TestVersionsPaging walks a listing one entry a page: the markers lead
// through every version and delete marker once, in S3's order.
func TestVersionsPaging(t *testing.T) {
	ts := start(t)
	ctx := testserver.Context(t)
	s3c := ts.Client()
	c := newClient(t, ts)
	c.login(testserver.AccessKey, testserver.SecretKey)
	if _, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("pages")}); err != nil {
		t.Fatal(err)
	}
	if st, out := putSetting(c, "pages", "versioning", "Enabled"); st != 200 {
		t.Fatalf("enable versioning: %d %v", st, out)
	}
	for _, k := range []string{"a", "b", "a", "c", "b", "a"} {
		if _, err := s3c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("pages"), Key: aws.String(k), Body: strings.NewReader(k)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s3c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("pages"), Key: aws.String("b")}); err != nil {
		t.Fatal(err)
	}
	all, _ := versionsOf(t, c, "bucket=pages")
	if len(all) != 7 || !all[3].mark || all[3].key != "b" || !all[3].latest {
		t.Fatalf("full listing: %v", all)
	}
	var walked []listedVersion
	q := url.Values{"bucket": {"pages"}, "size": {"1"}}
	for i := 0; i < 20; i++ {
		vs, out := versionsOf(t, c, q.Encode())
		walked = append(walked, vs...)
		if out["truncated"] != true {
			break
		}
		q.Set("keyMarker", out["nextKey"].(string))
		q.Set("versionMarker", out["nextVersion"].(string))
	}
	if mustJSON(vsStrings(walked)) != mustJSON(vsStrings(all)) {
		t.Fatalf("paged walk %v, want %v", walked, all)
	}
	for _, bad := range []string{"versionMarker=x", "keyMarker=a&versionMarker=%01", "prefix=" + strings.Repeat("p", 1025)} {
		if st, out := c.call("GET", "/api/versions?bucket=pages&"+bad, nil, nil); st != 400 || errCode(out) != "InvalidInput" {
			t.Errorf("versions with %s: %d %v, want 400 InvalidInput", bad, st, out)
		}
	}
	for _, body := range []map[string]any{
		{"bucket": "pages", "versions": []map[string]string{}},
		{"bucket": "pages", "versions": []map[string]string{{"key": "a", "versionId": ""}}},
		{"bucket": "pages", "versions": []map[string]string{{"key": "", "versionId": "v"}}},
		{"bucket": "pages", "versions": make([]map[string]string, 1001)},
	} {
		if st, out := c.call("POST", "/api/versions/delete", body, nil); st != 400 || errCode(out) != "InvalidInput" {
			t.Errorf("versions/delete %.80s: %d %v, want 400 InvalidInput", mustJSON(body), st, out)
		}
	}
	if after, _ := versionsOf(t, c, "bucket=pages"); len(after) != 7 {
		t.Fatalf("refused deletes changed the bucket: %v", after)
	}
}

// TestVersionsAuthorization signs in as a user who may read, write and
// delete objects but not versions: every version call of the console is
// refused as the S3 API refuses it, and nothing changes.
func TestVersionsAuthorization(t *testing.T) {
	ts := start(t)
	ctx := testserver.Context(t)
	root := ts.Client()
	if _, err := root.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("shared")}); err != nil {
		t.Fatal(err)
	}
	if _, err := root.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String("shared"),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}}); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, body := range []string{"one", "two"} {
		out, err := root.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("shared"), Key: aws.String("k"), Body: strings.NewReader(body)})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, aws.ToString(out.VersionId))
	}
	ids2 := ts.Server().Identities()
	if _, err := ids2.CreateUser(ctx, "olive", ""); err != nil {
		t.Fatal(err)
	}
	pol := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:ListBucket","s3:GetObject","s3:PutObject","s3:DeleteObject","s3:GetBucketVersioning"],"Resource":["arn:aws:s3:::shared","arn:aws:s3:::shared/*"]}]}`
	if err := ids2.PutUserPolicy(ctx, "olive", "no-versions", pol); err != nil {
		t.Fatal(err)
	}
	key, err := ids2.CreateAccessKey(ctx, "olive")
	if err != nil {
		t.Fatal(err)
	}
	direct := s3.New(s3.Options{Region: testserver.Region, BaseEndpoint: aws.String(ts.URL), UsePathStyle: true,
		Credentials: credentials.NewStaticCredentialsProvider(key.AccessKeyID, key.SecretAccessKey, "")})
	c := newClient(t, ts)
	c.login(key.AccessKeyID, key.SecretAccessKey)

	_, derr := direct.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: aws.String("shared")})
	st, out := c.call("GET", "/api/versions?bucket=shared", nil, nil)
	if derr == nil || st != 403 || errCode(out) != apiCodeOf(derr) {
		t.Errorf("list versions: console %d %v, S3 API %v", st, out, derr)
	}
	if st, out := c.call("POST", "/api/objects/restore", map[string]string{"bucket": "shared", "key": "k"}, nil); st != 403 {
		t.Errorf("restore: %d %v, want 403", st, out)
	}
	st, out = c.call("POST", "/api/versions/delete", map[string]any{"bucket": "shared", "versions": []map[string]string{{"key": "k", "versionId": ids[0]}}}, nil)
	if errs, _ := out["errors"].([]any); st != 200 || len(errs) != 1 || !strings.Contains(mustJSON(errs), "AccessDenied") {
		t.Errorf("delete a version: %d %v, want one AccessDenied", st, out)
	}
	st, out = c.call("POST", "/api/share", map[string]any{"bucket": "shared", "key": "k", "versionId": ids[0], "download": true}, nil)
	if st != 200 {
		t.Fatalf("share: %d %v", st, out)
	}
	if code, _ := getURL(t, out["url"].(string)); code != 403 {
		t.Errorf("a version link signed by a user without s3:GetObjectVersion: %d, want 403", code)
	}
	if st, out := c.call("GET", "/api/object?bucket=shared&key=k&versionId="+url.QueryEscape(ids[0]), nil, nil); st != 403 {
		t.Errorf("details of a version: %d %v, want 403", st, out)
	}
	if _, err := root.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("shared"), Key: aws.String("k"), VersionId: aws.String(ids[0])}); err != nil {
		t.Fatalf("the older version is gone: %v", err)
	}
	// What the user may do still works: the current object reads back.
	st, out = c.call("POST", "/api/share", map[string]any{"bucket": "shared", "key": "k", "download": true}, nil)
	if code, body := getURL(t, out["url"].(string)); st != 200 || code != 200 || body != "two" {
		t.Errorf("current object: %d, %d %q", st, code, body)
	}
}

// TestVersionsLocked shows a version's retention in its details, and
// relays the S3 refusal when the page tries to delete a locked version.
func TestVersionsLocked(t *testing.T) {
	ts := start(t)
	ctx := testserver.Context(t)
	c := newClient(t, ts)
	c.login(testserver.AccessKey, testserver.SecretKey)
	if st, out := c.call("POST", "/api/buckets", map[string]any{"name": "worm", "objectLock": true}, nil); st != 200 {
		t.Fatalf("create with object lock: %d %v", st, out)
	}
	if v := setting(t, c, "worm", "versioning"); v["value"] != "Enabled" {
		t.Fatalf("versioning of a locked bucket: %v", v)
	}
	if st, out := putSetting(c, "worm", "objectLock", map[string]any{"enabled": true, "mode": "GOVERNANCE", "days": 1}); st != 200 {
		t.Fatalf("default retention: %d %v", st, out)
	}
	put, err := ts.Client().PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("worm"), Key: aws.String("kept"), Body: strings.NewReader("kept")})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(put.VersionId)
	st, out := c.call("GET", "/api/object?"+url.Values{"bucket": {"worm"}, "key": {"kept"}, "versionId": {id}}.Encode(), nil, nil)
	if st != 200 || out["lockMode"] != "GOVERNANCE" || out["retainUntil"] == nil {
		t.Fatalf("details of a retained version: %d %v", st, out)
	}
	st, out = c.call("POST", "/api/versions/delete", map[string]any{"bucket": "worm", "versions": []map[string]string{{"key": "kept", "versionId": id}}}, nil)
	if errs, _ := out["errors"].([]any); st != 200 || len(errs) != 1 || !strings.Contains(mustJSON(errs), "AccessDenied") {
		t.Fatalf("delete a retained version: %d %v, want its AccessDenied", st, out)
	}
	if vs, _ := versionsOf(t, c, "bucket=worm"); len(vs) != 1 || vs[0].id != id {
		t.Fatalf("after the refused delete: %v", vs)
	}
	st, out = putSetting(c, "worm", "versioning", "Suspended")
	if st != 409 || errCode(out) != "InvalidBucketState" {
		t.Fatalf("suspend a locked bucket: %d %v", st, out)
	}
	// A user without s3:BypassGovernanceRetention asks in vain.
	ids := ts.Server().Identities()
	if _, err := ids.CreateUser(ctx, "gus", ""); err != nil {
		t.Fatal(err)
	}
	pol := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:ListBucket","s3:ListBucketVersions","s3:DeleteObject","s3:DeleteObjectVersion"],"Resource":["arn:aws:s3:::worm","arn:aws:s3:::worm/*"]}]}`
	if err := ids.PutUserPolicy(ctx, "gus", "no-bypass", pol); err != nil {
		t.Fatal(err)
	}
	key, err := ids.CreateAccessKey(ctx, "gus")
	if err != nil {
		t.Fatal(err)
	}
	gus := newClient(t, ts)
	gus.login(key.AccessKeyID, key.SecretAccessKey)
	st, out = gus.call("POST", "/api/versions/delete", map[string]any{"bucket": "worm", "bypassGovernance": true,
		"versions": []map[string]string{{"key": "kept", "versionId": id}}}, nil)
	if errs, _ := out["errors"].([]any); st != 200 || len(errs) != 1 || !strings.Contains(mustJSON(errs), "AccessDenied") {
		t.Fatalf("bypass without the permission: %d %v, want AccessDenied", st, out)
	}

	// GOVERNANCE gives way to a user allowed to bypass it who asks to.
	st, out = c.call("POST", "/api/versions/delete", map[string]any{"bucket": "worm", "bypassGovernance": true,
		"versions": []map[string]string{{"key": "kept", "versionId": id}}}, nil)
	if errs, _ := out["errors"].([]any); st != 200 || len(errs) != 0 {
		t.Fatalf("delete with governance bypass: %d %v", st, out)
	}
	if vs, _ := versionsOf(t, c, "bucket=worm"); len(vs) != 0 {
		t.Fatalf("after the bypassing delete: %v", vs)
	}
}
