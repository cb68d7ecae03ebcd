package notify_test

import (
	"encoding/json"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/hoard-s3/hoard/internal/event"
	"github.com/hoard-s3/hoard/internal/notify"
	"github.com/hoard-s3/hoard/internal/testserver"
)

func startNATS(t *testing.T, dir string, port int) *brokerProc {
	bin := requireExternal(t, "nats-server")
	p := startBroker(t, dir, bin, port, nil, "-a", "127.0.0.1", "-p", strconv.Itoa(port), "-js", "-sd", dir)
	t.Cleanup(p.stop)
	return p
}

func mustSpec(t *testing.T, s string) notify.Spec {
	t.Helper()
	spec, err := notify.ParseSpec(s)
	if err != nil {
		t.Fatal(err)
	}
	return spec
}

// TestNATSCore: without a stream, events are core NATS messages.
func TestNATSCore(t *testing.T) {
	dir, port := t.TempDir(), freePort(t)
	startNATS(t, dir, port)
	url := fmt.Sprintf("nats://127.0.0.1:%d", port)
	nc, err := nats.Connect(url)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	var mu sync.Mutex
	var got []event.MessageRecord
	sub, err := nc.Subscribe("hoard.core", func(m *nats.Msg) {
		var msg event.Message
		if json.Unmarshal(m.Data, &msg) == nil && len(msg.Records) == 1 {
			mu.Lock()
			got = append(got, msg.Records[0])
			mu.Unlock()
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Unsubscribe()
	nc.Flush()
	srv := testserver.Start(t, testserver.WithNotifyTargets(mustSpec(t, "core="+url+"/hoard.core")))
	watchAll(t, srv, "natscore", "core")
	putKeys(t, srv, "natscore", "k", 3)
	waitUntil(t, "3 NATS messages", func() bool { mu.Lock(); defer mu.Unlock(); return len(got) == 3 })
	if got[0].EventName != event.ObjectCreatedPut || got[0].S3.Bucket.Name != "natscore" {
		t.Fatalf("message %+v", got[0])
	}
}

// TestNATSJetStreamBrokerStopped: with a stream on the subject, events
// go through JetStream; while the server is stopped they wait, and after
// it restarts every one of them is in the stream.
func TestNATSJetStreamBrokerStopped(t *testing.T) {
	dir, port := t.TempDir(), freePort(t)
	broker := startNATS(t, dir, port)
	url := fmt.Sprintf("nats://127.0.0.1:%d", port)
	nc, err := nats.Connect(url)
	if err != nil {
		t.Fatal(err)
	}
	js, _ := jetstream.New(nc)
	ctx := testserver.Context(t)
	if _, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "EVENTS", Subjects: []string{"hoard.js"}, Storage: jetstream.FileStorage}); err != nil {
		t.Fatal(err)
	}
	nc.Close()
	srv := testserver.Start(t, testserver.WithNotifyTargets(mustSpec(t, "js="+url+"/hoard.js")))
	watchAll(t, srv, "natsjs", "js")
	keys := putKeys(t, srv, "natsjs", "before", 3)
	waitUntil(t, "delivered", func() bool { return status(t, srv, "js").Delivered >= 4 })

	broker.stop()
	keys = append(keys, putKeys(t, srv, "natsjs", "during", 5)...)
	waitUntil(t, "failures while stopped", func() bool { return status(t, srv, "js").Failed > 0 })
	if s := status(t, srv, "js"); s.Queued == 0 {
		t.Fatalf("nothing waits while the broker is down: %+v", s)
	}
	startNATS(t, dir, port)
	waitUntil(t, "drained", func() bool { return status(t, srv, "js").Queued == 0 })

	nc, err = nats.Connect(url)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, _ = jetstream.New(nc)
	cons, err := js.OrderedConsumer(ctx, "EVENTS", jetstream.OrderedConsumerConfig{})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	batch, err := cons.Fetch(100, jetstream.FetchMaxWait(2*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	for m := range batch.Messages() {
		// Published through JetStream, not as a core message the stream
		// happened to capture.
		if m.Headers().Get("Nats-Msg-Id") == "" {
			t.Errorf("message without Nats-Msg-Id: %s", m.Data())
		}
		var msg event.Message
		if json.Unmarshal(m.Data(), &msg) == nil && len(msg.Records) == 1 {
			seen[msg.Records[0].S3.Object.Key] = true
		}
	}
	for _, k := range keys {
		if !seen[k] {
			t.Errorf("event of %s missing from the stream", k)
		}
	}
}
