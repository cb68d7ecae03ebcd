package console_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/chromedp/chromedp"

	"github.com/hoard-s3/hoard/internal/testserver"
)

// TestVersioningAndLockSettings changes versioning and object lock
// through the console's API and checks them through S3.
func TestVersioningAndLockSettings(t *testing.T) {
	ts := start(t)
	c := newClient(t, ts)
	c.login(testserver.AccessKey, testserver.SecretKey)
	s3c, ctx := ts.Client(), testserver.Context(t)
	if st, out := c.call("POST", "/api/buckets", map[string]string{"name": "vers"}, nil); st != 200 {
		t.Fatalf("create: %d %v", st, out)
	}
	setting := func(name string) map[string]any {
		t.Helper()
		st, out := c.call("GET", "/api/settings?bucket=vers", nil, nil)
		if st != 200 {
			t.Fatalf("get settings: %d %v", st, out)
		}
		v, _ := out[name].(map[string]any)
		if v == nil || v["supported"] != true || v["error"] != nil {
			t.Fatalf("%s: %v", name, v)
		}
		return v
	}
	if v := setting("versioning"); v["value"] != "" {
		t.Fatalf("new bucket's versioning: %v", v)
	}
	if v := setting("objectLock"); v["value"] != nil {
		t.Fatalf("new bucket's object lock: %v", v)
	}
	lock := map[string]any{"enabled": true, "mode": "GOVERNANCE", "days": 3}
	st, out := c.call("POST", "/api/settings", map[string]any{"bucket": "vers", "name": "objectLock", "value": lock}, nil)
	if st != 409 || errCode(out) != "InvalidBucketState" {
		t.Fatalf("object lock without versioning: %d %v", st, out)
	}
	if st, out := c.call("POST", "/api/settings", map[string]any{"bucket": "vers", "name": "versioning", "value": "Enabled"}, nil); st != 200 {
		t.Fatalf("enable versioning: %d %v", st, out)
	}
	if st, out := c.call("POST", "/api/settings", map[string]any{"bucket": "vers", "name": "objectLock", "value": lock}, nil); st != 200 {
		t.Fatalf("enable object lock: %d %v", st, out)
	}
	v := setting("objectLock")["value"].(map[string]any)
	if v["enabled"] != true || v["mode"] != "GOVERNANCE" || v["days"] != float64(3) {
		t.Fatalf("object lock read back: %v", v)
	}
	got, err := s3c.GetObjectLockConfiguration(ctx, &s3.GetObjectLockConfigurationInput{Bucket: aws.String("vers")})
	if err != nil || aws.ToInt32(got.ObjectLockConfiguration.Rule.DefaultRetention.Days) != 3 {
		t.Fatalf("S3 view of the console's change: %+v %v", got, err)
	}
	st, out = c.call("POST", "/api/settings", map[string]any{"bucket": "vers", "name": "versioning", "value": "Suspended"}, nil)
	if st != 409 || errCode(out) != "InvalidBucketState" {
		t.Fatalf("suspend a locked bucket: %d %v", st, out)
	}
	st, out = c.call("POST", "/api/settings", map[string]any{"bucket": "vers", "name": "objectLock", "remove": true}, nil)
	if st != 400 {
		t.Fatalf("remove object lock: %d %v", st, out)
	}
	st, out = c.call("POST", "/api/settings", map[string]any{"bucket": "vers", "name": "objectLock", "value": map[string]any{"enabled": true, "mode": "COMPLIANCE", "days": 0}}, nil)
	if st != 400 || errCode(out) != "InvalidRetentionPeriod" {
		t.Fatalf("zero days: %d %v", st, out)
	}
	for _, tc := range []struct {
		value any
		code  string
	}{
		{map[string]any{"enabled": true, "mode": "GOVERNANCE", "days": 1, "years": 1}, "MalformedXML"},
		{map[string]any{"enabled": true, "mode": "FOREVER", "days": 1}, "MalformedXML"},
		{map[string]any{"enabled": true, "mode": "", "days": 1}, "InvalidInput"},
		{map[string]any{"enabled": false}, "InvalidInput"},
		{map[string]any{"enabled": true, "mode": "COMPLIANCE", "years": 101}, "InvalidRetentionPeriod"},
	} {
		st, out := c.call("POST", "/api/settings", map[string]any{"bucket": "vers", "name": "objectLock", "value": tc.value}, nil)
		if st != 400 || errCode(out) != tc.code {
			t.Errorf("object lock %v: %d %v, want 400 %s", tc.value, st, out, tc.code)
		}
	}
	if v := setting("objectLock")["value"].(map[string]any); v["mode"] != "GOVERNANCE" || v["days"] != float64(3) {
		t.Fatalf("refused changes changed the configuration: %v", v)
	}

	// A bucket created with object lock from the console.
	if st, out := c.call("POST", "/api/buckets", map[string]any{"name": "worm", "objectLock": true}, nil); st != 200 {
		t.Fatalf("create locked: %d %v", st, out)
	}
	if _, err := s3c.GetObjectLockConfiguration(ctx, &s3.GetObjectLockConfigurationInput{Bucket: aws.String("worm")}); err != nil {
		t.Fatalf("bucket created with object lock: %v", err)
	}
}

// TestBrowserLockSettings creates a bucket with object lock in the page
// and sets its default retention there.
func TestBrowserLockSettings(t *testing.T) {
	ts := start(t) // before the browser, so that it stops after it
	ctx := newBrowser(t)
	signIn(t, ctx, ts)
	do(t, ctx, 20*time.Second, "create locked bucket",
		chromedp.SendKeys(chromedp.CSS("#new-bucket"), "vault"),
		chromedp.Click(chromedp.CSS("#new-bucket-lock")),
		chromedp.Click(chromedp.CSS(`#create-bucket button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`a.btn[href="#/settings/vault"]`)),
		chromedp.Click(chromedp.CSS(`a.btn[href="#/settings/vault"]`)),
		chromedp.WaitVisible(chromedp.CSS("#set-objectLock-status")),
		chromedp.WaitVisible(chromedp.CSS("#versioning-status")))
	if s := poll[string](t, ctx, 5*time.Second, "versioning shown", `document.querySelector('#versioning-status').textContent`); s != "Status: Enabled" {
		t.Fatalf("versioning shown as %q", s)
	}
	// The page is drawn by now: a locked bucket is not offered suspension.
	poll[bool](t, ctx, 5*time.Second, "no suspend button on a locked bucket", `!document.querySelector('#versioning-suspend')`)
	do(t, ctx, 20*time.Second, "set default retention",
		chromedp.SetValue(chromedp.CSS("#set-objectLock-mode"), "COMPLIANCE"),
		chromedp.SetValue(chromedp.CSS("#set-objectLock-period"), "2"),
		chromedp.SetValue(chromedp.CSS("#set-objectLock-unit"), "years"),
		chromedp.Click(chromedp.CSS("#set-objectLock-save")))
	poll[bool](t, ctx, 10*time.Second, "retention shown",
		`(document.querySelector('#set-objectLock-status')?.textContent || '').includes('2 years in COMPLIANCE')`)
	screenshot(t, ctx, "settings-lock.png")
	got, err := ts.Client().GetObjectLockConfiguration(testserver.Context(t), &s3.GetObjectLockConfigurationInput{Bucket: aws.String("vault")})
	if err != nil {
		t.Fatal(err)
	}
	d := got.ObjectLockConfiguration.Rule.DefaultRetention
	if d.Mode != "COMPLIANCE" || aws.ToInt32(d.Years) != 2 {
		t.Fatalf("default retention set by the page: %v %v", d.Mode, d.Years)
	}
}
