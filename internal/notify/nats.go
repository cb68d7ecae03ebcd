package notify

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// natsTarget publishes to a subject: nats://[user:pass@]host:port/SUBJECT
// (default subject "hoard.events"). When a JetStream stream captures the
// subject, messages go through JetStream and count as delivered once the
// stream acknowledged them (deduplicated by Nats-Msg-Id); otherwise they
// are core NATS messages, delivered once the server has them (a flush).
type natsTarget struct {
	subject string
	nc      *nats.Conn
	js      jetstream.JetStream

	mu       sync.Mutex
	stream   bool
	checked  time.Time
	checkTTL time.Duration
}

func newNATS(s Spec) (*natsTarget, error) {
	u := *s.URL
	subject := strings.Trim(u.Path, "/")
	if subject == "" {
		subject = "hoard.events"
	}
	u.Path, u.RawPath = "", ""
	nc, err := nats.Connect(u.String(),
		nats.Name("hoard"),
		nats.RetryOnFailedConnect(true), // a server down at start-up is retried
		nats.MaxReconnects(-1),
		nats.ReconnectWait(250*time.Millisecond),
		// Without a buffer, a publish while disconnected fails instead of
		// being held in memory, where a crash would lose it.
		nats.ReconnectBufSize(-1),
		nats.Timeout(5*time.Second),
	)
	if err != nil {
		return nil, fmt.Errorf("nats: %w", err)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("nats: %w", err)
	}
	return &natsTarget{subject: subject, nc: nc, js: js, checkTTL: 10 * time.Second}, nil
}

// hasStream tells, looked up at most every checkTTL, whether a JetStream
// stream captures the subject.
func (t *natsTarget) hasStream(ctx context.Context) (bool, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.checked.IsZero() && time.Since(t.checked) < t.checkTTL {
		return t.stream, nil
	}
	_, err := t.js.StreamNameBySubject(ctx, t.subject)
	switch {
	case err == nil:
		t.stream = true
	case errors.Is(err, jetstream.ErrStreamNotFound), errors.Is(err, jetstream.ErrJetStreamNotEnabled),
		errors.Is(err, jetstream.ErrJetStreamNotEnabledForAccount):
		t.stream = false
	default:
		return false, fmt.Errorf("nats: look up the stream of %s: %w", t.subject, err)
	}
	t.checked = time.Now()
	return t.stream, nil
}

func (t *natsTarget) Send(ctx context.Context, m Message) error {
	if !t.nc.IsConnected() {
		return errors.New("nats: not connected")
	}
	stream, err := t.hasStream(ctx)
	if err != nil {
		return err
	}
	if stream {
		if _, err := t.js.Publish(ctx, t.subject, m.Body, jetstream.WithMsgID(m.ID)); err != nil {
			return fmt.Errorf("nats: jetstream publish: %w", err)
		}
		return nil
	}
	if err := t.nc.Publish(t.subject, m.Body); err != nil {
		return fmt.Errorf("nats: publish: %w", err)
	}
	if err := t.nc.FlushWithContext(ctx); err != nil {
		return fmt.Errorf("nats: flush: %w", err)
	}
	return nil
}

func (t *natsTarget) Close() error {
	t.nc.Close()
	return nil
}
