package logdelivery

import (
	"testing"

	"github.com/hoard-s3/hoard/internal/outbox"
)

// TestLogBody: a request's provisional lines give way to its final ones
// when both are delivered together, and stand when the final ones never
// came; records without a header are lines as they are.
func TestLogBody(t *testing.T) {
	rec := func(p []byte) outbox.Record { return outbox.Record{Payload: p} }
	for name, tc := range map[string]struct {
		recs []outbox.Record
		want string
	}{
		"final replaces provisional": {[]outbox.Record{
			rec(AccessPayload("A", ProvisionalRecord, "a-provisional")),
			rec(AccessPayload("B", FinalRecord, "b1\nb2")),
			rec(AccessPayload("A", FinalRecord, "a-final")),
		}, "b1\nb2\na-final\n"},
		"provisional alone stands": {[]outbox.Record{
			rec(AccessPayload("A", ProvisionalRecord, "a-provisional")),
			rec(AccessPayload("B", FinalRecord, "b")),
		}, "a-provisional\nb\n"},
		"records without a header": {[]outbox.Record{rec([]byte("old line")), rec(AccessPayload("C", FinalRecord, "c"))},
			"old line\nc\n"},
	} {
		t.Run(name, func(t *testing.T) {
			if got := logBody(tc.recs).String(); got != tc.want {
				t.Fatalf("body %q, want %q", got, tc.want)
			}
		})
	}
}
