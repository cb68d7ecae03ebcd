package logdelivery

import (
	"bytes"

	"github.com/hoard-s3/hoard/internal/outbox"
)

// An access-log outbox record is the lines of one request, after a
// header line "#REQUESTID PHASE". A request whose response leaves while
// it still runs queues provisional lines first, durable before the first
// response byte, then final ones when it ends; delivery writes the final
// lines and a request's provisional ones only when no final ones came
// (the server died in between). Records without a header (queued by an
// older version) are lines only.
const (
	ProvisionalRecord byte = 'P'
	FinalRecord       byte = 'F'
)

// AccessPayload is the outbox payload of one request's lines.
func AccessPayload(requestID string, phase byte, lines string) []byte {
	b := make([]byte, 0, len(requestID)+4+len(lines))
	b = append(b, '#')
	b = append(b, requestID...)
	b = append(b, ' ', phase, '\n')
	return append(b, lines...)
}

// accessLines splits a payload into its request id, phase and lines.
func accessLines(p []byte) (id string, phase byte, lines []byte) {
	if len(p) == 0 || p[0] != '#' {
		return "", FinalRecord, p
	}
	head, rest, _ := bytes.Cut(p, []byte{'\n'})
	if len(head) < 3 || head[len(head)-2] != ' ' {
		return "", FinalRecord, p
	}
	return string(head[1 : len(head)-2]), head[len(head)-1], rest
}

// logBody is the log object of recs: every final record's lines, and a
// provisional record's lines unless its request's final ones are there.
func logBody(recs []outbox.Record) *bytes.Buffer {
	final := map[string]bool{}
	for _, r := range recs {
		if id, phase, _ := accessLines(r.Payload); phase == FinalRecord && id != "" {
			final[id] = true
		}
	}
	var body bytes.Buffer
	for _, r := range recs {
		id, phase, lines := accessLines(r.Payload)
		if phase == ProvisionalRecord && final[id] {
			continue
		}
		body.Write(lines)
		body.WriteByte('\n')
	}
	return &body
}
