package notify_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/hoard-s3/hoard/internal/event"
	"github.com/hoard-s3/hoard/internal/notify"
	"github.com/hoard-s3/hoard/internal/testserver"
)

// receiver is a webhook target: it keeps every message it accepts and
// answers status while status is set (500, say) instead of 200.
type receiver struct {
	t      *testing.T
	srv    *httptest.Server
	token  string
	secret string
	status atomic.Int32

	mu     sync.Mutex
	events []event.MessageRecord
	tests  []event.TestMessage
	bad    []string
}

func newReceiver(t *testing.T) *receiver {
	r := &receiver{t: t, token: "tok-123", secret: "hmac-secret"}
	r.srv = httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) serve(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	if s := r.status.Load(); s != 0 {
		w.WriteHeader(int(s))
		return
	}
	mac := hmac.New(sha256.New, []byte(r.secret))
	mac.Write(body)
	r.mu.Lock()
	defer r.mu.Unlock()
	if req.Header.Get("Authorization") != "Bearer "+r.token {
		r.bad = append(r.bad, "authorization "+req.Header.Get("Authorization"))
	}
	if req.Header.Get(notify.SignatureHeader) != "sha256="+hex.EncodeToString(mac.Sum(nil)) {
		r.bad = append(r.bad, "signature "+req.Header.Get(notify.SignatureHeader))
	}
	if req.Header.Get("Content-Type") != "application/json" || req.Method != http.MethodPost {
		r.bad = append(r.bad, req.Method+" "+req.Header.Get("Content-Type"))
	}
	r.add(body)
}

// add parses one message body the way an S3 consumer would: strictly.
func (r *receiver) add(body []byte) {
	if bytes.Contains(body, []byte(`"s3:TestEvent"`)) {
		var tm event.TestMessage
		if err := strictJSON(body, &tm); err != nil {
			r.bad = append(r.bad, err.Error())
		}
		r.tests = append(r.tests, tm)
		return
	}
	var m event.Message
	if err := strictJSON(body, &m); err != nil || len(m.Records) != 1 {
		r.bad = append(r.bad, "message "+string(body))
		return
	}
	r.events = append(r.events, m.Records[0])
}

func strictJSON(b []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	return d.Decode(v)
}

func (r *receiver) spec(t *testing.T, name string) notify.Spec {
	s, err := notify.ParseSpec(name + "=" + r.srv.URL + "/events#token=" + r.token + "&hmac-secret=" + r.secret)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func (r *receiver) snapshot() ([]event.MessageRecord, []event.TestMessage) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.bad) > 0 {
		r.t.Errorf("receiver saw bad requests: %q", r.bad)
		r.bad = nil
	}
	return append([]event.MessageRecord(nil), r.events...), append([]event.TestMessage(nil), r.tests...)
}

// waitEvents waits until n events arrived and returns them.
func (r *receiver) waitEvents(t *testing.T, n int) []event.MessageRecord {
	t.Helper()
	var got []event.MessageRecord
	waitUntil(t, "events", func() bool { got, _ = r.snapshot(); return len(got) >= n })
	return got
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func queueRule(id, target string, events []string, prefix, suffix string) types.QueueConfiguration {
	q := types.QueueConfiguration{Id: aws.String(id), QueueArn: aws.String("arn:aws:sqs:us-east-1:123456789012:" + target)}
	for _, e := range events {
		q.Events = append(q.Events, types.Event(e))
	}
	var rules []types.FilterRule
	if prefix != "" {
		rules = append(rules, types.FilterRule{Name: types.FilterRuleNamePrefix, Value: aws.String(prefix)})
	}
	if suffix != "" {
		rules = append(rules, types.FilterRule{Name: types.FilterRuleNameSuffix, Value: aws.String(suffix)})
	}
	if rules != nil {
		q.Filter = &types.NotificationConfigurationFilter{Key: &types.S3KeyFilter{FilterRules: rules}}
	}
	return q
}

func putNotification(ctx context.Context, c *s3.Client, bucket string, cfg types.NotificationConfiguration) error {
	_, err := c.PutBucketNotificationConfiguration(ctx, &s3.PutBucketNotificationConfigurationInput{
		Bucket: aws.String(bucket), NotificationConfiguration: &cfg,
	})
	return err
}

func createBucket(t *testing.T, c *s3.Client, name string) {
	t.Helper()
	if _, err := c.CreateBucket(testserver.Context(t), &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		t.Fatal(err)
	}
}

func put(t *testing.T, c *s3.Client, bucket, key, body string) *s3.PutObjectOutput {
	t.Helper()
	out, err := c.PutObject(testserver.Context(t), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: strings.NewReader(body)})
	if err != nil {
		t.Fatalf("put %s: %v", key, err)
	}
	return out
}

// requireExternal skips (or, with HOARD_TEST_REQUIRE_EXTERNAL=1, fails)
// when a server binary is not installed.
func requireExternal(t *testing.T, bin string) string {
	t.Helper()
	for _, dir := range []string{"/usr/sbin/", "/usr/bin/", "/usr/local/bin/", "/usr/local/sbin/"} {
		if _, err := os.Stat(dir + bin); err == nil {
			return dir + bin
		}
	}
	if os.Getenv("HOARD_TEST_REQUIRE_EXTERNAL") == "1" {
		t.Fatalf("%s is not installed (HOARD_TEST_REQUIRE_EXTERNAL=1)", bin)
	}
	t.Skipf("%s is not installed", bin)
	return ""
}
