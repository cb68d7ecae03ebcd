package console_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/hoard-s3/hoard/internal/testserver"
)

// client is a browser stand-in: a cookie jar and the session's CSRF token.
type client struct {
	t    *testing.T
	base string
	hc   *http.Client
	csrf string
}

func newClient(t *testing.T, ts *testserver.Server) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: t, base: ts.ConsoleURL, hc: &http.Client{Jar: jar}}
}

// call sends a request and returns status and decoded JSON body.
func (c *client) call(method, path string, body any, hdr map[string]string) (int, map[string]any) {
	c.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		raw, _ := json.Marshal(b)
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.csrf != "" {
		req.Header.Set("X-Hoard-Csrf", c.csrf)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	res, err := c.hc.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	out := map[string]any{}
	_ = json.NewDecoder(res.Body).Decode(&out)
	return res.StatusCode, out
}

func (c *client) login(ak, sk string) {
	c.t.Helper()
	st, out := c.call("POST", "/api/login", map[string]string{"accessKey": ak, "secretKey": sk}, nil)
	if st != 200 {
		c.t.Fatalf("login: %d %v", st, out)
	}
	c.csrf = out["csrf"].(string)
}

func errCode(out map[string]any) string {
	e, _ := out["error"].(map[string]any)
	s, _ := e["code"].(string)
	return s
}

func start(t *testing.T) *testserver.Server {
	t.Helper()
	ts := testserver.Start(t, testserver.WithConsole())
	if ts.ConsoleURL == "" {
		t.Fatal("no console URL")
	}
	return ts
}

func TestUnauthenticatedRefused(t *testing.T) {
	ts := start(t)
	c := newClient(t, ts)
	for _, tc := range []struct{ method, path string }{
		{"GET", "/api/session"}, {"GET", "/api/buckets"}, {"POST", "/api/buckets"},
		{"GET", "/api/objects?bucket=b"}, {"GET", "/api/object?bucket=b&key=k"}, {"POST", "/api/share"},
		{"POST", "/api/uploads"}, {"POST", "/api/uploads/parts"}, {"GET", "/api/users"}, {"POST", "/api/users"},
		{"GET", "/api/settings?bucket=b"}, {"POST", "/api/logout"},
		{"GET", "/api/versions?bucket=b"}, {"POST", "/api/versions/delete"}, {"POST", "/api/objects/restore"},
	} {
		st, out := c.call(tc.method, tc.path, map[string]string{}, nil)
		if st != 401 || errCode(out) != "NotSignedIn" {
			t.Errorf("%s %s: %d %v, want 401 NotSignedIn", tc.method, tc.path, st, out)
		}
	}
	// A forged cookie is no better than none.
	req, _ := http.NewRequest("GET", ts.ConsoleURL+"/api/buckets", nil)
	req.AddCookie(&http.Cookie{Name: "hoard_console", Value: "forged"})
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 401 {
		t.Errorf("forged cookie: %d", res.StatusCode)
	}
}

func TestLogin(t *testing.T) {
	ts := start(t)
	c := newClient(t, ts)
	tests := []struct {
		name   string
		body   any
		hdr    map[string]string
		status int
		code   string
	}{
		{"wrong secret", map[string]string{"accessKey": testserver.AccessKey, "secretKey": "nope"}, nil, 401, "InvalidCredentials"},
		{"unknown key", map[string]string{"accessKey": "AKIAUNKNOWNKEY000000", "secretKey": "x"}, nil, 401, "InvalidCredentials"},
		{"empty", map[string]string{}, nil, 400, "InvalidInput"},
		{"bad json", "{", nil, 400, "MalformedJSON"},
		{"unknown field", `{"accessKey":"a","secretKey":"b","admin":true}`, nil, 400, "MalformedJSON"},
		{"trailing data", `{"accessKey":"a","secretKey":"b"} {}`, nil, 400, "MalformedJSON"},
		{"form post", "accessKey=a", map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, 415, "UnsupportedMediaType"},
		{"other origin", map[string]string{"accessKey": testserver.AccessKey, "secretKey": testserver.SecretKey},
			map[string]string{"Origin": "http://evil.example"}, 403, "CrossOrigin"},
		{"huge", `{"accessKey":"` + strings.Repeat("A", 3<<20) + `"}`, nil, 413, "RequestTooLarge"},
		{"nul and bad utf-8", "{\"accessKey\":\"\x00\xff\",\"secretKey\":\"x\"}", nil, 400, ""},
	}
	for _, tc := range tests {
		st, out := c.call("POST", "/api/login", tc.body, tc.hdr)
		if st != tc.status || tc.code != "" && errCode(out) != tc.code {
			t.Errorf("%s: %d %v, want %d %s", tc.name, st, out, tc.status, tc.code)
		}
	}
	// Success: the cookie is HttpOnly, SameSite=Strict, expiring; the
	// answer never carries the secret.
	raw, _ := json.Marshal(map[string]string{"accessKey": testserver.AccessKey, "secretKey": testserver.SecretKey})
	res, err := http.Post(ts.ConsoleURL+"/api/login", "application/json", bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	ck := res.Header.Get("Set-Cookie")
	if res.StatusCode != 200 || !strings.Contains(ck, "HttpOnly") || !strings.Contains(ck, "SameSite=Strict") || !strings.Contains(ck, "Max-Age=") {
		t.Fatalf("login: %d, Set-Cookie %q", res.StatusCode, ck)
	}
	if bytes.Contains(body, []byte(testserver.SecretKey)) {
		t.Fatal("the login answer carries the secret key")
	}
}

func TestCSRFAndLogout(t *testing.T) {
	ts := start(t)
	c := newClient(t, ts)
	c.login(testserver.AccessKey, testserver.SecretKey)
	tok := c.csrf
	c.csrf = ""
	if st, out := c.call("POST", "/api/buckets", map[string]string{"name": "csrf-test"}, nil); st != 403 || errCode(out) != "BadCSRFToken" {
		t.Fatalf("without token: %d %v", st, out)
	}
	c.csrf = "wrong"
	if st, _ := c.call("POST", "/api/buckets", map[string]string{"name": "csrf-test"}, nil); st != 403 {
		t.Fatalf("wrong token: %d", st)
	}
	c.csrf = tok
	if st, out := c.call("POST", "/api/buckets", map[string]string{"name": "csrf-test"}, nil); st != 200 {
		t.Fatalf("with token: %d %v", st, out)
	}
	if st, out := c.call("POST", "/api/buckets/delete", map[string]string{"name": "csrf-test"}, nil); st != 200 {
		t.Fatalf("delete empty bucket: %d %v", st, out)
	}
	if st, _ := c.call("POST", "/api/logout", map[string]string{}, nil); st != 200 {
		t.Fatalf("logout: %d", st)
	}
	if st, _ := c.call("GET", "/api/buckets", nil, nil); st != 401 {
		t.Fatalf("after logout: %d", st)
	}
}

func TestBadInput(t *testing.T) {
	ts := start(t)
	c := newClient(t, ts)
	c.login(testserver.AccessKey, testserver.SecretKey)
	tests := []struct {
		name, method, path string
		body               any
		status             int
		code               string
		msg                string
	}{
		{"short name", "POST", "/api/buckets", map[string]string{"name": "ab"}, 400, "InvalidBucketName", "between 3 and 63"},
		{"upper case", "POST", "/api/buckets", map[string]string{"name": "MyBucket"}, 400, "InvalidBucketName", "lowercase"},
		{"ip name", "POST", "/api/buckets", map[string]string{"name": "192.168.5.4"}, 400, "InvalidBucketName", "IP address"},
		{"dots", "POST", "/api/buckets", map[string]string{"name": "a..b"}, 400, "InvalidBucketName", "adjacent"},
		{"bad json", "POST", "/api/buckets", "[1,2", 400, "MalformedJSON", ""},
		{"huge", "POST", "/api/objects/delete", `{"bucket":"b","keys":["` + strings.Repeat("k", 3<<20) + `"]}`, 413, "RequestTooLarge", ""},
		{"too many keys", "POST", "/api/objects/delete", map[string]any{"bucket": "b", "keys": make([]string, 1001)}, 400, "InvalidInput", ""},
		{"long key", "GET", "/api/object?bucket=b&key=" + strings.Repeat("k", 1025), nil, 400, "InvalidInput", ""},
		{"nul key", "GET", "/api/object?bucket=b&key=a%00b", nil, 400, "InvalidInput", ""},
		{"share too long", "POST", "/api/share", map[string]any{"bucket": "b", "key": "k", "seconds": 8 * 86400}, 400, "InvalidInput", "7 days"},
		{"part number", "POST", "/api/uploads/parts", map[string]any{"bucket": "b", "key": "k", "uploadId": "u", "parts": []int{10001}}, 400, "InvalidInput", ""},
		{"folder slash", "POST", "/api/folders", map[string]string{"bucket": "b", "name": "a/b"}, 400, "InvalidInput", ""},
		{"unknown setting", "POST", "/api/settings", map[string]string{"bucket": "b", "name": "website"}, 400, "InvalidInput", ""},
		{"unknown action", "POST", "/api/users", map[string]string{"action": "becomeRoot"}, 400, "InvalidInput", ""},
		{"no such endpoint", "GET", "/api/nope", nil, 404, "NotFound", ""},
		{"no such bucket", "GET", "/api/objects?bucket=no-such-bucket", nil, 404, "NoSuchBucket", ""},
	}
	for _, tc := range tests {
		st, out := c.call(tc.method, tc.path, tc.body, nil)
		e, _ := out["error"].(map[string]any)
		msg, _ := e["message"].(string)
		if st != tc.status || errCode(out) != tc.code || !strings.Contains(msg, tc.msg) {
			t.Errorf("%s: %d %v, want %d %s %q", tc.name, st, out, tc.status, tc.code, tc.msg)
		}
	}
	// "console" is an ordinary bucket name: the console lives on its own port.
	if st, out := c.call("POST", "/api/buckets", map[string]string{"name": "console"}, nil); st != 200 {
		t.Fatalf("create bucket console: %d %v", st, out)
	}
	if _, err := ts.Client().PutObject(testserver.Context(t), &s3.PutObjectInput{Bucket: aws.String("console"), Key: aws.String("x"), Body: strings.NewReader("x")}); err != nil {
		t.Fatal(err)
	}
	st, out := c.call("POST", "/api/buckets/delete", map[string]string{"name": "console"}, nil)
	if e, _ := out["error"].(map[string]any); st != 409 || !strings.Contains(e["message"].(string), "not empty") {
		t.Fatalf("delete non-empty bucket: %d %v", st, out)
	}
}

// TestAuthorizationParity signs in as an IAM user whose policy allows one
// bucket, and checks that every console answer matches what the S3 API
// itself answers that user: the console grants nothing more.
func TestAuthorizationParity(t *testing.T) {
	ts := start(t)
	ctx := testserver.Context(t)
	root := ts.Client()
	for _, b := range []string{"allowed", "forbidden"} {
		if _, err := root.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(b)}); err != nil {
			t.Fatal(err)
		}
		if _, err := root.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(b), Key: aws.String("obj"), Body: strings.NewReader("data")}); err != nil {
			t.Fatal(err)
		}
	}
	ids := ts.Server().Identities()
	if _, err := ids.CreateUser(ctx, "alice", ""); err != nil {
		t.Fatal(err)
	}
	pol := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":["arn:aws:s3:::allowed","arn:aws:s3:::allowed/*"]}]}`
	if err := ids.PutUserPolicy(ctx, "alice", "one-bucket", pol); err != nil {
		t.Fatal(err)
	}
	key, err := ids.CreateAccessKey(ctx, "alice")
	if err != nil {
		t.Fatal(err)
	}
	direct := s3.New(s3.Options{Region: testserver.Region, BaseEndpoint: aws.String(ts.URL), UsePathStyle: true,
		Credentials: credentials.NewStaticCredentialsProvider(key.AccessKeyID, key.SecretAccessKey, "")})
	c := newClient(t, ts)
	c.login(key.AccessKeyID, key.SecretAccessKey)

	_, derr := direct.ListBuckets(ctx, &s3.ListBucketsInput{})
	st, out := c.call("GET", "/api/buckets", nil, nil)
	if (derr == nil) != (st == 200) || derr != nil && errCode(out) != apiCodeOf(derr) {
		t.Errorf("list buckets: console %d %v, S3 API err %v", st, out, derr)
	}
	_, derr = direct.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("forbidden")})
	t.Logf("S3 API answer to alice listing another bucket: %v", derr)
	for _, b := range []string{"allowed", "forbidden"} {
		_, derr := direct.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(b)})
		st, out := c.call("GET", "/api/objects?bucket="+b, nil, nil)
		if (derr == nil) != (st == 200) || derr != nil && errCode(out) != apiCodeOf(derr) {
			t.Errorf("list %s: console %d %v, S3 API err %v", b, st, out, derr)
		}
		_, derr = direct.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(b), Key: aws.String("obj")})
		st, out = c.call("GET", "/api/object?bucket="+b+"&key=obj", nil, nil)
		if (derr == nil) != (st == 200) {
			t.Errorf("details %s: console %d %v, S3 API err %v", b, st, out, derr)
		}
		_, derr = direct.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(b), Key: aws.String("absent")})
		st, out = c.call("POST", "/api/objects/delete", map[string]any{"bucket": b, "keys": []string{"absent"}}, nil)
		consoleOK := st == 200 && len(out["errors"].([]any)) == 0
		if (derr == nil) != consoleOK {
			t.Errorf("delete in %s: console %d %v, S3 API err %v", b, st, out, derr)
		}
	}
	// IAM is the root's alone for now: the console relays the refusal.
	if st, out := c.call("GET", "/api/users", nil, nil); st != 403 || errCode(out) != "AccessDenied" {
		t.Errorf("list users as alice: %d %v, want 403 AccessDenied", st, out)
	}
	if st, _ := c.call("POST", "/api/users", map[string]string{"action": "createUser", "user": "mallory"}, nil); st != 403 {
		t.Errorf("create user as alice: %d, want 403", st)
	}
}

func apiCodeOf(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func TestUsersAsRoot(t *testing.T) {
	ts := start(t)
	c := newClient(t, ts)
	c.login(testserver.AccessKey, testserver.SecretKey)
	if st, out := c.call("POST", "/api/users", map[string]string{"action": "createUser", "user": "bob"}, nil); st != 200 {
		t.Fatalf("create user: %d %v", st, out)
	}
	st, out := c.call("POST", "/api/users", map[string]string{"action": "createKey", "user": "bob"}, nil)
	if st != 200 || out["secret"] == "" {
		t.Fatalf("create key: %d %v", st, out)
	}
	keyID := out["keyId"].(string)
	st, out = c.call("POST", "/api/users", map[string]string{"action": "putPolicy", "user": "bob", "policyName": "p", "policy": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow"}]}`}, nil)
	if st != 400 || !strings.Contains(errCode(out), "Malformed") {
		t.Fatalf("malformed policy: %d %v", st, out)
	}
	if st, out = c.call("POST", "/api/users", map[string]string{"action": "setKeyStatus", "user": "bob", "keyId": keyID, "status": "Inactive"}, nil); st != 200 {
		t.Fatalf("deactivate: %d %v", st, out)
	}
	st, out = c.call("GET", "/api/users", nil, nil)
	users := out["users"].([]any)
	if st != 200 || len(users) != 1 || !strings.Contains(mustJSON(users), `"status":"Inactive"`) {
		t.Fatalf("list users: %d %v", st, out)
	}
	// A deactivated key cannot sign in.
	c2 := newClient(t, ts)
	if st, _ := c2.call("POST", "/api/login", map[string]string{"accessKey": keyID, "secretKey": "whatever"}, nil); st != 401 {
		t.Fatalf("login with inactive key: %d", st)
	}
	if st, out = c.call("POST", "/api/users", map[string]string{"action": "deleteKey", "user": "bob", "keyId": keyID}, nil); st != 200 {
		t.Fatalf("delete key: %d %v", st, out)
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestSettings reads and writes the bucket settings the S3 API serves;
// those it does not serve are reported unsupported (the page hides them).
func TestSettings(t *testing.T) {
	ts := start(t)
	c := newClient(t, ts)
	c.login(testserver.AccessKey, testserver.SecretKey)
	if st, out := c.call("POST", "/api/buckets", map[string]string{"name": "conf"}, nil); st != 200 {
		t.Fatalf("create: %d %v", st, out)
	}
	rules := []map[string]any{{"AllowedOrigins": []string{"https://app.example"}, "AllowedMethods": []string{"GET", "PUT"}, "ExposeHeaders": []string{"ETag"}}}
	if st, out := c.call("POST", "/api/settings", map[string]any{"bucket": "conf", "name": "cors", "value": rules}, nil); st != 200 {
		t.Fatalf("put cors: %d %v", st, out)
	}
	st, out := c.call("POST", "/api/settings", map[string]any{"bucket": "conf", "name": "cors", "value": []map[string]any{{"AllowedOrigins": []string{"*"}, "AllowedMethods": []string{"FETCH"}}}}, nil)
	if st != 400 {
		t.Fatalf("bad cors method: %d %v", st, out)
	}
	if st, out := c.call("POST", "/api/settings", map[string]any{"bucket": "conf", "name": "encryption", "value": map[string]string{"algorithm": "AES256"}}, nil); st != 200 {
		t.Fatalf("put encryption: %d %v", st, out)
	}
	st, out = c.call("GET", "/api/settings?bucket=conf", nil, nil)
	if st != 200 {
		t.Fatalf("get settings: %d %v", st, out)
	}
	cors := out["cors"].(map[string]any)
	enc := out["encryption"].(map[string]any)
	if cors["supported"] != true || !strings.Contains(mustJSON(cors["value"]), "https://app.example") {
		t.Errorf("cors: %v", cors)
	}
	if enc["supported"] != true || !strings.Contains(mustJSON(enc["value"]), "AES256") {
		t.Errorf("encryption: %v", enc)
	}
	for _, name := range []string{"publicAccessBlock", "ownership", "policy"} {
		v, _ := out[name].(map[string]any)
		if v == nil || v["error"] != nil {
			t.Errorf("%s: %v", name, v)
		}
		t.Logf("%s supported by the S3 API: %v", name, v["supported"])
	}
	if v, _ := out["policy"].(map[string]any); v["supported"] == true {
		st, out := c.call("POST", "/api/settings", map[string]any{"bucket": "conf", "name": "policy", "value": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject"}]}`}, nil)
		e, _ := out["error"].(map[string]any)
		if st != 400 || errCode(out) != "MalformedPolicy" || e["message"] == "" {
			t.Errorf("malformed policy: %d %v", st, out)
		}
		t.Logf("malformed policy answer: %v", e)
	}
	if st, out := c.call("POST", "/api/settings", map[string]any{"bucket": "conf", "name": "cors", "remove": true}, nil); st != 200 {
		t.Fatalf("remove cors: %d %v", st, out)
	}
	_, out = c.call("GET", "/api/settings?bucket=conf", nil, nil)
	if v := out["cors"].(map[string]any); v["supported"] != true || v["value"] != nil {
		t.Errorf("cors after removal: %v", v)
	}
}

// TestTemporaryCredentials signs in with STS credentials: the token is
// required and must match.
func TestTemporaryCredentials(t *testing.T) {
	ts := start(t)
	ctx := testserver.Context(t)
	ids := ts.Server().Identities()
	if _, err := ids.CreateUser(ctx, "tess", ""); err != nil {
		t.Fatal(err)
	}
	key, err := ids.CreateAccessKey(ctx, "tess")
	if err != nil {
		t.Fatal(err)
	}
	p, err := ids.Principal(ctx, key.AccessKeyID)
	if err != nil {
		t.Fatal(err)
	}
	cr, err := ids.GetSessionToken(ctx, &p, 900)
	if err != nil {
		t.Fatal(err)
	}
	c := newClient(t, ts)
	for _, tc := range []struct {
		token  string
		status int
	}{{"", 401}, {"wrong", 401}, {cr.SessionToken, 200}} {
		st, out := c.call("POST", "/api/login", map[string]string{"accessKey": cr.AccessKeyID, "secretKey": cr.SecretAccessKey, "sessionToken": tc.token}, nil)
		if st != tc.status {
			t.Errorf("token %.8q: %d %v, want %d", tc.token, st, out, tc.status)
		}
		if st == 200 {
			exp, _ := out["expires"].(string)
			if et, err := time.Parse(time.RFC3339, exp); err != nil || et.After(cr.Expiration.Add(time.Second)) {
				t.Errorf("session expires %s, after its credentials (%s)", exp, cr.Expiration)
			}
		}
	}
}
