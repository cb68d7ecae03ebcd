package console_test

import (
	"strings"
	"testing"

	"github.com/hoard-s3/hoard/internal/testserver"
)

func TestAccountsPage(t *testing.T) {
	ts := start(t)
	op := newClient(t, ts)
	op.login(testserver.AccessKey, testserver.SecretKey)
	st, out := op.call("POST", "/api/accounts", map[string]string{"action": "create", "name": "blue", "email": "blue@example.com"}, nil)
	if st != 200 || out["rootSecretAccessKey"] == "" || len(out["id"].(string)) != 12 {
		t.Fatalf("create account: %d %v", st, out)
	}
	id, ak, sk := out["id"].(string), out["rootAccessKeyId"].(string), out["rootSecretAccessKey"].(string)
	st, out = op.call("POST", "/api/accounts", map[string]string{"action": "create", "name": "blue"}, nil)
	if st != 409 || errCode(out) != "AccountAlreadyExists" {
		t.Fatalf("duplicate: %d %v", st, out)
	}
	st, out = op.call("GET", "/api/accounts", nil, nil)
	list := mustJSON(out["accounts"])
	if st != 200 || !strings.Contains(list, `"id":"`+id+`"`) || !strings.Contains(list, `"operator":true`) || strings.Contains(list, sk) {
		t.Fatalf("list: %d %s", st, list)
	}

	// The new account's root signs in to its own account; it sees its
	// own buckets and may not administer accounts.
	blue := newClient(t, ts)
	blue.login(ak, sk)
	if st, out := blue.call("POST", "/api/buckets", map[string]string{"name": "blue-bucket"}, nil); st != 200 {
		t.Fatalf("blue creates a bucket: %d %v", st, out)
	}
	st, out = blue.call("GET", "/api/buckets", nil, nil)
	if st != 200 || !strings.Contains(mustJSON(out), "blue-bucket") {
		t.Fatalf("blue's buckets: %d %v", st, out)
	}
	st, out = op.call("GET", "/api/buckets", nil, nil)
	if st != 200 || strings.Contains(mustJSON(out), "blue-bucket") {
		t.Fatalf("the operator sees blue's bucket: %d %v", st, out)
	}
	st, out = blue.call("GET", "/api/accounts", nil, nil)
	if st != 403 || errCode(out) != "AccessDenied" {
		t.Fatalf("blue lists accounts: %d %v", st, out)
	}

	st, out = op.call("POST", "/api/accounts", map[string]string{"action": "delete", "id": id}, nil)
	if st != 409 || errCode(out) != "AccountNotEmpty" {
		t.Fatalf("delete with a bucket: %d %v", st, out)
	}
	if st, out := blue.call("POST", "/api/buckets/delete", map[string]string{"name": "blue-bucket"}, nil); st != 200 {
		t.Fatalf("blue deletes its bucket: %d %v", st, out)
	}
	if st, out := op.call("POST", "/api/accounts", map[string]string{"action": "delete", "id": id}, nil); st != 200 {
		t.Fatalf("delete: %d %v", st, out)
	}
	if st, out := op.call("POST", "/api/accounts", map[string]string{"action": "rename"}, nil); st != 400 {
		t.Fatalf("unknown action: %d %v", st, out)
	}
}
