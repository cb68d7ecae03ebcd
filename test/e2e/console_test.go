package e2e

import (
	"net/http"
	"net/http/cookiejar"
	"regexp"
	"strings"
	"testing"
	"time"
)

var consoleRE = regexp.MustCompile(`(?m)^hoard: console on (http://\S+)/$`)

// TestConsoleListener checks that the binary prints the console's URL,
// serves the page there and signs the root in; --console-address ""
// turns the console off.
func TestConsoleListener(t *testing.T) {
	p := startHoard(t, startOpts{})
	var base string
	for deadline := time.Now().Add(5 * time.Second); base == "" && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := consoleRE.FindStringSubmatch(p.stdout.String()); m != nil {
			base = m[1]
		}
	}
	if base == "" {
		t.Fatalf("no console line in %q", p.stdout.String())
	}
	res, err := http.Get(base + "/")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(res.Header.Get("Content-Security-Policy"), "connect-src 'self' "+p.URL) {
		t.Fatalf("console page: %d, CSP %q", res.StatusCode, res.Header.Get("Content-Security-Policy"))
	}
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar}
	res, err = hc.Post(base+"/api/login", "application/json",
		strings.NewReader(`{"accessKey":"`+accessKey+`","secretKey":"`+secretKey+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("sign-in: %d", res.StatusCode)
	}
	res, err = hc.Get(base + "/api/buckets")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("buckets: %d", res.StatusCode)
	}

	off := startHoard(t, startOpts{args: []string{"--console-address", ""}})
	time.Sleep(200 * time.Millisecond)
	if strings.Contains(off.stdout.String(), "console on") {
		t.Fatalf("console served despite --console-address \"\": %q", off.stdout.String())
	}
}
