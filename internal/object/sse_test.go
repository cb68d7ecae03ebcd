package object

import (
	"bytes"
	"io"
	"testing"

	"github.com/hoard-s3/hoard/internal/sse"
)

// readReq reads a request's customer key back from a write request.
func readReq(w SSERequest) SSERequest {
	if w.Mode == SSEC {
		return w
	}
	return SSERequest{}
}

// partSizes cross package (64 KiB) boundaries inside and between parts.
var partSizes = []int{70000, 66000, 5000}

// writeKind stores data under key as an object of the given kind.
func (e *sseEnv) writeKind(t *testing.T, kind, key string, data []byte, req SSERequest) *ObjectInfo {
	t.Helper()
	switch kind {
	case "inline", "blob":
		info, err := e.PutObject(ctx, PutInput{Bucket: "bkt", Key: key, Body: bytes.NewReader(data), Size: int64(len(data)), SSE: req})
		if err != nil {
			t.Fatalf("put %s: %v", key, err)
		}
		return info
	case "multipart":
		up, err := e.CreateMultipartUpload(ctx, CreateMultipartInput{Bucket: "bkt", Key: key, SSE: req})
		if err != nil {
			t.Fatalf("create %s: %v", key, err)
		}
		var parts []CompletedPart
		off := 0
		for i, n := range partSizes {
			p, err := e.UploadPart(ctx, UploadPartInput{Bucket: "bkt", Key: key, UploadID: up.UploadID, PartNumber: i + 1,
				Body: bytes.NewReader(data[off : off+n]), Size: int64(n), SSE: readReq(req)})
			if err != nil {
				t.Fatalf("part %d of %s: %v", i+1, key, err)
			}
			parts = append(parts, CompletedPart{PartNumber: i + 1, ETag: p.ETag})
			off += n
		}
		info, err := e.CompleteMultipartUpload(ctx, CompleteMultipartInput{Bucket: "bkt", Key: key, UploadID: up.UploadID, Parts: parts, SSE: readReq(req)})
		if err != nil {
			t.Fatalf("complete %s: %v", key, err)
		}
		return info
	case "copy":
		src := custKey(0x5c)
		e.writeKind(t, "blob", key+".src", data, src)
		info, err := e.CopyObject(ctx, CopyInput{SrcBucket: "bkt", SrcKey: key + ".src", DstBucket: "bkt", DstKey: key, SSE: req, SrcSSE: src})
		if err != nil {
			t.Fatalf("copy to %s: %v", key, err)
		}
		return info
	}
	t.Fatalf("kind %s", kind)
	return nil
}

func (e *sseEnv) readRange(t *testing.T, key string, req SSERequest, rng *Range) ([]byte, error) {
	t.Helper()
	r, err := e.GetObject(ctx, GetInput{Bucket: "bkt", Key: key, Range: rng, SSE: req})
	if err != nil {
		return nil, err
	}
	defer r.Body.Close()
	return io.ReadAll(r.Body)
}

func kindSize(kind string) int {
	switch kind {
	case "inline":
		return 700
	case "multipart":
		return partSizes[0] + partSizes[1] + partSizes[2]
	}
	return 3*sse.PackageSize + 123
}

var sseModes = map[string]SSERequest{
	"default": {},
	"s3":      {Mode: SSES3},
	"c":       custKey(7),
	"kms":     {Mode: SSEKMS, KMSKeyID: "k1", KMSContext: map[string]string{"team": "a"}},
	"kms-def": {Mode: SSEKMS, BucketKeyEnabled: true},
}

func wantType(req SSERequest) SSEType {
	switch req.Mode {
	case SSEC:
		return SSETypeC
	case SSEKMS:
		return SSETypeKMS
	}
	return SSETypeS3
}

