package s3api_test

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/hoard-s3/hoard/internal/testserver"
)

// sendPresigned drives a presigned request with plain net/http, as a
// browser or a phone without credentials would.
func (e *env) sendPresigned(p *v4.PresignedHTTPRequest, body []byte) *rawResp {
	e.t.Helper()
	req := e.newRaw(p.Method, strings.TrimPrefix(p.URL, e.srv.URL), body)
	for k, v := range p.SignedHeader {
		if !strings.EqualFold(k, "Host") {
			req.Header[k] = v
		}
	}
	return e.do(req)
}

// presign signs any request as a query string with the SDK's SigV4 signer
// (the presign client covers only some operations; S3 accepts every one).
func (e *env) presign(method, pathQuery string) *v4.PresignedHTTPRequest {
	e.t.Helper()
	return e.presignFor(method, pathQuery, "3600")
}

func (e *env) presignFor(method, pathQuery, expires string) *v4.PresignedHTTPRequest {
	e.t.Helper()
	sep := "?"
	if strings.Contains(pathQuery, "?") {
		sep = "&"
	}
	req, err := http.NewRequestWithContext(e.ctx, method, e.srv.URL+pathQuery+sep+"X-Amz-Expires="+expires, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	creds := aws.Credentials{AccessKeyID: testserver.AccessKey, SecretAccessKey: testserver.SecretKey}
	u, hdr, err := v4.NewSigner().PresignHTTP(e.ctx, creds, req, "UNSIGNED-PAYLOAD", "s3", testserver.Region, time.Now())
	if err != nil {
		e.t.Fatal(err)
	}
	return &v4.PresignedHTTPRequest{URL: u, Method: method, SignedHeader: hdr}
}

func TestPresignedMultipart(t *testing.T) {
	e := newEnv(t)
	ps := s3.NewPresignClient(e.c, func(o *s3.PresignOptions) { o.Expires = 7 * 24 * time.Hour })
	id := e.createUpload("from-phone")
	parts := [][]byte{partBytes(21, 5*mib), partBytes(22, 5*mib), partBytes(23, 77)}

	etags := make([]string, len(parts))
	var wg sync.WaitGroup
	for i := len(parts) - 1; i >= 0; i-- {
		p, err := ps.PresignUploadPart(e.ctx, &s3.UploadPartInput{
			Bucket: aws.String(e.bucket), Key: aws.String("from-phone"), UploadId: aws.String(id), PartNumber: aws.Int32(int32(i + 1)),
		})
		wantNoErr(t, err)
		if p.Method != http.MethodPut || !strings.Contains(p.URL, "X-Amz-Expires=604800") {
			t.Fatalf("presigned upload part: %s %s", p.Method, p.URL)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := e.sendPresigned(p, parts[i])
			if r.status == 200 {
				etags[i] = r.header.Get("ETag")
			}
		}()
	}
	wg.Wait()
	for i, tag := range etags {
		if tag == "" {
			t.Fatalf("part %d not uploaded", i+1)
		}
	}

	r := e.sendPresigned(e.presign("GET", "/"+e.bucket+"/from-phone?uploadId="+id), nil)
	var list struct {
		Parts []struct {
			PartNumber int
			ETag       string
			Size       int64
		} `xml:"Part"`
	}
	if r.status != 200 || xml.Unmarshal(r.body, &list) != nil || len(list.Parts) != 3 || list.Parts[2].ETag != etags[2] || list.Parts[2].Size != 77 {
		t.Fatalf("presigned list parts: %d %s", r.status, r.body)
	}

	cp := e.presign("POST", "/"+e.bucket+"/from-phone?uploadId="+id)
	var doc bytes.Buffer
	doc.WriteString("<CompleteMultipartUpload>")
	for i, tag := range etags {
		fmt.Fprintf(&doc, "<Part><PartNumber>%d</PartNumber><ETag>%s</ETag></Part>", i+1, tag)
	}
	doc.WriteString("</CompleteMultipartUpload>")
	r = e.sendPresigned(cp, doc.Bytes())
	if r.status != 200 || !bytes.Contains(r.body, []byte(multipartETag(parts...)[1:len(multipartETag(parts...))-1])) {
		t.Fatalf("presigned complete: %d %s", r.status, r.body)
	}
	if got := e.mustGet("from-phone"); got != string(bytes.Join(parts, nil)) {
		t.Fatalf("object differs: %d bytes", len(got))
	}

	// A presigned URL is bound to its parameters: another part number
	// does not verify.
	p, err := ps.PresignUploadPart(e.ctx, &s3.UploadPartInput{
		Bucket: aws.String(e.bucket), Key: aws.String("k"), UploadId: aws.String(id), PartNumber: aws.Int32(1),
	})
	wantNoErr(t, err)
	p.URL = strings.Replace(p.URL, "partNumber=1", "partNumber=2", 1)
	e.sendPresigned(p, []byte("x")).wantError(t, 403, "SignatureDoesNotMatch")
}

// A lifetime outside 1 s to 7 days is refused as forbidden, as S3 does.
func TestPresignedLifetimeOutOfRange(t *testing.T) {
	e := newEnv(t)
	e.put("k", "v")
	for _, exp := range []string{"0", "-7", "604801"} {
		p := e.presignFor("GET", "/"+e.bucket+"/k", exp)
		req, err := http.NewRequestWithContext(e.ctx, "GET", p.URL, nil)
		wantNoErr(t, err)
		e.do(req).wantError(t, 403, "AuthorizationQueryParametersError")
	}
	p := e.presignFor("GET", "/"+e.bucket+"/k", "604800")
	req, err := http.NewRequestWithContext(e.ctx, "GET", p.URL, nil)
	wantNoErr(t, err)
	if r := e.do(req); r.status != 200 || string(r.body) != "v" {
		t.Fatalf("seven days: %d %s", r.status, r.body)
	}
}
