package notify_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/hoard-s3/hoard/internal/event"
	"github.com/hoard-s3/hoard/internal/testserver"
)

// TestKafka produces to franz-go's in-process Kafka cluster (kfake): no
// Kafka broker is packaged for Debian, and kfake speaks the real wire
// protocol to the real client.
func TestKafka(t *testing.T) {
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(3, "s3-events"))
	if err != nil {
		t.Fatal(err)
	}
	defer cluster.Close()
	addr := cluster.ListenAddrs()[0]
	srv := testserver.Start(t, testserver.WithNotifyTargets(mustSpec(t, "kf=kafka://"+addr+"/s3-events")))
	watchAll(t, srv, "kafkabkt", "kf")
	keys := putKeys(t, srv, "kafkabkt", "k", 6)
	waitUntil(t, "drained", func() bool { s := status(t, srv, "kf"); return s.Delivered >= 7 && s.Queued == 0 })

	cl, err := kgo.NewClient(kgo.SeedBrokers(addr), kgo.ConsumeTopics("s3-events"), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	seen := map[string]bool{}
	deadline := time.Now().Add(20 * time.Second)
	for len(seen) < len(keys) && time.Now().Before(deadline) {
		fetches := cl.PollFetches(testserver.Context(t))
		fetches.EachRecord(func(r *kgo.Record) {
			var msg event.Message
			if json.Unmarshal(r.Value, &msg) != nil || len(msg.Records) != 1 {
				return // the s3:TestEvent
			}
			k := msg.Records[0].S3.Object.Key
			if string(r.Key) != "kafkabkt/"+k {
				t.Errorf("record key %q for %s", r.Key, k)
			}
			seen[k] = true
		})
	}
	for _, k := range keys {
		if !seen[k] {
			t.Errorf("event of %s not in the topic", k)
		}
	}
}
