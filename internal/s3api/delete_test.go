package s3api_test

import (
	"crypto/md5"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

func TestDeleteObjects(t *testing.T) {
	e := newEnv(t)
	for _, k := range []string{"a", "b", "c"} {
		e.put(k, "x")
	}
	ids := []types.ObjectIdentifier{{Key: aws.String("a")}, {Key: aws.String("b")}, {Key: aws.String("never")}, {Key: aws.String("bad\x01")}}
	out, err := e.c.DeleteObjects(e.ctx, &s3.DeleteObjectsInput{Bucket: aws.String(e.bucket), Delete: &types.Delete{Objects: ids}})
	wantNoErr(t, err)
	if len(out.Deleted) != 4 || len(out.Errors) != 0 {
		t.Fatalf("deleted %d errors %+v", len(out.Deleted), out.Errors)
	}
	if e.objectExists("a") || e.objectExists("b") || !e.objectExists("c") {
		t.Fatal("wrong objects deleted")
	}
	out, err = e.c.DeleteObjects(e.ctx, &s3.DeleteObjectsInput{Bucket: aws.String(e.bucket),
		Delete: &types.Delete{Quiet: aws.Bool(true), Objects: []types.ObjectIdentifier{{Key: aws.String("c")}, {Key: aws.String("k"), VersionId: aws.String("nosuch")}}}})
	wantNoErr(t, err)
	if len(out.Deleted) != 0 || len(out.Errors) != 1 || aws.ToString(out.Errors[0].Key) != "k" || aws.ToString(out.Errors[0].Code) == "" {
		t.Fatalf("quiet: deleted %+v errors %+v", out.Deleted, out.Errors)
	}
	_, err = e.c.DeleteObjects(e.ctx, &s3.DeleteObjectsInput{Bucket: aws.String("no-such-bucket"), Delete: &types.Delete{Objects: ids[:1]}})
	wantCode(t, err, "NoSuchBucket")
}

func deleteDoc(n int) []byte {
	var b strings.Builder
	b.WriteString("<Delete>")
	for i := range n {
		fmt.Fprintf(&b, "<Object><Key>k%d</Key></Object>", i)
	}
	b.WriteString("</Delete>")
	return []byte(b.String())
}

func md5Header(b []byte) map[string]string {
	sum := md5.Sum(b)
	return map[string]string{"Content-MD5": base64.StdEncoding.EncodeToString(sum[:])}
}

func TestDeleteObjectsRaw(t *testing.T) {
	e := newEnv(t)
	e.put("k0", "x")
	path := "/" + e.bucket + "?delete"
	doc := deleteDoc(1)
	e.signedDo("POST", path, doc, nil).wantError(t, 400, "InvalidRequest")
	e.signedDo("POST", path, doc, map[string]string{"Content-MD5": base64.StdEncoding.EncodeToString(make([]byte, 16))}).wantError(t, 400, "BadDigest")
	e.signedDo("POST", path, doc, map[string]string{"X-Amz-Checksum-Crc32": sumOf("CRC32", "other")}).wantError(t, 400, "BadDigest")
	big := deleteDoc(1001)
	e.signedDo("POST", path, big, md5Header(big)).wantError(t, 400, "MalformedXML")
	empty := []byte("<Delete></Delete>")
	e.signedDo("POST", path, empty, md5Header(empty)).wantError(t, 400, "MalformedXML")
	bad := []byte("<Delete><Object><Key>k0</Key></Object>")
	e.signedDo("POST", path, bad, md5Header(bad)).wantError(t, 400, "MalformedXML")
	huge := []byte("<Delete>" + strings.Repeat(" ", 2<<20) + "</Delete>")
	e.signedDo("POST", path, huge, md5Header(huge)).wantError(t, 400, "MaxMessageLengthExceeded")
	if !e.objectExists("k0") {
		t.Fatal("a refused batch delete removed an object")
	}
	r := e.signedDo("POST", path, doc, map[string]string{"X-Amz-Checksum-Sha256": sumOf("SHA256", string(doc))})
	if r.status != 200 || !strings.Contains(string(r.body), `<DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Deleted><Key>k0</Key></Deleted></DeleteResult>`) {
		t.Fatalf("delete: %d %s", r.status, r.body)
	}
}
