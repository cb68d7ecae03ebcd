package console_test

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserAccounts creates and deletes an account on the operator's
// page, as a person would.
func TestBrowserAccounts(t *testing.T) {
	ts := start(t)
	ctx := newBrowser(t)
	signIn(t, ctx, ts)
	do(t, ctx, 20*time.Second, "open the accounts page",
		chromedp.WaitVisible(chromedp.CSS("#nav-accounts")),
		chromedp.Click(chromedp.CSS("#nav-accounts")),
		chromedp.WaitVisible(chromedp.CSS(`tr[data-account="000000000000"]`)),
		chromedp.SendKeys(chromedp.CSS("#new-account"), "blue"),
		chromedp.SendKeys(chromedp.CSS("#new-account-email"), "blue@example.com"),
		chromedp.Click(chromedp.CSS(`#create-account button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS("#new-account-secret dl")))
	id := poll[string](t, ctx, 5*time.Second, "the new account's id",
		`document.querySelector('#new-account-secret dd')?.textContent || ''`)
	if len(id) != 12 {
		t.Fatalf("account id %q", id)
	}
	poll[bool](t, ctx, 5*time.Second, "the new account's row", `!!document.querySelector('tr[data-account="`+id+`"]')`)
	screenshot(t, ctx, "accounts.png")
	do(t, ctx, 20*time.Second, "delete the account",
		chromedp.Click(chromedp.CSS(`tr[data-account="`+id+`"] button.danger`)),
		chromedp.Click(chromedp.CSS(`tr[data-account="`+id+`"] button.danger`)))
	poll[bool](t, ctx, 10*time.Second, "the row gone", `!document.querySelector('tr[data-account="`+id+`"]')`)
}
