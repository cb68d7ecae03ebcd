package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/hoard-s3/hoard/internal/testserver"
)

// presignRun runs `hoard presign` in-process with the given environment.
func presignRun(env map[string]string, args ...string) (code int, stdout, stderr string) {
	var out, errw bytes.Buffer
	a := &app{stdout: &out, stderr: &errw, getenv: func(k string) string { return env[k] }, exit: func(int) {}}
	code = a.run(append([]string{"presign"}, args...))
	return code, out.String(), errw.String()
}

// presignLines parses NAME METHOD URL lines (and upload-id ID).
func presignLines(t *testing.T, out string) map[string][]string {
	t.Helper()
	m := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		f := strings.Split(line, "\t")
		if len(f) < 2 {
			t.Fatalf("bad output line %q", line)
		}
		m[f[0]] = f[1:]
	}
	return m
}

func doURL(t *testing.T, method, url string, body []byte) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("%s %s: %d %s", method, url, resp.StatusCode, b)
	}
	return resp, b
}

func presignEnv(t *testing.T) (*testserver.Server, map[string]string) {
	srv := testserver.Start(t)
	t.Cleanup(http.DefaultTransport.(*http.Transport).CloseIdleConnections)
	if _, err := srv.Client().CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String("shared")}); err != nil {
		t.Fatal(err)
	}
	return srv, map[string]string{"AWS_ACCESS_KEY_ID": testserver.AccessKey, "AWS_SECRET_ACCESS_KEY": testserver.SecretKey}
}

func TestPresignGetPut(t *testing.T) {
	srv, env := presignEnv(t)
	code, out, errs := presignRun(env, "--endpoint", srv.URL, "--expires", "2h", "s3://shared/dir/a b+c.txt")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	urls := presignLines(t, out)
	if urls["put"][0] != "PUT" || urls["get"][0] != "GET" || !strings.Contains(urls["get"][1], "X-Amz-Expires=7200") {
		t.Fatalf("output %q", out)
	}
	doURL(t, "PUT", urls["put"][1], []byte("shared data"))
	if _, body := doURL(t, "GET", urls["get"][1], nil); string(body) != "shared data" {
		t.Fatalf("got %q", body)
	}
}

func TestPresignMultipart(t *testing.T) {
	srv, env := presignEnv(t)
	env = map[string]string{"HOARD_ROOT_ACCESS_KEY": testserver.AccessKey, "HOARD_ROOT_SECRET_KEY": testserver.SecretKey}
	code, out, errs := presignRun(env, "--endpoint", srv.URL, "--multipart", "--parts", "2", "shared/big.bin")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	urls := presignLines(t, out)
	if urls["upload-id"][0] == "" || urls["complete"][0] != "POST" || urls["abort"][0] != "DELETE" {
		t.Fatalf("output %q", out)
	}
	parts := [][]byte{bytes.Repeat([]byte("a"), 5<<20), []byte("tail")}
	var doc strings.Builder
	doc.WriteString("<CompleteMultipartUpload>")
	for i, p := range parts {
		resp, _ := doURL(t, "PUT", urls[fmt.Sprintf("part-%d", i+1)][1], p)
		fmt.Fprintf(&doc, "<Part><PartNumber>%d</PartNumber><ETag>%s</ETag></Part>", i+1, resp.Header.Get("ETag"))
	}
	doc.WriteString("</CompleteMultipartUpload>")
	doURL(t, "POST", urls["complete"][1], []byte(doc.String()))
	got, err := srv.Client().GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String("shared"), Key: aws.String("big.bin")})
	if err != nil {
		t.Fatal(err)
	}
	defer got.Body.Close()
	body, _ := io.ReadAll(got.Body)
	if !bytes.Equal(body, bytes.Join(parts, nil)) {
		t.Fatalf("object of %d bytes", len(body))
	}
}

func TestPresignUsageErrors(t *testing.T) {
	env := map[string]string{"AWS_ACCESS_KEY_ID": "AK", "AWS_SECRET_ACCESS_KEY": "secret"}
	tests := []struct {
		args []string
		env  map[string]string
		msg  string
	}{
		{[]string{}, env, "one BUCKET/KEY"},
		{[]string{"bucketonly"}, env, "not BUCKET/KEY"},
		{[]string{"--expires", "169h", "b/k"}, env, "at most 168h"},
		{[]string{"--expires", "0s", "b/k"}, env, "more than 0"},
		{[]string{"--parts", "3", "b/k"}, env, "needs --multipart"},
		{[]string{"--multipart", "--parts", "10001", "b/k"}, env, "1 to 10000"},
		{[]string{"--endpoint", "ftp://x", "b/k"}, env, "--endpoint"},
		{[]string{"b/k"}, nil, "no credentials"},
	}
	for _, tt := range tests {
		code, _, errs := presignRun(tt.env, tt.args...)
		if code != 2 || !strings.Contains(errs, tt.msg) {
			t.Errorf("%v: exit %d, stderr %q, want %q", tt.args, code, errs, tt.msg)
		}
	}
	if code, out, _ := runApp("help", "presign"); code != 0 || !strings.Contains(out, "--multipart") {
		t.Errorf("help presign: %d %q", code, out)
	}
}
