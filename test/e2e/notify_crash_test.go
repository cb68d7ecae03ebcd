package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// eventSink is a webhook that refuses (503) until accepting is set and
// then records the keys of the events it gets.
type eventSink struct {
	accepting atomic.Bool
	attempts  atomic.Int64
	mu        sync.Mutex
	keys      map[string]int
}

func (s *eventSink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	s.attempts.Add(1)
	if !s.accepting.Load() {
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	var msg struct {
		Records []struct {
			S3 struct {
				Object struct {
					Key string `json:"key"`
				} `json:"object"`
			} `json:"s3"`
		} `json:"Records"`
	}
	if json.NewDecoder(bytes.NewReader(body)).Decode(&msg) == nil && len(msg.Records) == 1 {
		s.mu.Lock()
		s.keys[msg.Records[0].S3.Object.Key]++
		s.mu.Unlock()
	}
}

// TestNotifyAfterSIGKILL: writers PUT while the webhook is down, the
// server is SIGKILLed, and after a restart (the webhook back up) the event
// of every acknowledged PUT arrives: the events were committed with the
// objects, not held in memory.
func TestNotifyAfterSIGKILL(t *testing.T) {
	sink := &eventSink{keys: map[string]int{}}
	hs := httptest.NewServer(sink)
	defer hs.Close()
	target := []string{"--notify-target", "hook=" + hs.URL + "/events"}
	p := startHoard(t, startOpts{args: target})
	c := p.client()
	createBucket(t, c, "evcrash")
	ctx := testContext(t)
	_, err := c.PutBucketNotificationConfiguration(ctx, &s3.PutBucketNotificationConfigurationInput{
		Bucket: aws.String("evcrash"),
		NotificationConfiguration: &types.NotificationConfiguration{QueueConfigurations: []types.QueueConfiguration{{
			QueueArn: aws.String("arn:aws:sqs:us-east-1:123456789012:hook"), Events: []types.Event{"s3:ObjectCreated:*"},
		}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var acked []string
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				key := fmt.Sprintf("w%d/%04d", w, i)
				_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("evcrash"), Key: aws.String(key), Body: strings.NewReader(key)})
				if err != nil {
					return // the kill
				}
				mu.Lock()
				acked = append(acked, key)
				mu.Unlock()
			}
		}()
	}
	waitFor(t, 20*time.Second, "refused deliveries", func() bool { return sink.attempts.Load() >= 5 })
	time.Sleep(300 * time.Millisecond)
	p.kill() // SIGKILL, writers still writing
	close(stop)
	wg.Wait()
	mu.Lock()
	keys := append([]string(nil), acked...)
	mu.Unlock()
	if len(keys) == 0 {
		t.Fatal("no PUT was acknowledged before the kill")
	}

	sink.accepting.Store(true)
	startHoard(t, startOpts{dataDir: p.DataDir, args: target})
	waitFor(t, 60*time.Second, "the event of every acknowledged PUT", func() bool {
		sink.mu.Lock()
		defer sink.mu.Unlock()
		for _, k := range keys {
			if sink.keys[k] == 0 {
				return false
			}
		}
		return true
	})
	t.Logf("%d acknowledged PUTs, all their events delivered after the restart", len(keys))
}
