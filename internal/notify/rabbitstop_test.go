package notify_test

import (
	"encoding/json"
	"os"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/hoard-s3/hoard/internal/event"
	"github.com/hoard-s3/hoard/internal/testserver"
)

// TestAMQPBrokerStopped: RabbitMQ shuts down while events are raised;
// they wait in the outbox, and once the broker is back (same node, same
// durable queue) every event is in the queue, at least once.
func TestAMQPBrokerStopped(t *testing.T) {
	node, err := newRabbitNode(t, rabbitBin(t), "restart")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { node.epmd.stop(); os.RemoveAll(node.dir) })
	broker := node.start(t)
	t.Cleanup(func() { broker.stop() })
	declareQueue(t, node.url, "restart-events")

	srv := testserver.Start(t, testserver.WithNotifyTargets(mustSpec(t, "mq="+node.url+"?routing-key=restart-events")))
	watchAll(t, srv, "amqpstop", "mq")
	keys := putKeys(t, srv, "amqpstop", "before", 3)
	waitUntil(t, "delivered", func() bool { return status(t, srv, "mq").Delivered >= 4 })

	broker.terminate()
	keys = append(keys, putKeys(t, srv, "amqpstop", "during", 6)...)
	waitUntil(t, "failures while stopped", func() bool { return status(t, srv, "mq").Failed >= 2 })
	if s := status(t, srv, "mq"); s.Queued == 0 || s.Healthy {
		t.Fatalf("status while the broker is down: %+v", s)
	}
	time.Sleep(time.Second) // a while longer: the backoff grows
	broker = node.start(t)
	keys = append(keys, putKeys(t, srv, "amqpstop", "after", 2)...)
	waitUntil(t, "drained", func() bool { s := status(t, srv, "mq"); return s.Queued == 0 && s.Healthy })

	seen := consumeKeys(t, node.url, "restart-events", len(keys))
	for _, k := range keys {
		if seen[k] == 0 {
			t.Errorf("event of %s missing from the queue", k)
		}
	}
}

func declareQueue(t *testing.T, url, queue string) {
	t.Helper()
	conn, err := amqp.Dial(url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ch, err := conn.Channel()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ch.QueueDeclare(queue, true, false, false, false, nil); err != nil {
		t.Fatal(err)
	}
}

// consumeKeys reads the queue until it holds events of want distinct
// keys (or 20 s pass) and counts the events per key.
func consumeKeys(t *testing.T, url, queue string, want int) map[string]int {
	t.Helper()
	conn, err := amqp.Dial(url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ch, err := conn.Channel()
	if err != nil {
		t.Fatal(err)
	}
	deliveries, err := ch.Consume(queue, "", true, false, false, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	timeout := time.After(20 * time.Second)
	for len(seen) < want {
		select {
		case d := <-deliveries:
			var msg event.Message
			if json.Unmarshal(d.Body, &msg) == nil && len(msg.Records) == 1 {
				seen[msg.Records[0].S3.Object.Key]++
			}
		case <-timeout:
			return seen
		}
	}
	return seen
}
