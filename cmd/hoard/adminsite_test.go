package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/hoard-s3/hoard/internal/sites"
	"github.com/hoard-s3/hoard/internal/testserver"
)

func TestAdminSiteCommands(t *testing.T) {
	srv := testserver.Start(t)
	env := map[string]string{"HOARD_ENDPOINT": srv.URL, "HOARD_ROOT_ACCESS_KEY": testserver.AccessKey, "HOARD_ROOT_SECRET_KEY": testserver.SecretKey}
	const secret = "site-secret-0123456789"
	code, out, errs := runAppEnv(env, "admin", "site", "add", "west", "--endpoint", "http://127.0.0.1:19999",
		"--region", "us-west-2", "--access-key", "AKWEST", "--secret-key", secret)
	if code != 0 || !strings.Contains(out, "west") || strings.Contains(out, secret) {
		t.Fatalf("add: %d %q %q", code, out, errs)
	}
	if code, _, errs = runAppEnv(env, "admin", "site", "add", "west", "--endpoint", "http://127.0.0.1:1",
		"--region", "us-west-2", "--access-key", "AK", "--secret-key", "S"); code != 1 || !strings.Contains(errs, "SiteAlreadyExists") {
		t.Fatalf("duplicate: %d %q", code, errs)
	}
	if code, _, errs = runAppEnv(env, "admin", "site", "add", "east", "--endpoint", "not a url",
		"--region", "us-east-2", "--access-key", "AK", "--secret-key", "S"); code != 1 || !strings.Contains(errs, "InvalidInput") {
		t.Fatalf("bad endpoint: %d %q", code, errs)
	}
	code, out, errs = runAppEnv(env, "admin", "site", "list", "--json")
	var list []sites.Site
	if code != 0 || json.Unmarshal([]byte(out), &list) != nil || len(list) != 1 ||
		list[0].Endpoint != "http://127.0.0.1:19999" || list[0].Region != "us-west-2" || list[0].AccessKey != "AKWEST" {
		t.Fatalf("list: %d %q %q", code, out, errs)
	}
	if strings.Contains(out, secret) {
		t.Fatalf("list shows the secret: %q", out)
	}
	if code, out, _ = runAppEnv(env, "admin", "site", "list"); code != 0 || !strings.Contains(out, "us-west-2") || strings.Contains(out, secret) {
		t.Fatalf("list (text): %d %q", code, out)
	}
	if code, out, errs = runAppEnv(env, "admin", "site", "remove", "west"); code != 0 || !strings.Contains(out, "removed site west") {
		t.Fatalf("remove: %d %q %q", code, out, errs)
	}
	if code, _, errs = runAppEnv(env, "admin", "site", "remove", "west"); code != 1 || !strings.Contains(errs, "NoSuchSite") {
		t.Fatalf("remove again: %d %q", code, errs)
	}
	if code, _, _ = runAppEnv(env, "admin", "site", "add", "--endpoint", "x"); code != 2 {
		t.Fatalf("add without a name: %d", code)
	}
}
