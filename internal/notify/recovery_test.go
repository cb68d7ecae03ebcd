package notify_test

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/hoard-s3/hoard/internal/notify"
	"github.com/hoard-s3/hoard/internal/outbox"
	"github.com/hoard-s3/hoard/internal/server"
	"github.com/hoard-s3/hoard/internal/testserver"
)

func status(t *testing.T, srv *testserver.Server, name string) notify.Status {
	t.Helper()
	st, err := srv.Server().Notifier().Status(testserver.Context(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range st {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("no target %s in %+v", name, st)
	return notify.Status{}
}

// keysArrived reports whether every key has at least one event.
func keysArrived(r *receiver, keys []string) bool {
	got, _ := r.snapshot()
	seen := map[string]bool{}
	for _, g := range got {
		seen[g.S3.Object.Key] = true
	}
	for _, k := range keys {
		if !seen[k] {
			return false
		}
	}
	return true
}

func watchAll(t *testing.T, srv *testserver.Server, bucket, target string) {
	t.Helper()
	c := srv.Client()
	createBucket(t, c, bucket)
	if err := putNotification(testserver.Context(t), c, bucket, types.NotificationConfiguration{QueueConfigurations: []types.QueueConfiguration{
		queueRule("all", target, []string{"s3:ObjectCreated:*"}, "", ""),
	}}); err != nil {
		t.Fatal(err)
	}
}

func putKeys(t *testing.T, srv *testserver.Server, bucket, prefix string, n int) []string {
	var keys []string
	for i := 0; i < n; i++ {
		k := fmt.Sprintf("%s%03d", prefix, i)
		put(t, srv.Client(), bucket, k, "v")
		keys = append(keys, k)
	}
	return keys
}

// TestWebhookFailingThenRecovering: while the target answers 500, events
// wait in the outbox and are retried; once it recovers, all arrive.
func TestWebhookFailingThenRecovering(t *testing.T) {
	r := newReceiver(t)
	r.status.Store(500)
	srv := testserver.Start(t, testserver.WithNotifyTargets(r.spec(t, "hook")))
	watchAll(t, srv, "flaky", "hook")
	keys := putKeys(t, srv, "flaky", "k", 20)
	waitUntil(t, "failed deliveries", func() bool { s := status(t, srv, "hook"); return s.Failed >= 3 && s.Retried >= 2 })
	s := status(t, srv, "hook")
	if s.Healthy || s.Queued < 20 || s.Oldest.IsZero() || !strings.Contains(s.LastError, "500") {
		t.Fatalf("status while failing: %+v", s)
	}
	r.status.Store(0)
	waitUntil(t, "every event", func() bool { return keysArrived(r, keys) })
	waitUntil(t, "an empty outbox", func() bool { s := status(t, srv, "hook"); return s.Queued == 0 && s.Healthy })
}

// TestWebhookRefusedThenListening: the target's port refuses connections
// (nothing listens), then a receiver starts on it: all events arrive.
func TestWebhookRefusedThenListening(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	spec, err := notify.ParseSpec("late=http://" + addr + "/hook")
	if err != nil {
		t.Fatal(err)
	}
	srv := testserver.Start(t, testserver.WithNotifyTargets(spec))
	watchAll(t, srv, "refused", "late")
	keys := putKeys(t, srv, "refused", "k", 10)
	waitUntil(t, "refused deliveries", func() bool { return status(t, srv, "late").Failed >= 2 })
	if s := status(t, srv, "late"); !strings.Contains(s.LastError, "refused") {
		t.Fatalf("status %+v", s)
	}
	r := &receiver{t: t}
	ln, err = net.Listen("tcp", addr)
	if err != nil {
		t.Skipf("port %s taken meanwhile: %v", addr, err)
	}
	hs := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.add(body)
		r.mu.Unlock()
	})}
	go hs.Serve(ln)
	t.Cleanup(func() { hs.Close() })
	waitUntil(t, "every event", func() bool { return keysArrived(r, keys) })
}

// TestFullOutbox: with the target down and the outbox at its limit,
// writes still succeed; the drops are counted in metrics; once the target
// recovers the outbox drains and takes records again.
func TestFullOutbox(t *testing.T) {
	r := newReceiver(t)
	r.status.Store(503)
	srv := testserver.Start(t, testserver.WithNotifyTargets(r.spec(t, "hook")),
		testserver.WithOutboxLimits(outbox.Limits{MaxRecords: 6}),
		func(c *server.Config) { c.MetricsToken = "metrics-secret" })
	watchAll(t, srv, "full", "hook") // queues one s3:TestEvent
	putKeys(t, srv, "full", "early", 5)
	waitUntil(t, "a full outbox", func() bool { return srv.Server().Outbox().Full() })
	late := putKeys(t, srv, "full", "late", 4) // every PUT succeeds
	s := status(t, srv, "hook")
	if s.Queued != 6 || s.Dropped != 4 {
		t.Fatalf("status %+v, want 6 queued and 4 dropped", s)
	}
	m := scrape(t, srv, "metrics-secret")
	for _, line := range []string{`hoard_outbox_full 1`, `hoard_notify_dropped_total{scheme="webhook",target="hook"} 4`,
		`hoard_notify_outbox_depth{scheme="webhook",target="hook"} 6`, `hoard_notify_target_up{scheme="webhook",target="hook"} 0`} {
		if !strings.Contains(m, line+"\n") {
			t.Errorf("metrics lack %q", line)
		}
	}
	r.status.Store(0)
	waitUntil(t, "drained", func() bool { return status(t, srv, "hook").Queued == 0 && !srv.Server().Outbox().Full() })
	if keysArrived(r, late[:1]) {
		t.Fatal("a dropped event arrived")
	}
	again := putKeys(t, srv, "full", "again", 2)
	waitUntil(t, "events after the drain", func() bool { return keysArrived(r, again) && status(t, srv, "hook").Queued == 0 })
	m = scrape(t, srv, "metrics-secret")
	if !strings.Contains(m, `hoard_notify_delivered_total{scheme="webhook",target="hook"} 8`+"\n") || !strings.Contains(m, "hoard_outbox_full 0\n") {
		t.Errorf("metrics after the drain:\n%s", grepLines(m, "hoard_notify_", "hoard_outbox"))
	}
}

func scrape(t *testing.T, srv *testserver.Server, token string) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/metrics", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := srv.HTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("scrape: %s", resp.Status)
	}
	return string(b)
}

func grepLines(s string, prefixes ...string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		for _, p := range prefixes {
			if strings.HasPrefix(l, p) {
				out = append(out, l)
			}
		}
	}
	return strings.Join(out, "\n")
}
