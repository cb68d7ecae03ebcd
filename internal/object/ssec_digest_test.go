package object

import (
	"bytes"
	"encoding/binary"
	"testing"

	"github.com/hoard-s3/hoard/internal/meta"
	"github.com/hoard-s3/hoard/internal/sse"
)

// rawValuesContaining lists the metadata keys whose values contain needle.
func (e *sseEnv) rawValuesContaining(t *testing.T, needle []byte) []string {
	t.Helper()
	it, err := e.meta.NewIter(ctx, nil, []byte{0xff})
	if err != nil {
		t.Fatal(err)
	}
	defer it.Close()
	var hits []string
	for ok := it.First(); ok; ok = it.Next() {
		v, err := it.Value()
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(v, needle) {
			hits = append(hits, string(it.Key()))
		}
	}
	if err := it.Error(); err != nil {
		t.Fatal(err)
	}
	return hits
}

func TestSSECRecordsHoldNoKeyMD5(t *testing.T) {
	e := newSSEEnv(t)
	k := custKey(9)
	datas := map[string][]byte{}
	for _, kind := range []string{"inline", "blob", "multipart", "copy"} {
		datas[kind] = randBytes(kindSize(kind))
		e.writeKind(t, kind, kind, datas[kind], k)
	}
	if _, err := e.CreateMultipartUpload(ctx, CreateMultipartInput{Bucket: "bkt", Key: "pending", SSE: k}); err != nil {
		t.Fatal(err)
	}
	if hits := e.rawValuesContaining(t, k.CustomerKeyMD5); len(hits) > 0 {
		t.Fatalf("customer key MD5 stored in %q", hits)
	}
	for kind, data := range datas {
		got, err := e.readRange(t, kind, k, nil)
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("%s: read back: %v", kind, err)
		}
		for _, head := range []bool{false, true} {
			_, err = e.GetObject(ctx, GetInput{Bucket: "bkt", Key: kind, HeadOnly: head, SSE: custKey(10)})
			wantErr(t, err, ErrSSECustomerKeyMismatch)
		}
		r, err := e.GetObject(ctx, GetInput{Bucket: "bkt", Key: kind, HeadOnly: true, SSE: k})
		if err != nil || !bytes.Equal(r.Info.SSE.CustomerKeyMD5, k.CustomerKeyMD5) {
			t.Fatalf("%s: HEAD does not echo the request's key MD5: %v", kind, err)
		}
	}
}

// legacyEnvelope encodes e as envelopes were written when they kept the
// customer key's MD5 in their fourth field.
func legacyEnvelope(e *sse.Envelope, keyMD5 []byte) []byte {
	b := []byte{1, byte(e.Type), 0}
	for _, f := range [][]byte{e.Wrapped, []byte(e.KMSKeyARN), []byte(e.KMSContext), keyMD5, e.Fingerprint} {
		b = binary.AppendUvarint(b, uint64(len(f)))
		b = append(b, f...)
	}
	return b
}

// makeLegacy rewrites the stored record of key as the previous format
// stored it, with the customer key's MD5 in its envelope.
func (e *sseEnv) makeLegacy(t *testing.T, key string, k SSERequest) {
	t.Helper()
	v, err := e.meta.Get(ctx, objectKey("bkt", key))
	if err != nil {
		t.Fatal(err)
	}
	rec, err := decodeRecordMode(v, modeFull)
	if err != nil {
		t.Fatal(err)
	}
	cur := appendBytes(nil, rec.Enc.Append(nil))
	old := appendBytes(nil, legacyEnvelope(rec.Enc, k.CustomerKeyMD5))
	if !bytes.Contains(v, cur) {
		t.Fatal("envelope not found in the record")
	}
	v = bytes.Replace(v, cur, old, 1)
	if err := e.meta.Update(ctx, func(tx meta.Txn) error { return tx.Set(objectKey("bkt", key), v) }); err != nil {
		t.Fatal(err)
	}
}

func TestLegacySSECRecordsReadAndLoseTheirKeyMD5(t *testing.T) {
	e := newSSEEnv(t)
	k := custKey(3)
	datas := map[string][]byte{}
	for _, kind := range []string{"inline", "blob", "multipart"} {
		datas[kind] = randBytes(kindSize(kind))
		e.writeKind(t, kind, kind, datas[kind], k)
		e.makeLegacy(t, kind, k)
	}
	if hits := e.rawValuesContaining(t, k.CustomerKeyMD5); len(hits) != 3 {
		t.Fatalf("legacy records %q", hits)
	}
	check := func(when string) {
		t.Helper()
		for kind, data := range datas {
			got, err := e.readRange(t, kind, k, &Range{First: 1, Last: -1})
			if err != nil || !bytes.Equal(got, data[1:]) {
				t.Fatalf("%s %s: read: %v", when, kind, err)
			}
			_, err = e.GetObject(ctx, GetInput{Bucket: "bkt", Key: kind, HeadOnly: true, SSE: custKey(4)})
			wantErr(t, err, ErrSSECustomerKeyMismatch)
			_, err = e.GetObject(ctx, GetInput{Bucket: "bkt", Key: kind, HeadOnly: true})
			wantErr(t, err, ErrSSECustomerKeyRequired)
		}
	}
	check("legacy")
	// Any rewrite of the record drops the digest: tagging here, and the
	// root key rotation's walk over every record for the others.
	if _, err := e.PutObjectTagging(ctx, "bkt", "inline", "", []Tag{{Key: "a", Value: "b"}}); err != nil {
		t.Fatal(err)
	}
	if hits := e.rawValuesContaining(t, k.CustomerKeyMD5); len(hits) != 2 {
		t.Fatalf("after tagging: %q", hits)
	}
	if n, err := e.RewrapKeys(ctx); err != nil || n != 2 {
		t.Fatalf("rewrap rewrote %d, %v", n, err)
	}
	if hits := e.rawValuesContaining(t, k.CustomerKeyMD5); len(hits) != 0 {
		t.Fatalf("after rewrap: %q", hits)
	}
	if n, err := e.RewrapKeys(ctx); err != nil || n != 0 {
		t.Fatalf("second rewrap rewrote %d, %v", n, err)
	}
	check("migrated")
}
