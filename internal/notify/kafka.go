package notify

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// kafkaTarget produces to a topic: kafka://host:port/TOPIC, more seed
// brokers in ?brokers=h2:p2,h3:p3. Records are keyed by "bucket/key", so
// one object's events stay in one partition, in order; delivered means
// all in-sync replicas have them (acks=all).
type kafkaTarget struct {
	cl    *kgo.Client
	topic string
}

func newKafka(s Spec) (*kafkaTarget, error) {
	topic := strings.Trim(s.URL.Path, "/")
	if topic == "" {
		return nil, fmt.Errorf("kafka: the URL names no topic (kafka://host:port/TOPIC)")
	}
	seeds := []string{s.URL.Host}
	if more := s.URL.Query().Get("brokers"); more != "" {
		seeds = append(seeds, strings.Split(more, ",")...)
	}
	cl, err := kgo.NewClient(
		kgo.SeedBrokers(seeds...),
		kgo.DefaultProduceTopic(topic),
		kgo.RequiredAcks(kgo.AllISRAcks()),
		kgo.ProduceRequestTimeout(10*time.Second),
		kgo.RecordDeliveryTimeout(20*time.Second),
	)
	if err != nil {
		return nil, fmt.Errorf("kafka: %w", err)
	}
	return &kafkaTarget{cl: cl, topic: topic}, nil
}

func (t *kafkaTarget) Send(ctx context.Context, m Message) error {
	r := &kgo.Record{Key: []byte(m.Key), Value: m.Body, Headers: []kgo.RecordHeader{{Key: "event", Value: []byte(m.Name)}}}
	if err := t.cl.ProduceSync(ctx, r).FirstErr(); err != nil {
		return fmt.Errorf("kafka: produce to %s: %w", t.topic, err)
	}
	return nil
}

func (t *kafkaTarget) Close() error {
	t.cl.Close()
	return nil
}
