package logdelivery

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/hoard-s3/hoard/internal/object"
	"github.com/hoard-s3/hoard/internal/outbox"
)

// recordingSink records what it was given and fails the keys in fail.
type recordingSink struct {
	got  map[string]int
	fail map[string]error
}

func (s *recordingSink) Deliver(_ context.Context, key string, recs []outbox.Record, _ time.Time) error {
	if err := s.fail[key]; err != nil {
		return err
	}
	s.got[key] += len(recs)
	return nil
}

func TestBatcherDeliver(t *testing.T) {
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	rec := func(key string, age time.Duration) outbox.Record {
		return outbox.Record{Kind: KindAccessLog, OrderKey: key, Time: now.Add(-age)}
	}
	cases := []struct {
		name   string
		batch  []outbox.Record
		fail   map[string]error
		acked  int
		err    bool
		wanted map[string]int
	}{
		{"young records wait", []outbox.Record{rec("a", time.Second), rec("b", 0)}, nil, 0, false, map[string]int{}},
		{"an old record makes the batch due", []outbox.Record{rec("a", time.Hour), rec("b", 0), rec("a", 0)}, nil, 3, false,
			map[string]int{"a": 2, "b": 1}},
		{"a failure acknowledges the delivered prefix", []outbox.Record{rec("a", time.Hour), rec("b", 0), rec("a", 0)},
			map[string]error{"b": errors.New("down")}, 1, true, map[string]int{"a": 2}},
		{"dropped records are acknowledged", []outbox.Record{rec("a", time.Hour), rec("b", 0)},
			map[string]error{"a": ErrDrop}, 2, false, map[string]int{"b": 1}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := &recordingSink{got: map[string]int{}, fail: tc.fail}
			b := &Batcher{Sink: s, Interval: time.Minute, Now: func() time.Time { return now },
				Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
			acked, err := b.Deliver(context.Background(), tc.batch)
			if acked != tc.acked || (err != nil) != tc.err {
				t.Fatalf("acked %d, err %v; want %d, error %v", acked, err, tc.acked, tc.err)
			}
			if len(s.got) != len(tc.wanted) {
				t.Fatalf("delivered %v, want %v", s.got, tc.wanted)
			}
			for k, n := range tc.wanted {
				if s.got[k] != n {
					t.Fatalf("delivered %v, want %v", s.got, tc.wanted)
				}
			}
		})
	}
	// FlushBefore makes young records due.
	s := &recordingSink{got: map[string]int{}}
	b := &Batcher{Sink: s, Interval: time.Hour, Now: func() time.Time { return now }}
	b.FlushBefore(now)
	if n, err := b.Deliver(context.Background(), []outbox.Record{rec("a", time.Second)}); n != 1 || err != nil {
		t.Fatalf("after FlushBefore: acked %d, %v", n, err)
	}
}

func TestAccessLogKey(t *testing.T) {
	event := time.Date(2026, 12, 3, 23, 59, 59, 0, time.UTC)
	delivery := time.Date(2026, 12, 4, 0, 5, 1, 0, time.UTC)
	cases := []struct {
		f    object.LogKeyFormat
		want string
	}{
		{object.LogKeyFormat{}, "logs/2026-12-04-00-05-01-0123456789ABCDEF"},
		{object.LogKeyFormat{Partitioned: true, DateSource: object.LogDateEventTime}, "logs/000000000000/us-east-1/src/2026/12/03/2026-12-04-00-05-01-0123456789ABCDEF"},
		{object.LogKeyFormat{Partitioned: true, DateSource: object.LogDateDeliveryTime}, "logs/000000000000/us-east-1/src/2026/12/04/2026-12-04-00-05-01-0123456789ABCDEF"},
	}
	for _, tc := range cases {
		cfg := &object.BucketLogging{TargetBucket: "t", TargetPrefix: "logs/", KeyFormat: tc.f}
		if got := AccessLogKey(cfg, "000000000000", "us-east-1", "src", event, delivery, "0123456789ABCDEF"); got != tc.want {
			t.Errorf("%+v: got %q, want %q", tc.f, got, tc.want)
		}
	}
}
