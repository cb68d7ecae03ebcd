package notify

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
)

// amqpTarget publishes to an AMQP 0-9-1 broker (RabbitMQ):
// amqp://user:pass@host:port/vhost?exchange=EX&routing-key=KEY. Without
// an exchange, the default exchange routes by the routing key, which is
// then a queue name (default "hoard-events"). Messages are persistent and
// published with confirms: delivered means the broker confirmed them.
type amqpTarget struct {
	url, exchange, key string

	mu   sync.Mutex
	conn *amqp.Connection
	ch   *amqp.Channel
}

func newAMQP(s Spec) (*amqpTarget, error) {
	u := *s.URL
	q := u.Query()
	t := &amqpTarget{exchange: q.Get("exchange"), key: q.Get("routing-key")}
	if t.key == "" && t.exchange == "" {
		t.key = "hoard-events"
	}
	q.Del("exchange")
	q.Del("routing-key")
	u.RawQuery = q.Encode()
	t.url = u.String()
	if _, err := amqp.ParseURI(t.url); err != nil {
		return nil, fmt.Errorf("amqp: %w", err)
	}
	return t, nil
}

// channel connects when there is no open channel; the caller holds mu.
func (t *amqpTarget) channel() (*amqp.Channel, error) {
	if t.ch != nil && !t.ch.IsClosed() && !t.conn.IsClosed() {
		return t.ch, nil
	}
	t.reset()
	conn, err := amqp.DialConfig(t.url, amqp.Config{Dial: amqp.DefaultDial(5 * time.Second), Heartbeat: 10 * time.Second})
	if err != nil {
		return nil, fmt.Errorf("amqp: connect: %w", err)
	}
	ch, err := conn.Channel()
	if err == nil {
		err = ch.Confirm(false)
	}
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("amqp: channel: %w", err)
	}
	t.conn, t.ch = conn, ch
	return ch, nil
}

func (t *amqpTarget) reset() {
	if t.conn != nil {
		t.conn.Close()
	}
	t.conn, t.ch = nil, nil
}

func (t *amqpTarget) Send(ctx context.Context, m Message) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	ch, err := t.channel()
	if err != nil {
		return err
	}
	conf, err := ch.PublishWithDeferredConfirmWithContext(ctx, t.exchange, t.key, false, false, amqp.Publishing{
		ContentType: "application/json", DeliveryMode: amqp.Persistent, MessageId: m.ID, Body: m.Body,
		Type: m.Name,
	})
	if err != nil {
		t.reset()
		return fmt.Errorf("amqp: publish: %w", err)
	}
	ok, err := conf.WaitContext(ctx)
	if err != nil {
		t.reset()
		return fmt.Errorf("amqp: confirm: %w", err)
	}
	if !ok {
		return errors.New("amqp: the broker refused the message (nack)")
	}
	return nil
}

func (t *amqpTarget) Close() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.reset()
	return nil
}
