package event

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// The outbox payload of a Record: a format byte, then the fields in a
// fixed order, strings as a uvarint length and bytes, times as varint
// Unix nanoseconds (0: none), the size as a presence byte and a varint.
// One is written per event in the writer's commit and read once per
// delivery, so it is built by hand rather than through reflection.
// Payloads queued as JSON (a leading '{') still decode.
const formatBinary = 2

var errShort = errors.New("event: truncated record")

// Encode is the outbox payload of r.
func (r *Record) Encode() []byte {
	strs := [...]string{r.Name, r.Region, r.Bucket, r.Owner, r.Key, r.ETag, r.VersionID, r.ConfigID,
		r.Request.PrincipalID, r.Request.SourceIP, r.Request.RequestID, r.Request.HostID, r.RestoreStorageClass}
	n := 1 + 3*binary.MaxVarintLen64 + 1
	for _, s := range strs {
		n += binary.MaxVarintLen32 + len(s)
	}
	b := make([]byte, 0, n)
	b = append(b, formatBinary)
	for _, s := range strs {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	b = binary.AppendVarint(b, unixNano(r.Time))
	b = binary.AppendVarint(b, unixNano(r.RestoreExpiry))
	if r.Size == nil {
		return append(b, 0)
	}
	b = append(b, 1)
	return binary.AppendVarint(b, *r.Size)
}

// Decode parses an outbox payload.
func Decode(p []byte) (*Record, error) {
	if len(p) > 0 && p[0] == '{' {
		var r Record
		if err := json.Unmarshal(p, &r); err != nil {
			return nil, fmt.Errorf("event: decode: %w", err)
		}
		return &r, nil
	}
	if len(p) == 0 || p[0] != formatBinary {
		return nil, errors.New("event: decode: unknown record format")
	}
	d := decoder{b: p[1:]}
	r := &Record{}
	for _, s := range [...]*string{&r.Name, &r.Region, &r.Bucket, &r.Owner, &r.Key, &r.ETag, &r.VersionID, &r.ConfigID,
		&r.Request.PrincipalID, &r.Request.SourceIP, &r.Request.RequestID, &r.Request.HostID, &r.RestoreStorageClass} {
		*s = d.string()
	}
	r.Time, r.RestoreExpiry = d.time(), d.time()
	if d.byte() == 1 {
		size := d.varint()
		r.Size = &size
	}
	if d.err != nil {
		return nil, fmt.Errorf("event: decode: %w", d.err)
	}
	return r, nil
}

func unixNano(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

type decoder struct {
	b   []byte
	err error
}

func (d *decoder) string() string {
	n, w := binary.Uvarint(d.b)
	if w <= 0 || uint64(len(d.b)-w) < n {
		d.fail()
		return ""
	}
	s := string(d.b[w : w+int(n)])
	d.b = d.b[w+int(n):]
	return s
}

func (d *decoder) varint() int64 {
	v, w := binary.Varint(d.b)
	if w <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[w:]
	return v
}

func (d *decoder) time() time.Time {
	ns := d.varint()
	if ns == 0 {
		return time.Time{}
	}
	return time.Unix(0, ns).UTC()
}

func (d *decoder) byte() byte {
	if len(d.b) == 0 {
		d.fail()
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

func (d *decoder) fail() {
	if d.err == nil {
		d.err = errShort
	}
	d.b = nil
}
