package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hoard-s3/hoard/internal/notify"
	"github.com/hoard-s3/hoard/internal/server"
	"github.com/hoard-s3/hoard/internal/testserver"
)

func TestAdminNotifyStatus(t *testing.T) {
	down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(502) }))
	defer down.Close()
	spec, err := notify.ParseSpec("hook=" + down.URL + "/in#token=secret-token")
	if err != nil {
		t.Fatal(err)
	}
	srv := testserver.Start(t, testserver.WithNotifyTargets(spec), func(c *server.Config) { c.MetricsToken = "mt" })
	run := func(env map[string]string, args ...string) (int, string, string) {
		var out, errw bytes.Buffer
		a := &app{stdout: &out, stderr: &errw, getenv: func(k string) string { return env[k] }, exit: func(int) {}}
		return a.run(args), out.String(), errw.String()
	}
	if code, _, stderr := run(nil, "admin", "notify", "status", "--endpoint", srv.URL); code != 2 || !strings.Contains(stderr, "HOARD_METRICS_TOKEN") {
		t.Fatalf("without a token: %d %q", code, stderr)
	}
	if code, _, stderr := run(map[string]string{"HOARD_METRICS_TOKEN": "wrong"}, "admin", "notify", "status", "--endpoint", srv.URL); code != 1 || !strings.Contains(stderr, "403") {
		t.Fatalf("wrong token: %d %q", code, stderr)
	}
	code, stdout, stderr := run(map[string]string{"HOARD_METRICS_TOKEN": "mt"}, "admin", "notify", "status", "--endpoint", srv.URL)
	if code != 0 || !strings.Contains(stdout, "TARGET") || !strings.Contains(stdout, "hook") || !strings.Contains(stdout, "webhook") || !strings.Contains(stdout, "ok") {
		t.Fatalf("status: %d %q %q", code, stdout, stderr)
	}
	if strings.Contains(stdout, "secret-token") {
		t.Fatalf("the webhook token leaked into the status: %q", stdout)
	}
	code, stdout, _ = run(map[string]string{"HOARD_METRICS_TOKEN": "mt"}, "admin", "notify", "status", "--endpoint", srv.URL, "--json")
	if code != 0 || !strings.Contains(stdout, `"name":"hook"`) || !strings.Contains(stdout, `"outboxFull":false`) {
		t.Fatalf("json: %d %q", code, stdout)
	}
}
