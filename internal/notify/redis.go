package notify

import (
	"context"
	"fmt"

	"github.com/redis/go-redis/v9"
)

// redisTarget appends to a Redis stream:
// redis://[:password@]host:port[/DB]?stream=NAME (default stream
// "hoard:events"), one entry per event with fields "key" (bucket/key),
// "event" (the name) and "message" (S3's JSON). Delivered means XADD
// answered.
type redisTarget struct {
	rdb    *redis.Client
	stream string
}

func newRedis(s Spec) (*redisTarget, error) {
	u := *s.URL
	q := u.Query()
	stream := q.Get("stream")
	if stream == "" {
		stream = "hoard:events"
	}
	q.Del("stream")
	u.RawQuery = q.Encode()
	opts, err := redis.ParseURL(u.String())
	if err != nil {
		return nil, fmt.Errorf("redis: %w", err)
	}
	opts.MaxRetries = 1
	return &redisTarget{rdb: redis.NewClient(opts), stream: stream}, nil
}

func (t *redisTarget) Send(ctx context.Context, m Message) error {
	err := t.rdb.XAdd(ctx, &redis.XAddArgs{Stream: t.stream, Values: []any{"key", m.Key, "event", m.Name, "message", m.Body}}).Err()
	if err != nil {
		return fmt.Errorf("redis: XADD %s: %w", t.stream, err)
	}
	return nil
}

func (t *redisTarget) Close() error { return t.rdb.Close() }
