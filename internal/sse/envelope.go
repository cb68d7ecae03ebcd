package sse

import (
	"crypto/md5"
	"encoding/binary"
	"fmt"
)

// Type is how an object is encrypted at rest.
type Type byte

const (
	None Type = iota // stored in plaintext (encryption switched off)
	S3               // data key wrapped by the root keyring (SSE-S3)
	C                // data key wrapped by the customer's key (SSE-C)
	KMS              // data key wrapped by a key service key (SSE-KMS)
)

func (t Type) String() string {
	switch t {
	case None:
		return "none"
	case S3:
		return "SSE-S3"
	case C:
		return "SSE-C"
	case KMS:
		return "SSE-KMS"
	}
	return fmt.Sprintf("Type(%d)", byte(t))
}

// Envelope records how an object's (or upload's) data key is protected.
// It is stored in the metadata record beside the object's description and
// holds no secret in the clear.
type Envelope struct {
	Type      Type
	Defaulted bool // chosen by the bucket default, not by the request
	BucketKey bool // BucketKeyEnabled as requested (reported, no effect)
	// Wrapped is the data key sealed under the root key (S3), the
	// customer key (C) or the key service key (KMS).
	Wrapped    []byte
	KMSKeyARN  string
	KMSContext string // canonical JSON of the encryption context
	// Fingerprint (a random salt and an HMAC keyed by the SSE-C key)
	// recognises the customer key; nothing else about it is stored.
	Fingerprint []byte
	// legacyKeyMD5 is set on an SSE-C envelope decoded from a record that
	// still holds the unsalted MD5 of the customer key, which envelopes
	// once stored. The digest itself is dropped on decode, so re-encoding
	// the envelope removes it from the record.
	legacyKeyMD5 bool
}

// HasLegacyKeyMD5 reports whether the stored form of e still carries the
// unsalted MD5 of its customer key (an envelope written before the MD5
// was dropped); re-encoding the envelope drops it.
func (e *Envelope) HasLegacyKeyMD5() bool { return e.legacyKeyMD5 }

const envelopeV1 = 1

// maxEnvelopeField bounds each variable field, so a corrupt length cannot
// make the decoder allocate beyond the record it reads.
const maxEnvelopeField = 8 << 10

// Append appends the envelope's encoding to b.
func (e *Envelope) Append(b []byte) []byte {
	var flags byte
	if e.Defaulted {
		flags |= 1
	}
	if e.BucketKey {
		flags |= 2
	}
	b = append(b, envelopeV1, byte(e.Type), flags)
	// The fourth field once held the customer key's MD5; it stays, always
	// empty, so that old and new envelopes share one layout.
	for _, f := range [][]byte{e.Wrapped, []byte(e.KMSKeyARN), []byte(e.KMSContext), nil, e.Fingerprint} {
		b = binary.AppendUvarint(b, uint64(len(f)))
		b = append(b, f...)
	}
	return b
}

// DecodeEnvelope parses an encoded envelope; it never panics and never
// allocates more than its input.
func DecodeEnvelope(b []byte) (*Envelope, error) {
	if len(b) < 3 || b[0] != envelopeV1 || Type(b[1]) > KMS || b[2]&^3 != 0 {
		return nil, fmt.Errorf("envelope header: %w", ErrBadEnvelope)
	}
	e := &Envelope{Type: Type(b[1]), Defaulted: b[2]&1 != 0, BucketKey: b[2]&2 != 0}
	b = b[3:]
	var fields [5][]byte
	for i := range fields {
		n, m := binary.Uvarint(b)
		if m <= 0 || n > maxEnvelopeField || n > uint64(len(b)-m) {
			return nil, fmt.Errorf("envelope field %d: %w", i, ErrBadEnvelope)
		}
		fields[i] = append([]byte(nil), b[m:m+int(n)]...)
		b = b[m+int(n):]
	}
	if len(b) != 0 {
		return nil, fmt.Errorf("envelope trailing bytes: %w", ErrBadEnvelope)
	}
	e.Wrapped, e.KMSKeyARN, e.KMSContext = fields[0], string(fields[1]), string(fields[2])
	e.Fingerprint = fields[4]
	switch {
	case e.Type == C && len(e.Fingerprint) != fingerprintSize:
		return nil, fmt.Errorf("customer-key envelope: %w", ErrBadEnvelope)
	case e.Type == C && len(fields[3]) == md5.Size:
		e.legacyKeyMD5 = true
	case len(fields[3]) != 0:
		return nil, fmt.Errorf("envelope key digest of %d bytes: %w", len(fields[3]), ErrBadEnvelope)
	}
	return e, nil
}
