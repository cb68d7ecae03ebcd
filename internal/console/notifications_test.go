package console_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/chromedp/chromedp"

	"github.com/hoard-s3/hoard/internal/notify"
	"github.com/hoard-s3/hoard/internal/testserver"
)

// TestNotificationsCard: the card lists the bucket's rules, read with the
// user's credentials, and shows the targets' health to the root only,
// without their endpoints (which may hold secrets).
func TestNotificationsCard(t *testing.T) {
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer hook.Close()
	spec, err := notify.ParseSpec("hook=" + hook.URL + "/x#token=very-secret")
	if err != nil {
		t.Fatal(err)
	}
	ts := testserver.Start(t, testserver.WithConsole(), testserver.WithNotifyTargets(spec))
	ctx := testserver.Context(t)
	root := ts.Client()
	if _, err := root.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("cards")}); err != nil {
		t.Fatal(err)
	}
	_, err = root.PutBucketNotificationConfiguration(ctx, &s3.PutBucketNotificationConfigurationInput{Bucket: aws.String("cards"),
		NotificationConfiguration: &types.NotificationConfiguration{TopicConfigurations: []types.TopicConfiguration{{
			Id: aws.String("uploads"), TopicArn: aws.String("arn:aws:sns:us-east-1:123456789012:hook"),
			Events: []types.Event{"s3:ObjectCreated:*"},
			Filter: &types.NotificationConfigurationFilter{Key: &types.S3KeyFilter{FilterRules: []types.FilterRule{
				{Name: types.FilterRuleNamePrefix, Value: aws.String("in/")}}}},
		}}}})
	if err != nil {
		t.Fatal(err)
	}
	c := newClient(t, ts)
	c.login(testserver.AccessKey, testserver.SecretKey)
	st, out := c.call("GET", "/api/notifications?bucket=cards", nil, nil)
	if st != 200 {
		t.Fatalf("%d %v", st, out)
	}
	rules := out["rules"].([]any)
	r := rules[0].(map[string]any)
	if len(rules) != 1 || r["id"] != "uploads" || r["type"] != "Topic" || r["prefix"] != "in/" || r["arn"] != "arn:aws:sns:us-east-1:123456789012:hook" {
		t.Fatalf("rules %v", rules)
	}
	targets, _ := out["targets"].([]any)
	if len(targets) != 1 || targets[0].(map[string]any)["name"] != "hook" || targets[0].(map[string]any)["healthy"] != true {
		t.Fatalf("targets %v", out["targets"])
	}
	if j := toJSON(out); strings.Contains(j, "very-secret") || strings.Contains(j, hook.URL) {
		t.Fatalf("target endpoint shown: %v", out)
	}
	if st, _ := c.call("GET", "/api/notifications?bucket=nosuchbucket", nil, nil); st != 404 {
		t.Fatalf("missing bucket: %d", st)
	}

	ids := ts.Server().Identities()
	if _, err := ids.CreateUser(ctx, "nora", ""); err != nil {
		t.Fatal(err)
	}
	pol := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetBucketNotification","Resource":"arn:aws:s3:::cards"}]}`
	if err := ids.PutUserPolicy(ctx, "nora", "read", pol); err != nil {
		t.Fatal(err)
	}
	key, err := ids.CreateAccessKey(ctx, "nora")
	if err != nil {
		t.Fatal(err)
	}
	u := newClient(t, ts)
	u.login(key.AccessKeyID, key.SecretAccessKey)
	st, out = u.call("GET", "/api/notifications?bucket=cards", nil, nil)
	if st != 200 || len(out["rules"].([]any)) != 1 || out["targets"] != nil {
		t.Fatalf("as a user: %d %v", st, out)
	}
}

func toJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestBrowserNotifications: the settings page of a bucket shows its rule
// and the target's health.
func TestBrowserNotifications(t *testing.T) {
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer hook.Close()
	spec, err := notify.ParseSpec("pager=" + hook.URL + "/x")
	if err != nil {
		t.Fatal(err)
	}
	ts := testserver.Start(t, testserver.WithConsole(), testserver.WithNotifyTargets(spec))
	ctx := newBrowser(t)
	signIn(t, ctx, ts)
	createBucketInPage(t, ctx, "alerts")
	_, err = ts.Client().PutBucketNotificationConfiguration(testserver.Context(t), &s3.PutBucketNotificationConfigurationInput{Bucket: aws.String("alerts"),
		NotificationConfiguration: &types.NotificationConfiguration{QueueConfigurations: []types.QueueConfiguration{{
			Id: aws.String("page-me"), QueueArn: aws.String("arn:aws:sqs:us-east-1:123456789012:pager"),
			Events: []types.Event{"s3:ObjectRemoved:*"}}}}})
	if err != nil {
		t.Fatal(err)
	}
	do(t, ctx, 20*time.Second, "open settings",
		chromedp.Click(chromedp.CSS("#nav-buckets")),
		chromedp.WaitVisible(chromedp.CSS(`a.btn[href="#/settings/alerts"]`)),
		chromedp.Click(chromedp.CSS(`a.btn[href="#/settings/alerts"]`)),
		chromedp.WaitVisible(chromedp.CSS(`table[aria-label="Notification targets"]`)))
	rules := poll[string](t, ctx, 10*time.Second, "the rule", `document.querySelector('table[aria-label="Notification rules"] tbody')?.textContent || ''`)
	if !strings.Contains(rules, "page-me") || !strings.Contains(rules, "s3:ObjectRemoved:*") || !strings.Contains(rules, "arn:aws:sqs:us-east-1:123456789012:pager") {
		t.Fatalf("rules shown %q", rules)
	}
	targets := poll[string](t, ctx, 10*time.Second, "the target", `document.querySelector('table[aria-label="Notification targets"] tbody')?.textContent || ''`)
	if !strings.Contains(targets, "pager") || !strings.Contains(targets, "webhook") || !strings.Contains(targets, "ok") {
		t.Fatalf("targets shown %q", targets)
	}
	screenshot(t, ctx, "settings-notifications.png")
}
