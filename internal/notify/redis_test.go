package notify_test

import (
	"encoding/json"
	"fmt"
	"strconv"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/hoard-s3/hoard/internal/event"
	"github.com/hoard-s3/hoard/internal/testserver"
)

func startRedis(t *testing.T, dir string, port int) *brokerProc {
	bin := requireExternal(t, "redis-server")
	// Persistence on, so the stream survives the restart below.
	p := startBroker(t, dir, bin, port, nil, "--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--dir", dir,
		"--appendonly", "yes", "--appendfsync", "always", "--save", "", "--daemonize", "no")
	t.Cleanup(p.stop)
	return p
}

// TestRedisStreamBrokerStopped: events are stream entries; while Redis
// is down they wait, and after it restarts all are in the stream.
func TestRedisStreamBrokerStopped(t *testing.T) {
	dir, port := t.TempDir(), freePort(t)
	broker := startRedis(t, dir, port)
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	srv := testserver.Start(t, testserver.WithNotifyTargets(mustSpec(t, "rs=redis://"+addr+"/0?stream=s3events")))
	watchAll(t, srv, "redisbkt", "rs")
	keys := putKeys(t, srv, "redisbkt", "before", 3)
	waitUntil(t, "delivered", func() bool { return status(t, srv, "rs").Delivered >= 4 })
	broker.stop()
	keys = append(keys, putKeys(t, srv, "redisbkt", "during", 5)...)
	waitUntil(t, "failures while stopped", func() bool { return status(t, srv, "rs").Failed > 0 })
	startRedis(t, dir, port)
	waitUntil(t, "drained", func() bool { return status(t, srv, "rs").Queued == 0 })

	rdb := redis.NewClient(&redis.Options{Addr: addr})
	defer rdb.Close()
	entries, err := rdb.XRange(testserver.Context(t), "s3events", "-", "+").Result()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, e := range entries {
		body, _ := e.Values["message"].(string)
		var msg event.Message
		if json.Unmarshal([]byte(body), &msg) == nil && len(msg.Records) == 1 {
			r := msg.Records[0]
			if e.Values["key"] != "redisbkt/"+r.S3.Object.Key || e.Values["event"] != r.EventName {
				t.Errorf("entry fields %v for %s", e.Values["key"], r.S3.Object.Key)
			}
			seen[r.S3.Object.Key] = true
		}
	}
	for _, k := range keys {
		if !seen[k] {
			t.Errorf("event of %s missing from the stream", k)
		}
	}
}
