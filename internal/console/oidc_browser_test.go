package console_test

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserSignInWithOIDC: the sign-in page offers the provider; one
// click runs the whole flow (the test issuer consents at once) and the
// console shows the assumed role.
func TestBrowserSignInWithOIDC(t *testing.T) {
	srv, _ := oidcServer(t)
	// The test issuer's certificate is its own.
	ctx := newBrowser(t, chromedp.Flag("ignore-certificate-errors", true))
	do(t, ctx, 30*time.Second, "sign in with the provider",
		chromedp.Navigate(srv.ConsoleURL+"/"),
		chromedp.WaitVisible(chromedp.CSS("#oidc-signin")),
		chromedp.Click(chromedp.CSS("#oidc-signin")),
		chromedp.WaitVisible(chromedp.CSS("#new-bucket")))
	who := poll[string](t, ctx, 5*time.Second, "principal shown", `document.querySelector('#who').textContent`)
	if who != "arn:aws:sts::000000000000:assumed-role/console-users/ada" {
		t.Fatalf("signed in as %q", who)
	}
}
