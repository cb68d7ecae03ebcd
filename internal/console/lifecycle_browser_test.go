package console_test

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/chromedp/chromedp"

	"github.com/hoard-s3/hoard/internal/testserver"
)

// TestBrowserLifecycle: the settings page edits lifecycle rules as a
// form, shows the XML they become as they are typed, saves them through
// the S3 API, shows S3's refusal of a bad rule, and removes them.
func TestBrowserLifecycle(t *testing.T) {
	ts := start(t)
	ctx := newBrowser(t)
	s3c := ts.Client()
	sctx := testserver.Context(t)
	signIn(t, ctx, ts)
	createBucketInPage(t, ctx, "aging")

	do(t, ctx, 20*time.Second, "open settings",
		chromedp.Click(chromedp.CSS("#nav-buckets")),
		chromedp.WaitVisible(chromedp.CSS(`a.btn[href="#/settings/aging"]`)),
		chromedp.Click(chromedp.CSS(`a.btn[href="#/settings/aging"]`)),
		chromedp.WaitVisible(chromedp.CSS("#lc-add")))
	do(t, ctx, 20*time.Second, "fill a rule",
		chromedp.Click(chromedp.CSS("#lc-add")),
		chromedp.WaitVisible(chromedp.CSS("#lc-0-id")),
		chromedp.SendKeys(chromedp.CSS("#lc-0-id"), "logs"),
		chromedp.SendKeys(chromedp.CSS("#lc-0-prefix"), "logs/"),
		chromedp.SendKeys(chromedp.CSS("#lc-0-days"), "30"),
		chromedp.SendKeys(chromedp.CSS("#lc-0-abort"), "2"))
	xml := textOf(t, ctx, "#lc-xml")
	for _, want := range []string{"<ID>logs</ID>", "<Filter><Prefix>logs/</Prefix></Filter>", "<Expiration><Days>30</Days></Expiration>",
		"<AbortIncompleteMultipartUpload><DaysAfterInitiation>2</DaysAfterInitiation></AbortIncompleteMultipartUpload>"} {
		if !strings.Contains(xml, want) {
			t.Fatalf("XML beside the form lacks %s:\n%s", want, xml)
		}
	}
	screenshot(t, ctx, "settings-lifecycle.png")
	do(t, ctx, 20*time.Second, "save", chromedp.Click(chromedp.CSS("#lc-save")))
	poll[bool](t, ctx, 10*time.Second, "saved", `document.querySelector('#status')?.textContent.includes('Lifecycle rules saved')`)
	got, err := s3c.GetBucketLifecycleConfiguration(sctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: aws.String("aging")})
	if err != nil || len(got.Rules) != 1 || aws.ToString(got.Rules[0].ID) != "logs" || aws.ToInt32(got.Rules[0].Expiration.Days) != 30 ||
		aws.ToString(got.Rules[0].Filter.Prefix) != "logs/" || aws.ToInt32(got.Rules[0].AbortIncompleteMultipartUpload.DaysAfterInitiation) != 2 {
		t.Fatalf("rules stored: %+v %v", got, err)
	}
	// The page reloads the rules from the server.
	poll[bool](t, ctx, 10*time.Second, "reloaded rule", `document.querySelector('#lc-0-id')?.value === 'logs'`)

	// A rule S3 refuses: its message is shown and nothing changes.
	do(t, ctx, 20*time.Second, "a bad rule",
		chromedp.SetValue(chromedp.CSS("#lc-0-move-days"), "5"),
		chromedp.SetValue(chromedp.CSS("#lc-0-move-class"), "STANDARD_IA"),
		chromedp.Click(chromedp.CSS("#lc-save")))
	poll[bool](t, ctx, 10*time.Second, "refusal shown", `document.querySelector('#status')?.textContent.includes('greater than or equal to 30')`)

	do(t, ctx, 20*time.Second, "remove all", chromedp.Click(chromedp.CSS("#lc-remove-all")))
	// confirmButton asks once more.
	do(t, ctx, 20*time.Second, "confirm", chromedp.Click(chromedp.CSS("#lc-remove-all")))
	poll[bool](t, ctx, 10*time.Second, "removed", `!!document.querySelector('.lc-rules p.muted')`)
	if _, err := s3c.GetBucketLifecycleConfiguration(sctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: aws.String("aging")}); err == nil {
		t.Fatal("rules still stored after removal")
	}
}
