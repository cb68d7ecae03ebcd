package object

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/hoard-s3/hoard/internal/meta"
	"github.com/hoard-s3/hoard/internal/sse"
)

const metaMarker = "SECRET-META-5c1e"

func markedMeta(i string) (Metadata, []Tag) {
	return Metadata{ContentType: "text/" + metaMarker, ContentDisposition: "attachment; filename=" + metaMarker + i,
			User: map[string]string{"owner": metaMarker + "-user-" + i, metaMarker + "-name": "v"}},
		// In key order, as tags read back.
		[]Tag{{Key: metaMarker, Value: ""}, {Key: "project", Value: metaMarker + "-tag-" + i}}
}

// writeMarked writes objects of every kind (inline, blob, multipart, copy,
// retagged, an upload in progress) whose metadata and tags hold metaMarker.
func writeMarked(t *testing.T, e *sseEnv) {
	t.Helper()
	for i, req := range []SSERequest{{}, custKey(1), {Mode: SSEKMS}} {
		m, tags := markedMeta(string(rune('a' + i)))
		key := "put/" + string(rune('a'+i))
		data := randBytes(2000 + i*200000)
		if _, err := e.PutObject(ctx, PutInput{Bucket: "bkt", Key: key, Body: bytes.NewReader(data), Size: int64(len(data)),
			Metadata: m, Tags: tags, SSE: req}); err != nil {
			t.Fatal(err)
		}
	}
	m, tags := markedMeta("mp")
	up, err := e.CreateMultipartUpload(ctx, CreateMultipartInput{Bucket: "bkt", Key: "mp", Metadata: m, Tags: tags})
	if err != nil {
		t.Fatal(err)
	}
	part := randBytes(1000)
	p, err := e.UploadPart(ctx, UploadPartInput{Bucket: "bkt", Key: "mp", UploadID: up.UploadID, PartNumber: 1, Body: bytes.NewReader(part), Size: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.CompleteMultipartUpload(ctx, CompleteMultipartInput{Bucket: "bkt", Key: "mp", UploadID: up.UploadID,
		Parts: []CompletedPart{{PartNumber: 1, ETag: p.ETag}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.CreateMultipartUpload(ctx, CreateMultipartInput{Bucket: "bkt", Key: "pending", Metadata: m, Tags: tags}); err != nil {
		t.Fatal(err)
	}
	m, tags = markedMeta("copy")
	if _, err := e.CopyObject(ctx, CopyInput{SrcBucket: "bkt", SrcKey: "put/a", DstBucket: "bkt", DstKey: "copy",
		ReplaceMetadata: true, Metadata: m, ReplaceTags: true, Tags: tags}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.CopyObject(ctx, CopyInput{SrcBucket: "bkt", SrcKey: "put/a", DstBucket: "bkt", DstKey: "copy-kept"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.CopyObject(ctx, CopyInput{SrcBucket: "bkt", SrcKey: "copy-kept", DstBucket: "bkt", DstKey: "copy-kept",
		ReplaceMetadata: true, Metadata: m}); err != nil {
		t.Fatal(err)
	}
	_, tags = markedMeta("retag")
	if _, err := e.PutObjectTagging(ctx, "bkt", "put/c", "", tags); err != nil {
		t.Fatal(err)
	}
}

// wantMarked checks that every object of writeMarked shows its metadata.
func wantMarked(t *testing.T, e *sseEnv) {
	t.Helper()
	want := map[string]string{"put/a": "a", "put/b": "b", "put/c": "c", "mp": "mp", "copy": "copy", "copy-kept": "copy"}
	for key, i := range want {
		req := SSERequest{}
		if key == "put/b" {
			req = custKey(1)
		}
		m, tags := markedMeta(i)
		r, err := e.GetObject(ctx, GetInput{Bucket: "bkt", Key: key, HeadOnly: true, SSE: req})
		if err != nil {
			t.Fatalf("%s: %v", key, err)
		}
		if !reflect.DeepEqual(r.Info.Metadata, m) {
			t.Errorf("%s: metadata %+v, want %+v", key, r.Info.Metadata, m)
		}
		got, _, err := e.GetObjectTagging(ctx, "bkt", key, "")
		if err != nil {
			t.Fatal(err)
		}
		switch key {
		case "put/c":
			_, tags = markedMeta("retag")
		case "copy-kept":
			_, tags = markedMeta("a")
		}
		if !reflect.DeepEqual(got, tags) || r.Info.TagCount != len(tags) {
			t.Errorf("%s: tags %+v (count %d), want %+v", key, got, r.Info.TagCount, tags)
		}
	}
	l, err := e.ListObjects(ctx, ListInput{Bucket: "bkt", MaxKeys: 1000})
	if err != nil || len(l.Objects) != len(want) {
		t.Fatalf("listing: %d objects, %v", len(l.Objects), err)
	}
}

func TestSealedMetadataNeverStoredInPlaintext(t *testing.T) {
	e := newSSEEnv(t) // sealing is the default
	writeMarked(t, e)
	if hits := e.rawValuesContaining(t, []byte(metaMarker)); len(hits) > 0 {
		t.Fatalf("metadata in plaintext in %q", hits)
	}
	wantMarked(t, e)
	// Records read whatever the setting.
	e.cfg.MetadataEncryption = EncryptionOff
	e.reopen(t)
	wantMarked(t, e)
	e.close()
	if hits := scanFor(t, e.dir, []byte(metaMarker)); len(hits) > 0 {
		t.Fatalf("metadata in plaintext in %v", hits)
	}
	// The same writes with the setting off do leave the marker: the checks
	// can find it.
	e2 := newSSEEnv(t)
	e2.cfg.MetadataEncryption = EncryptionOff
	e2.reopen(t)
	writeMarked(t, e2)
	if hits := e2.rawValuesContaining(t, []byte(metaMarker)); len(hits) == 0 {
		t.Fatal("marker not found in plaintext records")
	}
	wantMarked(t, e2)
}

func TestSealedMetadataIsBoundToItsObject(t *testing.T) {
	e := newSSEEnv(t) // sealing is the default
	writeMarked(t, e)
	v, err := e.meta.Get(ctx, objectKey("bkt", "put/a"))
	if err != nil {
		t.Fatal(err)
	}
	if err := e.meta.Update(ctx, func(tx meta.Txn) error { return tx.Set(objectKey("bkt", "moved"), v) }); err != nil {
		t.Fatal(err)
	}
	if _, err := e.GetObject(ctx, GetInput{Bucket: "bkt", Key: "moved", HeadOnly: true}); err == nil {
		t.Fatal("a record moved to another key opened its metadata")
	}
	if _, _, err := e.GetObjectTagging(ctx, "bkt", "moved", ""); err == nil {
		t.Fatal("a record moved to another key opened its tags")
	}
	// A listing needs none of it.
	if l, err := e.ListObjects(ctx, ListInput{Bucket: "bkt", Prefix: "moved", MaxKeys: 10}); err != nil || len(l.Objects) != 1 {
		t.Fatalf("listing: %v", err)
	}
}

func TestRotationResealsMetadata(t *testing.T) {
	e := newSSEEnv(t) // sealing is the default
	writeMarked(t, e)
	if _, err := e.keyring.Rotate(); err != nil {
		t.Fatal(err)
	}
	if _, err := e.RewrapKeys(ctx); err != nil {
		t.Fatal(err)
	}
	if n, err := e.RewrapKeys(ctx); err != nil || n != 0 {
		t.Fatalf("second run rewrote %d, %v", n, err)
	}
	// Drop the old root key: every record's metadata must still open.
	e.close()
	path := filepath.Join(e.dir, sse.KeyFileName)
	raw, _ := os.ReadFile(path)
	var kf struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(raw, &kf); err != nil || len(kf.Keys) != 2 {
		t.Fatalf("key file: %v", err)
	}
	kf.Keys = kf.Keys[1:]
	raw, _ = json.Marshal(kf)
	os.WriteFile(path, raw, 0o600)
	e.open(t)
	wantMarked(t, e)
	up, err := e.ListMultipartUploads(ctx, ListUploadsInput{Bucket: "bkt"})
	if err != nil || len(up.Uploads) != 1 {
		t.Fatalf("uploads: %v", err)
	}
	u := up.Uploads[0]
	p, err := e.UploadPart(ctx, UploadPartInput{Bucket: "bkt", Key: "pending", UploadID: u.UploadID, PartNumber: 1, Body: bytes.NewReader([]byte("x")), Size: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.CompleteMultipartUpload(ctx, CompleteMultipartInput{Bucket: "bkt", Key: "pending", UploadID: u.UploadID,
		Parts: []CompletedPart{{PartNumber: 1, ETag: p.ETag}}}); err != nil {
		t.Fatal(err)
	}
	r, err := e.GetObject(ctx, GetInput{Bucket: "bkt", Key: "pending", HeadOnly: true})
	if m, _ := markedMeta("mp"); err != nil || !reflect.DeepEqual(r.Info.Metadata, m) {
		t.Fatalf("completed after rotation: %v", err)
	}
}

// sealedSample is sampleRecord with its metadata sealed, as encodeRecord
// stores it.
func sealedSample(t testing.TB) *record {
	t.Helper()
	s := New(nil, nil, Config{})
	enc, err := s.encodeRecord("b", "k", sampleRecord())
	if err != nil {
		t.Fatal(err)
	}
	r, err := decodeRecordMode(enc, modeFull)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestSealedRecordFormat(t *testing.T) {
	s := New(nil, nil, Config{})
	want := sampleRecord()
	enc, err := s.encodeRecord("b", "k", want)
	if err != nil {
		t.Fatal(err)
	}
	if enc[0] != recordV1|sealedMetaFlag || bytes.Contains(enc, []byte("cödé")) || !bytes.Contains(enc, []byte("hello")) {
		t.Fatalf("sealed record %q", enc)
	}
	for _, mode := range []decodeMode{modeHeader, modeParts, modeFull} {
		r, err := decodeRecordMode(enc, mode)
		if err != nil || r.sealedMeta == nil || r.Tags != nil || r.Meta.ContentType != "" {
			t.Fatalf("mode %d: %+v, %v", mode, r, err)
		}
		// Re-encoding an unopened record keeps the sealed blob as it is.
		if again, err := s.encodeRecord("b", "k", r); err != nil || mode == modeFull && !bytes.Equal(again, enc) {
			t.Fatalf("mode %d: re-encoded differently: %v", mode, err)
		}
		if err := s.openRecordMeta("b", "k", r); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(r.Meta, want.Meta) || !reflect.DeepEqual(r.Tags, want.Tags) || r.sealedMeta != nil {
			t.Fatalf("mode %d: opened %+v %+v", mode, r.Meta, r.Tags)
		}
		if err := s.openRecordMeta("b", "other", &record{sealedMeta: enc[1:]}); err == nil {
			t.Fatal("garbage opened as sealed metadata")
		}
	}
	var l record
	if err := l.decode(enc, modeList); err != nil || l.listed("k") != want.listed("k") {
		t.Fatalf("list decode: %+v, %v", l.listed("k"), err)
	}
	for i := range enc {
		if _, err := decodeRecordMode(enc[:i], modeFull); !errors.Is(err, errCorrupt) {
			t.Fatalf("truncated at %d: %v", i, err)
		}
	}
	// An empty sealed blob is corrupt, not "no metadata".
	empty := append([]byte{recordV1 | sealedMetaFlag}, (&record{VersionID: NullVersion, Inline: []byte{}}).encode()[1:]...)
	if _, err := decodeRecordMode(empty, modeFull); !errors.Is(err, errCorrupt) {
		t.Fatalf("empty sealed section: %v", err)
	}
	// A record with no metadata at all is not sealed.
	bare := &record{VersionID: NullVersion, Inline: []byte{}}
	if enc, _ := s.encodeRecord("b", "k", bare); enc[0] != recordV1 {
		t.Fatalf("bare record version %d", enc[0])
	}
}

// Noncurrent versions keep their sealed metadata: it moves with the
// record, is read by version id and is re-sealed by rotation.
func TestSealedMetadataOfVersions(t *testing.T) {
	e := newSSEEnv(t)
	if err := e.PutBucketVersioning(ctx, "bkt", VersioningEnabled); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, i := range []string{"v1", "v2"} {
		m, tags := markedMeta(i)
		info, err := e.PutObject(ctx, PutInput{Bucket: "bkt", Key: "k", Body: bytes.NewReader([]byte(i)), Size: 2, Metadata: m, Tags: tags})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, info.VersionID)
	}
	if hits := e.rawValuesContaining(t, []byte(metaMarker)); len(hits) > 0 {
		t.Fatalf("metadata in plaintext in %q", hits)
	}
	check := func() {
		t.Helper()
		for n, id := range ids {
			m, tags := markedMeta([]string{"v1", "v2"}[n])
			r, err := e.GetObject(ctx, GetInput{Bucket: "bkt", Key: "k", VersionID: id, HeadOnly: true})
			if err != nil || !reflect.DeepEqual(r.Info.Metadata, m) {
				t.Fatalf("version %s: %+v, %v", id, r, err)
			}
			got, _, err := e.GetObjectTagging(ctx, "bkt", "k", id)
			if err != nil || !reflect.DeepEqual(got, tags) {
				t.Fatalf("version %s tags %+v, %v", id, got, err)
			}
		}
	}
	check()
	old := e.keyring.ActiveID()
	if _, err := e.keyring.Rotate(); err != nil {
		t.Fatal(err)
	}
	if _, err := e.RewrapKeys(ctx); err != nil {
		t.Fatal(err)
	}
	// Nothing is sealed under the old root key any more.
	it, err := e.meta.NewIter(ctx, nil, []byte{0xff})
	if err != nil {
		t.Fatal(err)
	}
	defer it.Close()
	for ok := it.First(); ok; ok = it.Next() {
		v, _ := it.Value()
		if bytes.Contains(v, []byte(old)) {
			t.Errorf("%q still names the old root key", it.Key())
		}
	}
	check()
}
