package s3api_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/hoard-s3/hoard/internal/object"
	"github.com/hoard-s3/hoard/internal/server"
	"github.com/hoard-s3/hoard/internal/testserver"
)

const sealMarker = "confidential-7d41"

func withPlainMetadata(c *server.Config) { c.MetadataEncryption = object.EncryptionOff }

// metaStoreHits lists the metadata engine's keys whose values contain
// needle; the server of dir must be stopped.
func metaStoreHits(t *testing.T, dir, needle string) (hits []string, records int) {
	t.Helper()
	m := testserver.OpenMeta(t, dir)
	defer m.Close()
	it, err := m.NewIter(testserver.Context(t), nil, []byte{0xff})
	wantNoErr(t, err)
	defer it.Close()
	for ok := it.First(); ok; ok = it.Next() {
		v, err := it.Value()
		wantNoErr(t, err)
		if bytes.Contains(v, []byte(needle)) {
			hits = append(hits, string(it.Key()))
		}
		records++
	}
	return hits, records
}

// writeSealed stores objects whose metadata and tags carry sealMarker in
// every way a client can set them.
func (e *env) writeSealed() {
	t := e.t
	meta := map[string]string{"project": sealMarker + "-meta"}
	e.put("put", "data", func(in *s3.PutObjectInput) {
		in.Metadata, in.Tagging = meta, aws.String("team="+sealMarker+"-tag")
		in.ContentDisposition = aws.String(`attachment; filename="` + sealMarker + `.pdf"`)
	})
	e.put("retag", "data")
	_, err := e.c.PutObjectTagging(e.ctx, &s3.PutObjectTaggingInput{Bucket: aws.String(e.bucket), Key: aws.String("retag"),
		Tagging: &types.Tagging{TagSet: []types.Tag{{Key: aws.String("team"), Value: aws.String(sealMarker + "-tag")}}}})
	wantNoErr(t, err)
	_, err = e.c.CopyObject(e.ctx, &s3.CopyObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("copy"), CopySource: aws.String(e.bucket + "/retag"),
		MetadataDirective: types.MetadataDirectiveReplace, Metadata: meta})
	wantNoErr(t, err)
	create, err := e.c.CreateMultipartUpload(e.ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String(e.bucket), Key: aws.String("mp"),
		Metadata: meta, Tagging: aws.String("team=" + sealMarker + "-tag")})
	wantNoErr(t, err)
	part, err := e.c.UploadPart(e.ctx, &s3.UploadPartInput{Bucket: aws.String(e.bucket), Key: aws.String("mp"), UploadId: create.UploadId,
		PartNumber: aws.Int32(1), Body: strings.NewReader("part")})
	wantNoErr(t, err)
	_, err = e.c.CompleteMultipartUpload(e.ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String(e.bucket), Key: aws.String("mp"),
		UploadId: create.UploadId, MultipartUpload: &types.CompletedMultipartUpload{Parts: []types.CompletedPart{{PartNumber: aws.Int32(1), ETag: part.ETag}}}})
	wantNoErr(t, err)
}

// wantSealedBack checks that HEAD, GET and GetObjectTagging return what
// writeSealed stored.
func (e *env) wantSealedBack() {
	t := e.t
	for _, key := range []string{"put", "copy", "mp"} {
		h, err := e.c.HeadObject(e.ctx, &s3.HeadObjectInput{Bucket: aws.String(e.bucket), Key: aws.String(key)})
		wantNoErr(t, err)
		g, _, err := e.get(key)
		wantNoErr(t, err)
		if h.Metadata["project"] != sealMarker+"-meta" || g.Metadata["project"] != sealMarker+"-meta" {
			t.Fatalf("%s: HEAD metadata %v, GET %v", key, h.Metadata, g.Metadata)
		}
	}
	h, err := e.c.HeadObject(e.ctx, &s3.HeadObjectInput{Bucket: aws.String(e.bucket), Key: aws.String("put")})
	wantNoErr(t, err)
	if !strings.Contains(aws.ToString(h.ContentDisposition), sealMarker) {
		t.Fatalf("Content-Disposition %q", aws.ToString(h.ContentDisposition))
	}
	for _, key := range []string{"put", "retag", "mp"} {
		tg, err := e.c.GetObjectTagging(e.ctx, &s3.GetObjectTaggingInput{Bucket: aws.String(e.bucket), Key: aws.String(key)})
		wantNoErr(t, err)
		if len(tg.TagSet) != 1 || aws.ToString(tg.TagSet[0].Value) != sealMarker+"-tag" {
			t.Fatalf("%s: tags %+v", key, tg.TagSet)
		}
	}
	l, err := e.c.ListObjectsV2(e.ctx, &s3.ListObjectsV2Input{Bucket: aws.String(e.bucket)})
	wantNoErr(t, err)
	if len(l.Contents) != 4 {
		t.Fatalf("listed %d objects", len(l.Contents))
	}
}

func TestEncryptMetadataOption(t *testing.T) {
	e := newEnv(t) // sealing is the default
	e.writeSealed()
	e.wantSealedBack()
	dir := e.srv.DataDir
	e.srv.Stop(t)
	hits, records := metaStoreHits(t, dir, sealMarker)
	if len(hits) > 0 || records < 4 {
		t.Fatalf("plaintext metadata in %q (%d records)", hits, records)
	}
	// Sealed records read on a server with the option off.
	e2 := restartEnv(t, e, dir, withPlainMetadata)
	e2.wantSealedBack()

	// Without the option the same writes are plaintext: the scan finds them.
	e3 := newEnv(t, withPlainMetadata)
	e3.writeSealed()
	dir3 := e3.srv.DataDir
	e3.srv.Stop(t)
	if hits, _ := metaStoreHits(t, dir3, sealMarker); len(hits) < 4 {
		t.Fatalf("plaintext metadata only in %q", hits)
	}
}
