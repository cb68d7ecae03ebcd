package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// TestServerFlags checks that --domain, --region and --log-format reach
// the running server.
func TestServerFlags(t *testing.T) {
	p := startHoard(t, startOpts{args: []string{"--domain", "s3.hoard.test", "--region", "eu-west-3", "--log-format", "json"}})
	t.Run("virtual-hosted style under --domain", func(t *testing.T) {
		c := virtualHostClient(p, "http://s3.hoard.test:"+port(p.Addr), "eu-west-3")
		createBucket(t, c, "vhost-bucket")
		putString(t, c, "vhost-bucket", "k", "virtual")
		if got := getString(t, c, "vhost-bucket", "k"); got != "virtual" {
			t.Errorf("got %q", got)
		}
	})
	t.Run("requests must be signed for --region", func(t *testing.T) {
		assertErrorCode(t, "ListBuckets signed for us-east-1", listBucketsErr(t, p.client()), "AuthorizationHeaderMalformed")
	})
	p.stop(t)
	t.Run("--log-format json", func(t *testing.T) { assertJSONLines(t, p.stderr.String()) })
}

// virtualHostClient talks virtual-hosted style to a made-up domain whose
// every name resolves, through the dialer, to the test server.
func virtualHostClient(p *proc, endpoint, region string) *s3.Client {
	dialer := &net.Dialer{Timeout: 5 * time.Second}
	transport := &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		return dialer.DialContext(ctx, network, p.Addr)
	}}
	return s3.New(s3.Options{
		Region:           region,
		BaseEndpoint:     aws.String(endpoint),
		Credentials:      credentials.NewStaticCredentialsProvider(accessKey, secretKey, ""),
		HTTPClient:       &http.Client{Transport: transport, Timeout: time.Minute},
		RetryMaxAttempts: 1,
	})
}

func port(addr string) string {
	_, p, _ := net.SplitHostPort(addr)
	return p
}

func assertJSONLines(t *testing.T, logs string) {
	lines := 0
	sc := bufio.NewScanner(strings.NewReader(logs))
	for sc.Scan() {
		var rec map[string]any
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Errorf("log line is not JSON: %q", sc.Text())
			continue
		}
		if rec["level"] == nil || rec["msg"] == nil {
			t.Errorf("log line lacks level or msg: %q", sc.Text())
		}
		lines++
	}
	if lines == 0 {
		t.Errorf("no log lines")
	}
}