func TestEncryptionEveryModeAndKind(t *testing.T) {
	e := newSSEEnv(t)
	ranges := []Range{{First: 0, Last: 0}, {First: sse.PackageSize - 5, Last: sse.PackageSize + 5},
		{First: int64(partSizes[0]) - 3, Last: int64(partSizes[0]) + 3}, {Suffix: 10}, {First: 100, Last: -1}}
	for mname, req := range sseModes {
		for _, kind := range []string{"inline", "blob", "multipart", "copy"} {
			key := mname + "/" + kind
			data := randBytes(kindSize(kind))
			info := e.writeKind(t, kind, key, data, req)
			if info.SSE.Type != wantType(req) || info.SSE.Defaulted != (req.Mode == SSEDefault) {
				t.Errorf("%s: SSE %+v", key, info.SSE)
			}
			if kind != "multipart" && info.ETag != md5hex(data) {
				t.Errorf("%s: ETag %s, want MD5 of the plaintext", key, info.ETag)
			}
			if info.Size != int64(len(data)) {
				t.Errorf("%s: size %d", key, info.Size)
			}
			got, err := e.readRange(t, key, readReq(req), nil)
			if err != nil || !bytes.Equal(got, data) {
				t.Fatalf("%s: read back: %v (equal %v)", key, err, bytes.Equal(got, data))
			}
			for _, rg := range ranges {
				off, n, err := resolveRange(rg, int64(len(data)))
				if err != nil {
					continue
				}
				got, err := e.readRange(t, key, readReq(req), &rg)
				if err != nil || !bytes.Equal(got, data[off:off+n]) {
					t.Fatalf("%s range %+v: %v", key, rg, err)
				}
			}
			head, err := e.GetObject(ctx, GetInput{Bucket: "bkt", Key: key, HeadOnly: true, SSE: readReq(req)})
			if err != nil || head.Info.SSE.Type != wantType(req) {
				t.Fatalf("%s: head %v", key, err)
			}
			if req.Mode == SSEKMS && (head.Info.SSE.KMSKeyARN == "" || head.Info.SSE.KMSContext == "") {
				t.Errorf("%s: KMS info %+v", key, head.Info.SSE)
			}
		}
	}
}

func TestMultipartPartNumberReadsEncrypted(t *testing.T) {
	e := newSSEEnv(t)
	data := randBytes(kindSize("multipart"))
	e.writeKind(t, "multipart", "mp", data, custKey(3))
	off := 0
	for i, n := range partSizes {
		r, err := e.GetObject(ctx, GetInput{Bucket: "bkt", Key: "mp", PartNumber: i + 1, SSE: custKey(3)})
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(r.Body)
		r.Body.Close()
		if err != nil || !bytes.Equal(got, data[off:off+n]) {
			t.Fatalf("part %d: %v", i+1, err)
		}
		off += n
	}
}

func TestEncryptedObjectsSurviveRestart(t *testing.T) {
	e := newSSEEnv(t)
	datas := map[string][]byte{}
	for mname, req := range sseModes {
		for _, kind := range []string{"inline", "blob", "multipart"} {
			key := mname + "/" + kind
			datas[key] = randBytes(kindSize(kind))
			e.writeKind(t, kind, key, datas[key], req)
		}
	}
	e.reopen(t)
	for mname, req := range sseModes {
		for _, kind := range []string{"inline", "blob", "multipart"} {
			key := mname + "/" + kind
			got, err := e.readRange(t, key, readReq(req), nil)
			if err != nil || !bytes.Equal(got, datas[key]) {
				t.Fatalf("%s after restart: %v", key, err)
			}
		}
	}
}

func TestCustomerKeyErrors(t *testing.T) {
	e := newSSEEnv(t)
	data := randBytes(5000)
	e.writeKind(t, "blob", "c", data, custKey(1))
	e.writeKind(t, "blob", "s", data, SSERequest{})
	for _, head := range []bool{false, true} {
		_, err := e.GetObject(ctx, GetInput{Bucket: "bkt", Key: "c", HeadOnly: head})
		wantErr(t, err, ErrSSECustomerKeyRequired)
		wantErr(t, err, ErrInvalidRequest)
		_, err = e.GetObject(ctx, GetInput{Bucket: "bkt", Key: "c", HeadOnly: head, SSE: custKey(2)})
		wantErr(t, err, ErrSSECustomerKeyMismatch)
		_, err = e.GetObject(ctx, GetInput{Bucket: "bkt", Key: "s", HeadOnly: head, SSE: custKey(2)})
		wantErr(t, err, ErrSSENotApplicable)
	}
	bad := custKey(1)
	bad.CustomerKeyMD5 = make([]byte, 16)
	_, err := e.GetObject(ctx, GetInput{Bucket: "bkt", Key: "c", SSE: bad})
	wantErr(t, err, ErrInvalidEncryption)
	_, err = e.PutObject(ctx, PutInput{Bucket: "bkt", Key: "x", Body: bytes.NewReader(nil), SSE: SSERequest{Mode: SSEC, CustomerKey: []byte("short")}})
	wantErr(t, err, ErrInvalidArgument)
	// Copying needs the source key; a part upload needs the upload's key.
	_, err = e.CopyObject(ctx, CopyInput{SrcBucket: "bkt", SrcKey: "c", DstBucket: "bkt", DstKey: "d"})
	wantErr(t, err, ErrSSECustomerKeyRequired)
	up, _ := e.CreateMultipartUpload(ctx, CreateMultipartInput{Bucket: "bkt", Key: "m", SSE: custKey(4)})
	_, err = e.UploadPart(ctx, UploadPartInput{Bucket: "bkt", Key: "m", UploadID: up.UploadID, PartNumber: 1, Body: bytes.NewReader(data), Size: 5000})
	wantErr(t, err, ErrSSECustomerKeyRequired)
	_, err = e.UploadPart(ctx, UploadPartInput{Bucket: "bkt", Key: "m", UploadID: up.UploadID, PartNumber: 1, Body: bytes.NewReader(data), Size: 5000, SSE: custKey(5)})
	wantErr(t, err, ErrUploadKeyMismatch)
}

