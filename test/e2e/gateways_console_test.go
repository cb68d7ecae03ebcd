package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

func consoleBase(t *testing.T, p *proc) string {
	t.Helper()
	var base string
	waitFor(t, 5*time.Second, "the console line", func() bool {
		if m := consoleRE.FindStringSubmatch(p.stdout.String()); m != nil {
			base = m[1]
		}
		return base != ""
	})
	return base
}

// consoleCall sends a console API request with the session cookie and,
// for a POST, its CSRF token.
func consoleCall(t *testing.T, method, url, cookie, csrf string) int {
	t.Helper()
	req, _ := http.NewRequest(method, url, nil)
	req.AddCookie(&http.Cookie{Name: "hoard_console", Value: cookie})
	req.Header.Set("X-Hoard-Csrf", csrf)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// TestGatewaysConsoleSession: a console session opened through one gateway
// works through another, and signing out through the second ends it on
// both.
func TestGatewaysConsoleSession(t *testing.T) {
	gws := sharedGateways(t, 2, "--console-address", "127.0.0.1:0")
	a, b := consoleBase(t, gws[0]), consoleBase(t, gws[1])
	res, err := http.Post(a+"/api/login", "application/json",
		strings.NewReader(`{"accessKey":"`+accessKey+`","secretKey":"`+secretKey+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	var cookie string
	for _, c := range res.Cookies() {
		if c.Name == "hoard_console" {
			cookie = c.Value
		}
	}
	if res.StatusCode != 200 || cookie == "" {
		t.Fatalf("sign-in: %d, cookie %q", res.StatusCode, cookie)
	}
	if st := consoleCall(t, "GET", b+"/api/buckets", cookie, ""); st != 200 {
		t.Fatalf("the other gateway's console answers the session %d", st)
	}
	if st := consoleCall(t, "POST", b+"/api/logout", cookie, "wrong"); st != 403 {
		t.Fatalf("sign-out without the CSRF token: %d", st)
	}
	// The CSRF token is part of the stored session: read it from the
	// session endpoint of the second gateway.
	req, _ := http.NewRequest("GET", b+"/api/session", nil)
	req.AddCookie(&http.Cookie{Name: "hoard_console", Value: cookie})
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var info struct{ CSRF string }
	err = decodeJSONBody(res, &info)
	if err != nil || info.CSRF == "" {
		t.Fatalf("session info: %v", err)
	}
	if st := consoleCall(t, "POST", b+"/api/logout", cookie, info.CSRF); st != 200 {
		t.Fatalf("sign-out: %d", st)
	}
	if st := consoleCall(t, "GET", a+"/api/buckets", cookie, ""); st != 401 {
		t.Fatalf("after sign-out the first gateway answers %d", st)
	}
}

func decodeJSONBody(res *http.Response, v any) error {
	defer res.Body.Close()
	if res.StatusCode != 200 {
		return fmt.Errorf("status %d", res.StatusCode)
	}
	return json.NewDecoder(res.Body).Decode(v)
}
