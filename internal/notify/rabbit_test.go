package notify_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/hoard-s3/hoard/internal/event"
	"github.com/hoard-s3/hoard/internal/testserver"
)

// RabbitMQ takes seconds to start, so the package starts it once, on
// first use, and TestMain stops it.
var rabbit struct {
	once  sync.Once
	url   string
	err   error
	dir   string
	procs []*brokerProc
}

// rabbitURL starts RabbitMQ (and an epmd of its own) with everything in
// a temporary directory: node name, ports, database and cookie are this
// process's, so it collides with no other broker on the machine.
func rabbitURL(t *testing.T) string {
	bin := rabbitBin(t)
	rabbit.once.Do(func() {
		var n *rabbitNode
		n, rabbit.err = newRabbitNode(t, bin, "shared")
		if rabbit.err == nil {
			rabbit.dir, rabbit.url = n.dir, n.url
			rabbit.procs = append(rabbit.procs, n.epmd, n.start(t))
		}
	})
	if rabbit.err != nil {
		t.Fatal(rabbit.err)
	}
	return rabbit.url
}

func rabbitBin(t *testing.T) string {
	bin := requireExternal(t, "rabbitmq-server")
	if _, err := os.Stat("/usr/lib/rabbitmq/bin/rabbitmq-server"); err == nil {
		bin = "/usr/lib/rabbitmq/bin/rabbitmq-server" // Debian's wrapper would switch users
	}
	return bin
}

// rabbitNode is one RabbitMQ node's directory, ports and environment:
// started again over the same directory it keeps its durable queues.
type rabbitNode struct {
	bin, dir, url string
	port          int
	env           []string
	epmd          *brokerProc
}

func newRabbitNode(t *testing.T, bin, name string) (*rabbitNode, error) {
	dir, err := os.MkdirTemp("", "hoard-rabbit-")
	if err != nil {
		return nil, err
	}
	port, epmdPort, distPort := freePort(t), freePort(t), freePort(t)
	conf := fmt.Sprintf("listeners.tcp.default = 127.0.0.1:%d\nloopback_users = none\n", port)
	for file, body := range map[string]string{"rabbit.conf": conf, "enabled_plugins": "[].\n"} {
		if err := os.WriteFile(filepath.Join(dir, file), []byte(body), 0o600); err != nil {
			return nil, err
		}
	}
	os.MkdirAll(filepath.Join(dir, "home"), 0o700)
	n := &rabbitNode{bin: bin, dir: dir, port: port, url: fmt.Sprintf("amqp://guest:guest@127.0.0.1:%d/", port)}
	n.epmd = startBroker(t, dir, "/usr/bin/epmd", epmdPort, nil, "-port", strconv.Itoa(epmdPort), "-address", "127.0.0.1")
	n.env = []string{
		"HOME=" + filepath.Join(dir, "home"),
		fmt.Sprintf("RABBITMQ_NODENAME=hoardtest%d%s@localhost", os.Getpid(), name),
		"RABBITMQ_NODE_IP_ADDRESS=127.0.0.1",
		"RABBITMQ_NODE_PORT=" + strconv.Itoa(port),
		"RABBITMQ_DIST_PORT=" + strconv.Itoa(distPort),
		"ERL_EPMD_PORT=" + strconv.Itoa(epmdPort),
		"ERL_EPMD_ADDRESS=127.0.0.1",
		"RABBITMQ_MNESIA_BASE=" + filepath.Join(dir, "mnesia"),
		"RABBITMQ_LOG_BASE=" + filepath.Join(dir, "log"),
		"RABBITMQ_CONFIG_FILE=" + filepath.Join(dir, "rabbit"),
		"RABBITMQ_ADVANCED_CONFIG_FILE=" + filepath.Join(dir, "advanced.config"),
		"RABBITMQ_ENABLED_PLUGINS_FILE=" + filepath.Join(dir, "enabled_plugins"),
		"RABBITMQ_PID_FILE=" + filepath.Join(dir, "rabbit.pid"),
		"RABBITMQ_LOGS=-",
	}
	return n, nil
}

// start runs the node and waits until it listens.
func (n *rabbitNode) start(t *testing.T) *brokerProc {
	return startBroker(t, n.dir, n.bin, n.port, n.env)
}

func stopRabbit() {
	for i := len(rabbit.procs) - 1; i >= 0; i-- {
		rabbit.procs[i].stop()
	}
	if rabbit.dir != "" {
		os.RemoveAll(rabbit.dir)
	}
}

func TestMain(m *testing.M) {
	code := m.Run()
	stopRabbit()
	os.Exit(code)
}

// TestAMQP: events are persistent messages, confirmed by the broker,
// routed by the default exchange to a queue.
func TestAMQP(t *testing.T) {
	url := rabbitURL(t)
	conn, err := amqp.Dial(url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ch, err := conn.Channel()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ch.QueueDeclare("s3-events", true, false, false, false, nil); err != nil {
		t.Fatal(err)
	}
	srv := testserver.Start(t, testserver.WithNotifyTargets(mustSpec(t, "mq="+url+"?routing-key=s3-events")))
	watchAll(t, srv, "amqpbkt", "mq")
	keys := putKeys(t, srv, "amqpbkt", "k", 5)
	waitUntil(t, "drained", func() bool { s := status(t, srv, "mq"); return s.Delivered >= 6 && s.Queued == 0 })
	deliveries, err := ch.Consume("s3-events", "", true, false, false, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	timeout := time.After(20 * time.Second)
	for len(seen) < len(keys) {
		select {
		case d := <-deliveries:
			if d.DeliveryMode != amqp.Persistent || d.ContentType != "application/json" {
				t.Errorf("delivery mode %d type %q", d.DeliveryMode, d.ContentType)
			}
			var msg event.Message
			if json.Unmarshal(d.Body, &msg) == nil && len(msg.Records) == 1 {
				seen[msg.Records[0].S3.Object.Key] = true
			}
		case <-timeout:
			t.Fatalf("got events of %d keys, want %d", len(seen), len(keys))
		}
	}
}