func TestCopyChangesEncryption(t *testing.T) {
	e := newSSEEnv(t)
	data := randBytes(100000)
	e.writeKind(t, "blob", "o", data, custKey(1))
	steps := []struct {
		src, dst SSERequest
		want     SSEType
	}{
		{custKey(1), SSERequest{}, SSETypeS3},
		{SSERequest{}, SSERequest{Mode: SSEKMS, KMSKeyID: "k2"}, SSETypeKMS},
		{SSERequest{}, custKey(9), SSETypeC},
		{custKey(9), SSERequest{Mode: SSES3}, SSETypeS3},
	}
	for i, s := range steps {
		// Onto itself, changing only the encryption: allowed.
		info, err := e.CopyObject(ctx, CopyInput{SrcBucket: "bkt", SrcKey: "o", DstBucket: "bkt", DstKey: "o", SrcSSE: s.src, SSE: s.dst})
		if err != nil || info.SSE.Type != s.want {
			t.Fatalf("step %d: %v %+v", i, err, info)
		}
		got, err := e.readRange(t, "o", readReq(s.dst), nil)
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("step %d: read %v", i, err)
		}
	}
	_, err := e.CopyObject(ctx, CopyInput{SrcBucket: "bkt", SrcKey: "o", DstBucket: "bkt", DstKey: "o"})
	wantErr(t, err, ErrCopyToSelf)
}

func TestUploadPartCopyAcrossModes(t *testing.T) {
	e := newSSEEnv(t)
	src := randBytes(200000)
	e.writeKind(t, "blob", "src", src, custKey(1))
	up, err := e.CreateMultipartUpload(ctx, CreateMultipartInput{Bucket: "bkt", Key: "dst", SSE: SSERequest{Mode: SSEKMS}})
	if err != nil {
		t.Fatal(err)
	}
	p1, err := e.UploadPartCopy(ctx, UploadPartCopyInput{Bucket: "bkt", Key: "dst", UploadID: up.UploadID, PartNumber: 1,
		SrcBucket: "bkt", SrcKey: "src", SrcRange: &Range{First: 1000, Last: 150999}, SrcSSE: custKey(1)})
	if err != nil {
		t.Fatal(err)
	}
	if p1.SSE.Type != SSETypeKMS || p1.ETag != md5hex(src[1000:151000]) {
		t.Fatalf("part %+v", p1)
	}
	_, err = e.UploadPartCopy(ctx, UploadPartCopyInput{Bucket: "bkt", Key: "dst", UploadID: up.UploadID, PartNumber: 2, SrcBucket: "bkt", SrcKey: "src"})
	wantErr(t, err, ErrSSECustomerKeyRequired)
	if _, err := e.CompleteMultipartUpload(ctx, CompleteMultipartInput{Bucket: "bkt", Key: "dst", UploadID: up.UploadID,
		Parts: []CompletedPart{{PartNumber: 1, ETag: p1.ETag}}}); err != nil {
		t.Fatal(err)
	}
	got, err := e.readRange(t, "dst", SSERequest{}, nil)
	if err != nil || !bytes.Equal(got, src[1000:151000]) {
		t.Fatalf("read: %v", err)
	}
}

func TestBucketDefaultEncryption(t *testing.T) {
	e := newSSEEnv(t)
	c, err := e.GetBucketEncryption(ctx, "bkt")
	if err != nil || c.SSEAlgorithm != SSEAlgorithmAES256 {
		t.Fatalf("never set: %+v %v", c, err)
	}
	for _, bad := range []BucketEncryption{{SSEAlgorithm: "DES"}, {SSEAlgorithm: "AES256", KMSMasterKeyID: "k1"}} {
		wantErr(t, e.PutBucketEncryption(ctx, "bkt", bad), ErrInvalidArgument)
	}
	if err := e.PutBucketEncryption(ctx, "bkt", BucketEncryption{SSEAlgorithm: SSEAlgorithmKMS, KMSMasterKeyID: "k2", BucketKeyEnabled: true}); err != nil {
		t.Fatal(err)
	}
	info := e.writeKind(t, "blob", "k", randBytes(3000), SSERequest{})
	if info.SSE.Type != SSETypeKMS || !info.SSE.Defaulted || info.SSE.KMSKeyARN != fakeARN+"k2" || !info.SSE.BucketKeyEnabled || info.SSE.Applied() != "Default_SSE_KMS" {
		t.Fatalf("defaulted KMS: %+v", info.SSE)
	}
	info = e.writeKind(t, "inline", "explicit", randBytes(30), SSERequest{Mode: SSES3})
	if info.SSE.Applied() != "SSE_S3" {
		t.Fatalf("explicit: %+v", info.SSE)
	}
	if err := e.DeleteBucketEncryption(ctx, "bkt"); err != nil {
		t.Fatal(err)
	}
	info = e.writeKind(t, "inline", "d", randBytes(30), SSERequest{})
	if info.SSE.Applied() != "Default_SSE_S3" {
		t.Fatalf("after delete: %+v", info.SSE)
	}
	_, err = e.GetBucketEncryption(ctx, "nobucket")
	wantErr(t, err, ErrNoSuchBucket)
}

