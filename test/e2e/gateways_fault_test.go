package e2e

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/hoard-s3/hoard/internal/pgtest"
)

// acked is what the clients were told is stored.
type acked struct {
	mu sync.Mutex
	m  map[string][]byte
}

func (a *acked) add(key string, body []byte) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.m[key] = body
}

// writeLoad PUTs distinct keys through the gateways until stop closes,
// recording what each acknowledged. Errors are counted by HTTP status
// (0: no answer, the gateway is gone).
func writeLoad(ctx context.Context, gws []*proc, bucket string, workers int, size int, stop <-chan struct{}, a *acked, statuses *sync.Map) *sync.WaitGroup {
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := gws[w%len(gws)].client()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				key := fmt.Sprintf("w%d/%05d", w, i)
				body := patterned(w*100000+i, size+i%7*1000)
				_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: &key, Body: bytes.NewReader(body)})
				if err == nil {
					a.add(key, body)
					continue
				}
				n, _ := statuses.LoadOrStore(httpStatus(err), new(atomic.Int64))
				n.(*atomic.Int64).Add(1)
				if httpStatus(err) == 0 {
					time.Sleep(20 * time.Millisecond)
				}
			}
		}()
	}
	return &wg
}

// verifyAcked reads every acknowledged key back through c.
func verifyAcked(t *testing.T, c *s3.Client, bucket string, a *acked) {
	t.Helper()
	ctx := testContext(t)
	a.mu.Lock()
	defer a.mu.Unlock()
	for key, want := range a.m {
		got, err := getBody(ctx, c, bucket, key)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("acknowledged %s: read %d bytes (want %d), %v", key, len(got), len(want), err)
		}
	}
}

// TestGatewayKilledMidWrite: SIGKILL one of three gateways under load; the
// others go on serving and nothing acknowledged is lost.
func TestGatewayKilledMidWrite(t *testing.T) {
	gws := sharedGateways(t, 3)
	bucket := "kill"
	createBucket(t, gws[0].client(), bucket)
	a := &acked{m: map[string][]byte{}}
	var statuses sync.Map
	stop := make(chan struct{})
	wg := writeLoad(testContext(t), gws, bucket, 6, 200<<10, stop, a, &statuses)
	time.Sleep(time.Second)
	gws[1].kill()
	killedAt := len(a.m)
	time.Sleep(time.Second)
	close(stop)
	wg.Wait()
	a.mu.Lock()
	after := len(a.m) - killedAt
	a.mu.Unlock()
	if after < 3 {
		t.Fatalf("only %d writes acknowledged after the kill", after)
	}
	verifyAcked(t, gws[0].client(), bucket, a)
	verifyAcked(t, gws[2].client(), bucket, a)
	statuses.Range(func(k, v any) bool {
		if k.(int) != 0 { // the killed gateway's clients get no answer
			t.Errorf("%d writes failed with status %d", v.(*atomic.Int64).Load(), k)
		}
		return true
	})
}

// TestGatewaysDatabaseRestart: the database restarts under load; clients
// see 503 SlowDown (or a slower answer), never wrong data.
func TestGatewaysDatabaseRestart(t *testing.T) {
	c, err := pgtest.Start(false)
	if err != nil {
		pgtest.Unavailable(t, err)
	}
	t.Cleanup(c.Stop)
	db, err := c.NewDatabase()
	if err != nil {
		t.Fatal(err)
	}
	gws := startGateways(t, 2, db, "--meta-timeout", "3s")
	bucket := "restart"
	createBucket(t, gws[0].client(), bucket)
	a := &acked{m: map[string][]byte{}}
	var statuses sync.Map
	stop := make(chan struct{})
	wg := writeLoad(testContext(t), gws, bucket, 4, 8<<10, stop, a, &statuses)
	time.Sleep(700 * time.Millisecond)
	before := len(a.m)
	if err := c.Restart(500 * time.Millisecond); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1500 * time.Millisecond)
	close(stop)
	wg.Wait()
	if before == 0 || len(a.m) <= before {
		t.Fatalf("acknowledged %d writes before the restart and %d in all", before, len(a.m))
	}
	statuses.Range(func(k, v any) bool {
		t.Logf("%d writes answered %d", v.(*atomic.Int64).Load(), k)
		if k.(int) != 503 {
			t.Errorf("%d writes failed with status %d, want 503 SlowDown", v.(*atomic.Int64).Load(), k)
		}
		return true
	})
	verifyAcked(t, gws[0].client(), bucket, a)
	verifyAcked(t, gws[1].client(), bucket, a)
}

// stallProxy forwards TCP to a target and can stop moving bytes while
// keeping every connection open: a network stall, not a refusal.
type stallProxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	paused chan struct{} // closed when not paused
}

func newStallProxy(t *testing.T, target string) *stallProxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &stallProxy{ln: ln, target: target, paused: make(chan struct{})}
	close(p.paused)
	t.Cleanup(func() { ln.Close() })
	go p.serve()
	return p
}

func (p *stallProxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		go func() {
			up, err := net.Dial("tcp", p.target)
			if err != nil {
				c.Close()
				return
			}
			go p.pipe(up, c)
			p.pipe(c, up)
		}()
	}
}

func (p *stallProxy) pipe(dst, src net.Conn) {
	defer dst.Close()
	defer src.Close()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		p.mu.Lock()
		gate := p.paused
		p.mu.Unlock()
		<-gate
		if n > 0 {
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

func (p *stallProxy) pause() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.paused = make(chan struct{})
}

func (p *stallProxy) resume() {
	p.mu.Lock()
	defer p.mu.Unlock()
	close(p.paused)
}

// TestGatewayDatabaseStall: while the network to the database stalls, a
// request ends after the metadata timeout with 503 SlowDown; once the
// network moves again, requests succeed.
func TestGatewayDatabaseStall(t *testing.T) {
	db := pgtest.Database(t)
	u, err := url.Parse(db)
	if err != nil {
		t.Fatal(err)
	}
	proxy := newStallProxy(t, u.Host)
	u.Host = "127.0.0.1:" + strconv.Itoa(proxy.ln.Addr().(*net.TCPAddr).Port)
	gw := startGateways(t, 1, u.String(), "--meta-timeout", "2s")[0]
	bucket := "stall"
	createBucket(t, gw.client(), bucket)
	mustPut(t, gw.client(), bucket, "before", []byte("ok"))

	proxy.pause()
	ctx := testContext(t)
	start := time.Now()
	_, err = gw.client().PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: aws.String("during"), Body: bytes.NewReader([]byte("x"))})
	took := time.Since(start)
	if httpStatus(err) != 503 {
		t.Fatalf("PUT during the stall: %v, want 503 SlowDown", err)
	}
	if took > 6*time.Second {
		t.Fatalf("PUT during the stall took %s with a 2 s metadata timeout", took)
	}
	_, err = gw.client().GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: aws.String("before")})
	if httpStatus(err) != 503 {
		t.Fatalf("GET during the stall: %v, want 503 SlowDown", err)
	}
	proxy.resume()
	waitFor(t, 10*time.Second, "writes after the stall", func() bool {
		_, err := gw.client().PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: aws.String("after"), Body: bytes.NewReader([]byte("y"))})
		return err == nil
	})
	if got, err := getBody(ctx, gw.client(), bucket, "before"); err != nil || string(got) != "ok" {
		t.Fatalf("after the stall: %q, %v", got, err)
	}
}
