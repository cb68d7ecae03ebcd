package s3api_test

import (
	"bufio"
	"bytes"
	"crypto/md5"
	"encoding/base64"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestBadDigestClosesConnection: a client that sends more body than its
// Content-Length gets BadDigest for the short body it declared, and the
// connection closes, so the extra bytes are never read as a request (the
// client's retry goes out on a fresh connection).
func TestBadDigestClosesConnection(t *testing.T) {
	e := newEnv(t)
	sum := md5.Sum([]byte("bar"))
	req := e.newRaw("PUT", "/"+e.bucket+"/short", []byte("ba"))
	req.Header.Set("Content-Md5", base64.StdEncoding.EncodeToString(sum[:]))
	e.signWith(req, "UNSIGNED-PAYLOAD")
	var wire bytes.Buffer
	if err := req.Write(&wire); err != nil {
		t.Fatal(err)
	}
	wire.WriteString("r") // one byte beyond Content-Length
	c, err := net.Dial("tcp", req.URL.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := c.Write(wire.Bytes()); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 400 || !strings.Contains(string(body), "<Code>BadDigest</Code>") || !resp.Close {
		t.Fatalf("answer %d close=%v %s", resp.StatusCode, resp.Close, body)
	}
	if rest, err := io.ReadAll(br); err != nil || len(rest) != 0 {
		t.Fatalf("after BadDigest the connection carried %q (%v)", rest, err)
	}
	if e.objectExists("short") {
		t.Fatal("the object was stored")
	}
}
