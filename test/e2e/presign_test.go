package e2e

import (
	"bytes"
	"io"
	"net/http"
	"os/exec"
	"strings"
	"testing"
)

// TestPresignCommand: URLs printed by `hoard presign` let a client with no
// credentials PUT and then GET an object on the running server.
func TestPresignCommand(t *testing.T) {
	p := startHoard(t, startOpts{})
	createBucket(t, p.client(), "presigned")
	cmd := exec.Command(hoardBin, "presign", "--endpoint", p.URL, "presigned/dir/shared file.txt")
	cmd.Env = serverEnv(false)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("hoard presign: %v\n%s", err, out)
	}
	urls := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if f := strings.Split(line, "\t"); len(f) == 3 {
			urls[f[0]+" "+f[1]] = f[2]
		}
	}
	body := []byte("uploaded through a presigned URL\n")
	doUnsigned(t, http.MethodPut, urls["put PUT"], body)
	if got := doUnsigned(t, http.MethodGet, urls["get GET"], nil); !bytes.Equal(got, body) {
		t.Errorf("presigned GET returned %q", got)
	}
}

// doUnsigned sends a request with no credentials of its own and fails the
// test unless it answers 200.
func doUnsigned(t *testing.T, method, url string, body []byte) []byte {
	t.Helper()
	if url == "" {
		t.Fatalf("hoard presign printed no %s URL", method)
	}
	req, err := http.NewRequestWithContext(testContext(t), method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s: %v", method, err)
	}
	defer resp.Body.Close()
	got, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("presigned %s: %d %s", method, resp.StatusCode, got)
	}
	return got
}
