package s3api_test

import (
	"bytes"
	"io"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/hoard-s3/hoard/internal/testserver"
)

// countingReader counts the bytes a client actually sent.
type countingReader struct {
	r io.Reader
	n atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// A PUT refused before its body is read gets its final status at once,
// without 100 Continue and without the body: a client that waits for 100
// Continue (Go's transport here, botocore and the Java SDK alike) must not
// hang until a timeout.
func TestExpectContinueRefused(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name   string
		secret string // empty: anonymous
		status int
		code   string
	}{
		{"bad signature", "not-the-secret", http.StatusForbidden, "SignatureDoesNotMatch"},
		{"anonymous", "", http.StatusForbidden, "AccessDenied"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := &countingReader{r: bytes.NewReader(make([]byte, 4<<20))}
			req, err := http.NewRequestWithContext(e.ctx, "PUT", e.srv.URL+"/"+e.bucket+"/refused", body)
			if err != nil {
				t.Fatal(err)
			}
			req.ContentLength = 4 << 20
			req.Header.Set("Expect", "100-continue")
			if tt.secret != "" {
				req.Header.Set("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD")
				creds := aws.Credentials{AccessKeyID: testserver.AccessKey, SecretAccessKey: tt.secret}
				if err := v4.NewSigner().SignHTTP(e.ctx, creds, req, "UNSIGNED-PAYLOAD", "s3", testserver.Region, time.Now()); err != nil {
					t.Fatal(err)
				}
			}
			// The transport sends the body only after 100 Continue; 5 s is
			// far beyond an immediate answer and far below the 60 s hang.
			c := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{ExpectContinueTimeout: time.Minute}}
			resp, err := c.Do(req)
			if err != nil {
				t.Fatalf("refused PUT with Expect: 100-continue: %v", err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			(&rawResp{status: resp.StatusCode, header: resp.Header, body: b}).wantError(t, tt.status, tt.code)
			if n := body.n.Load(); n != 0 {
				t.Errorf("client sent %d body bytes; want none before a refusal", n)
			}
			if !resp.Close {
				t.Errorf("connection kept open with the body unread")
			}
		})
	}
	if e.objectExists("refused") {
		t.Fatal("refused PUT stored")
	}
}
