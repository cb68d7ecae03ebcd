// Command replbench measures bucket replication between two Hoard sites
// on this machine: it starts two servers (a source and a destination) on
// loopback, registers the destination on the source, and PUTs objects of
// one size at a steady rate into a replicating bucket; then it waits for
// the backlog to drain and reads the source's replication lag (write to
// COMPLETED, p50 and p99, as /metrics reports it) and failures.
//
//	go run ./bench/cmd/replbench -hoard ./hoard -size 4096 -rate 200 -duration 10s
package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/hoard-s3/hoard/internal/adminapi"
)

const (
	accessKey = "HOARDBENCHROOTKEY001"
	secretKey = "hoard-bench-secret-key-0123456789abcdefgh"
	token     = "replbench-metrics-token"
)

type server struct {
	cmd *exec.Cmd
	url string
}

func start(bin, dir string) (*server, error) {
	tok := filepath.Join(dir, "token")
	if err := os.WriteFile(tok, []byte(token), 0o600); err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "server", "--data", filepath.Join(dir, "data"), "--address", "127.0.0.1:0",
		"--console-address", "", "--metrics-token-file", tok)
	cmd.Env = append(os.Environ(), "HOARD_ROOT_ACCESS_KEY="+accessKey, "HOARD_ROOT_SECRET_KEY="+secretKey)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	re := regexp.MustCompile(`^hoard: listening on (http://\S+)$`)
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if m := re.FindStringSubmatch(sc.Text()); m != nil {
			go io.Copy(io.Discard, out)
			return &server{cmd: cmd, url: m[1]}, nil
		}
	}
	cmd.Process.Kill()
	return nil, fmt.Errorf("%s did not start", bin)
}

func (s *server) stop() {
	s.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		s.cmd.Process.Kill()
	}
}

func client(url string) *s3.Client {
	return s3.New(s3.Options{Region: "us-east-1", BaseEndpoint: aws.String(url), UsePathStyle: true,
		Credentials: credentials.NewStaticCredentialsProvider(accessKey, secretKey, "")})
}

// metric reads one sample of the source's /metrics.
func metric(url, name string) (string, error) {
	req, _ := http.NewRequest(http.MethodGet, url+"/metrics", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	for _, line := range strings.Split(string(body), "\n") {
		if strings.HasPrefix(line, name+" ") {
			return strings.TrimPrefix(line, name+" "), nil
		}
	}
	return "", fmt.Errorf("no %s in /metrics", name)
}

func main() {
	bin := flag.String("hoard", "hoard", "the hoard binary")
	size := flag.Int("size", 4096, "object size in bytes")
	rate := flag.Float64("rate", 200, "PUTs per second, steady")
	dur := flag.Duration("duration", 10*time.Second, "how long to write")
	flag.Parse()
	if err := run(*bin, *size, *rate, *dur); err != nil {
		fmt.Fprintln(os.Stderr, "replbench:", err)
		os.Exit(1)
	}
}

func run(bin string, size int, rate float64, dur time.Duration) error {
	ctx := context.Background()
	work, err := os.MkdirTemp("", "replbench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	var srvs []*server
	for _, name := range []string{"src", "dst"} {
		os.MkdirAll(filepath.Join(work, name), 0o700)
		s, err := start(bin, filepath.Join(work, name))
		if err != nil {
			return err
		}
		defer s.stop()
		srvs = append(srvs, s)
	}
	src, dst := srvs[0], srvs[1]
	admin := &adminapi.Client{Endpoint: src.url, AccessKey: accessKey, SecretKey: secretKey}
	if _, err := admin.AddSite(ctx, adminapi.SiteRequest{Name: "dst", Endpoint: dst.url, Region: "us-east-1", AccessKey: accessKey, SecretKey: secretKey}); err != nil {
		return err
	}
	cs, cd := client(src.url), client(dst.url)
	for _, p := range []struct {
		c *s3.Client
		b string
	}{{cs, "bench"}, {cd, "bench-copy"}} {
		if _, err := p.c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(p.b)}); err != nil {
			return err
		}
		if _, err := p.c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String(p.b),
			VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}}); err != nil {
			return err
		}
	}
	if _, err := cs.PutBucketReplication(ctx, &s3.PutBucketReplicationInput{Bucket: aws.String("bench"),
		ReplicationConfiguration: &types.ReplicationConfiguration{Role: aws.String("arn:aws:iam::123456789012:role/r"), Rules: []types.ReplicationRule{{
			ID: aws.String("all"), Priority: aws.Int32(1), Status: types.ReplicationRuleStatusEnabled, Filter: &types.ReplicationRuleFilter{Prefix: aws.String("")},
			DeleteMarkerReplication: &types.DeleteMarkerReplication{Status: types.DeleteMarkerReplicationStatusDisabled},
			Destination:             &types.Destination{Bucket: aws.String("arn:aws:s3:::bench-copy")}}}}}); err != nil {
		return err
	}
	data := make([]byte, size)
	rand.Read(data)
	var puts, errs atomic.Int64
	var wg sync.WaitGroup
	tick := time.NewTicker(time.Duration(float64(time.Second) / rate))
	end := time.Now().Add(dur)
	sem := make(chan struct{}, 64)
	for i := 0; time.Now().Before(end); i++ {
		<-tick.C
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			_, err := cs.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bench"), Key: aws.String(fmt.Sprintf("obj/%07d", i)), Body: bytes.NewReader(data)})
			if err != nil {
				errs.Add(1)
				return
			}
			puts.Add(1)
		}()
	}
	tick.Stop()
	wg.Wait()
	wrote := time.Now()
	for {
		b, err := metric(src.url, "hoard_replication_backlog")
		if err != nil {
			return err
		}
		if b == "0" {
			break
		}
		if time.Since(wrote) > 10*time.Minute {
			return fmt.Errorf("backlog %s after 10 minutes", b)
		}
		time.Sleep(20 * time.Millisecond)
	}
	drain := time.Since(wrote)
	p50, _ := metric(src.url, `hoard_replication_lag_seconds{quantile="0.5"}`)
	p99, _ := metric(src.url, `hoard_replication_lag_seconds{quantile="0.99"}`)
	done, _ := metric(src.url, "hoard_replication_completed_total")
	fails, _ := metric(src.url, "hoard_replication_failures_total")
	l, err := cd.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: aws.String("bench-copy"), MaxKeys: aws.Int32(1)})
	if err != nil || len(l.Versions) == 0 {
		return fmt.Errorf("nothing at the destination: %v", err)
	}
	fmt.Printf("size=%d rate=%.1f/s duration=%s puts=%d put_errors=%d replicated=%s failures=%s lag_p50=%ss lag_p99=%ss drain_after_last_put=%s\n",
		size, rate, dur, puts.Load(), errs.Load(), done, fails, p50, p99, drain.Round(time.Millisecond))
	return nil
}