func TestKMSWithoutKeyService(t *testing.T) {
	e := newSSEEnv(t)
	data := randBytes(3000)
	e.writeKind(t, "blob", "k", data, SSERequest{Mode: SSEKMS})
	e.kms = nil
	e.reopen(t)
	_, err := e.PutObject(ctx, PutInput{Bucket: "bkt", Key: "x", Body: bytes.NewReader(nil), SSE: SSERequest{Mode: SSEKMS}})
	wantErr(t, err, ErrKMSUnavailable)
	_, err = e.readRange(t, "k", SSERequest{}, nil)
	wantErr(t, err, ErrKMSUnavailable)
	e.kms = newFakeKMS()
	e.reopen(t)
	_, err = e.PutObject(ctx, PutInput{Bucket: "bkt", Key: "x", Body: bytes.NewReader(nil), SSE: SSERequest{Mode: SSEKMS, KMSKeyID: "nope"}})
	wantErr(t, err, sse.ErrKeyNotFound)
}

func TestEncryptionOffStoresPlaintext(t *testing.T) {
	e := newSSEEnv(t)
	e.cfg.Encryption = EncryptionOff
	e.reopen(t)
	info := e.writeKind(t, "blob", "p", randBytes(5000), SSERequest{})
	if info.SSE.Type != SSETypeNone || info.SSE.Applied() != "" {
		t.Fatalf("SSE %+v", info.SSE)
	}
	info = e.writeKind(t, "blob", "q", randBytes(5000), SSERequest{Mode: SSES3})
	if info.SSE.Type != SSETypeS3 {
		t.Fatalf("explicit SSE-S3 with encryption off: %+v", info.SSE)
	}
	plain := map[string][]byte{"p": randBytes(5000), "i": randBytes(100), "m": randBytes(kindSize("multipart"))}
	e.writeKind(t, "blob", "p", plain["p"], SSERequest{})
	e.writeKind(t, "inline", "i", plain["i"], SSERequest{})
	e.writeKind(t, "multipart", "m", plain["m"], SSERequest{})
	// Plaintext records (the format of objects written before encryption)
	// still read once encryption is switched on.
	e.cfg.Encryption = EncryptionOn
	e.reopen(t)
	for k, want := range plain {
		got, err := e.readRange(t, k, SSERequest{}, &Range{First: 1, Last: -1})
		if err != nil || !bytes.Equal(got, want[1:]) {
			t.Fatalf("plaintext %s: %v", k, err)
		}
	}
	if info := e.writeKind(t, "blob", "p", plain["p"], SSERequest{}); info.SSE.Type != SSETypeS3 {
		t.Fatalf("overwrite with encryption on: %+v", info.SSE)
	}
}

func TestEncryptedRecordFormat(t *testing.T) {
	env := &sse.Envelope{Type: sse.S3, Defaulted: true, Wrapped: []byte("wrapped key")}
	for _, r := range []*record{
		{VersionID: NullVersion, Size: 3, ETag: make([]byte, 16), Inline: make([]byte, sse.CiphertextSize(3)), Enc: env},
		{VersionID: NullVersion, Size: 10, ETag: make([]byte, 16), BlobID: "0123456789abcdef0123456789abcdef", Enc: env},
	} {
		b := r.encode()
		if b[0] != recordV3 {
			t.Fatalf("version %d", b[0])
		}
		got, err := decodeRecordMode(b, modeFull)
		if err != nil || got.Enc == nil || got.Enc.Type != sse.S3 || !got.Enc.Defaulted || string(got.Enc.Wrapped) != "wrapped key" {
			t.Fatalf("round trip: %+v %v", got, err)
		}
		for i := 1; i < len(b)-1; i++ {
			if _, err := decodeRecordMode(b[:i], modeFull); err == nil && r.BlobID != "" {
				t.Fatalf("truncated record of %d bytes decoded", i)
			}
		}
	}
	// Inline data of the plaintext length in an encrypted record is corrupt.
	r := &record{VersionID: NullVersion, Size: 3, ETag: make([]byte, 16), Inline: []byte("abc"), Enc: env}
	if _, err := decodeRecordMode(r.encode(), modeFull); err == nil {
		t.Fatal("inline data of the wrong sealed size accepted")
	}
}
