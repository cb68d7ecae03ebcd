package s3api_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

var (
	gov  = types.ObjectLockRetentionModeGovernance
	comp = types.ObjectLockRetentionModeCompliance
)

func (e *env) retention(bucket, key, version string) (*types.ObjectLockRetention, error) {
	in := &s3.GetObjectRetentionInput{Bucket: aws.String(bucket), Key: aws.String(key)}
	if version != "" {
		in.VersionId = aws.String(version)
	}
	out, err := e.c.GetObjectRetention(e.ctx, in)
	if err != nil {
		return nil, err
	}
	return out.Retention, nil
}

func (e *env) legalHold(c *s3.Client, bucket, key, version string, on bool) error {
	st := types.ObjectLockLegalHoldStatusOff
	if on {
		st = types.ObjectLockLegalHoldStatusOn
	}
	in := &s3.PutObjectLegalHoldInput{Bucket: aws.String(bucket), Key: aws.String(key), LegalHold: &types.ObjectLockLegalHold{Status: st}}
	if version != "" {
		in.VersionId = aws.String(version)
	}
	_, err := c.PutObjectLegalHold(e.ctx, in)
	return err
}

func TestObjectRetentionRules(t *testing.T) {
	e := newEnv(t)
	b := e.newLockedBucket()
	out, err := e.putIn(b, "k", "abc")
	wantNoErr(t, err)
	ver := aws.ToString(out.VersionId)
	_, err = e.retention(b, "k", "")
	wantCode(t, err, "NoSuchObjectLockConfiguration")
	_, err = e.c.GetObjectLegalHold(e.ctx, &s3.GetObjectLegalHoldInput{Bucket: aws.String(b), Key: aws.String("k")})
	wantCode(t, err, "NoSuchObjectLockConfiguration")
	wantNoErr(t, e.legalHold(e.c, b, "k", ver, false))
	lh, err := e.c.GetObjectLegalHold(e.ctx, &s3.GetObjectLegalHoldInput{Bucket: aws.String(b), Key: aws.String("k")})
	wantNoErr(t, err)
	if lh.LegalHold.Status != types.ObjectLockLegalHoldStatusOff {
		t.Fatalf("legal hold set OFF reads %v", lh.LegalHold.Status)
	}

	d1 := time.Date(2130, 1, 1, 0, 0, 0, 0, time.UTC)
	d3 := d1.AddDate(0, 0, 2)
	wantNoErr(t, e.setRetention(e.c, b, "k", "", gov, d3, false))
	r, err := e.retention(b, "k", ver)
	wantNoErr(t, err)
	if r.Mode != gov || !aws.ToTime(r.RetainUntilDate).Equal(d3) {
		t.Fatalf("retention %v %v, want GOVERNANCE %v", r.Mode, r.RetainUntilDate, d3)
	}
	// Shortening GOVERNANCE, or turning it into COMPLIANCE, needs bypass.
	wantCode(t, e.setRetention(e.c, b, "k", "", gov, d1, false), "AccessDenied")
	wantCode(t, e.setRetention(e.c, b, "k", "", comp, d3, false), "AccessDenied")
	wantNoErr(t, e.setRetention(e.c, b, "k", "", gov, d3.AddDate(0, 0, 1), false))
	wantNoErr(t, e.setRetention(e.c, b, "k", ver, gov, d1, true))
	r, err = e.retention(b, "k", "")
	wantNoErr(t, err)
	if !aws.ToTime(r.RetainUntilDate).Equal(d1) {
		t.Fatalf("after a bypassed shortening: %v, want %v", r.RetainUntilDate, d1)
	}
	// COMPLIANCE only ever grows, whatever the caller (root here) asks.
	wantNoErr(t, e.setRetention(e.c, b, "k", "", comp, d1, true))
	wantCode(t, e.setRetention(e.c, b, "k", "", comp, d1.Add(-time.Hour), true), "AccessDenied")
	wantCode(t, e.setRetention(e.c, b, "k", "", gov, d3, true), "AccessDenied")
	_, err = e.c.PutObjectRetention(e.ctx, &s3.PutObjectRetentionInput{Bucket: aws.String(b), Key: aws.String("k"),
		Retention: &types.ObjectLockRetention{}, BypassGovernanceRetention: aws.Bool(true)})
	wantCode(t, err, "AccessDenied")
	wantNoErr(t, e.setRetention(e.c, b, "k", "", comp, d3, false))
	r, err = e.retention(b, "k", "")
	wantNoErr(t, err)
	if r.Mode != comp || !aws.ToTime(r.RetainUntilDate).Equal(d3) {
		t.Fatalf("retention %v %v, want COMPLIANCE %v", r.Mode, r.RetainUntilDate, d3)
	}
	wantCode(t, e.deleteVersion(e.c, b, "k", ver, true), "AccessDenied")
}

func TestObjectRetentionErrors(t *testing.T) {
	e := newEnv(t)
	e.put("plain", "x")
	future := time.Now().Add(24 * time.Hour)
	wantCode(t, e.setRetention(e.c, e.bucket, "plain", "", gov, future, false), "InvalidRequest")
	_, err := e.retention(e.bucket, "plain", "")
	wantCode(t, err, "InvalidRequest")
	wantCode(t, e.legalHold(e.c, e.bucket, "plain", "", true), "InvalidRequest")
	_, err = e.c.GetObjectLegalHold(e.ctx, &s3.GetObjectLegalHoldInput{Bucket: aws.String(e.bucket), Key: aws.String("plain")})
	wantCode(t, err, "InvalidRequest")

	b := e.newLockedBucket()
	_, err = e.putIn(b, "k", "abc")
	wantNoErr(t, err)
	wantCode(t, e.setRetention(e.c, b, "k", "", "governance", future, false), "MalformedXML")
	wantCode(t, e.setRetention(e.c, b, "k", "", "abc", future, false), "MalformedXML")
	wantCode(t, e.setRetention(e.c, b, "k", "", gov, time.Now().Add(-time.Hour), false), "InvalidArgument")
	wantCode(t, e.setRetention(e.c, b, "missing", "", gov, future, false), "NoSuchKey")
	_, err = e.c.PutObjectLegalHold(e.ctx, &s3.PutObjectLegalHoldInput{Bucket: aws.String(b), Key: aws.String("k"),
		LegalHold: &types.ObjectLockLegalHold{Status: "abc"}})
	wantCode(t, err, "MalformedXML")

	// Both writes require Content-MD5 or a checksum, as on S3.
	doc := []byte(`<LegalHold><Status>ON</Status></LegalHold>`)
	e.signedDo(http.MethodPut, "/"+b+"/k?legal-hold", doc, nil).wantError(t, 400, "InvalidRequest")
	doc = []byte(`<Retention><Mode>GOVERNANCE</Mode><RetainUntilDate>2130-01-01T00:00:00Z</RetainUntilDate></Retention>`)
	e.signedDo(http.MethodPut, "/"+b+"/k?retention", doc, nil).wantError(t, 400, "InvalidRequest")
	if _, err := e.retention(b, "k", ""); err == nil {
		t.Fatal("a refused retention was stored")
	}
}

func TestObjectLockHeadersOnWrite(t *testing.T) {
	e := newEnv(t)
	b := e.newLockedBucket()
	until := time.Date(2130, 1, 1, 0, 0, 0, 0, time.UTC)
	out, err := e.putIn(b, "k", "abc", func(in *s3.PutObjectInput) {
		in.ObjectLockMode = types.ObjectLockModeGovernance
		in.ObjectLockRetainUntilDate = aws.Time(until)
		in.ObjectLockLegalHoldStatus = types.ObjectLockLegalHoldStatusOn
	})
	wantNoErr(t, err)
	h, err := e.c.HeadObject(e.ctx, &s3.HeadObjectInput{Bucket: aws.String(b), Key: aws.String("k")})
	wantNoErr(t, err)
	if h.ObjectLockMode != types.ObjectLockModeGovernance || !aws.ToTime(h.ObjectLockRetainUntilDate).Equal(until) ||
		h.ObjectLockLegalHoldStatus != types.ObjectLockLegalHoldStatusOn {
		t.Fatalf("HEAD lock: %v %v %v", h.ObjectLockMode, h.ObjectLockRetainUntilDate, h.ObjectLockLegalHoldStatus)
	}
	lh, err := e.c.GetObjectLegalHold(e.ctx, &s3.GetObjectLegalHoldInput{Bucket: aws.String(b), Key: aws.String("k"), VersionId: out.VersionId})
	wantNoErr(t, err)
	if lh.LegalHold.Status != types.ObjectLockLegalHoldStatusOn {
		t.Fatalf("legal hold %v", lh.LegalHold.Status)
	}

	bad := []struct {
		name string
		mod  func(*s3.PutObjectInput)
		code string
	}{
		{"mode without date", func(in *s3.PutObjectInput) { in.ObjectLockMode = types.ObjectLockModeGovernance }, "InvalidArgument"},
		{"date without mode", func(in *s3.PutObjectInput) { in.ObjectLockRetainUntilDate = aws.Time(until) }, "InvalidArgument"},
		{"unknown mode", func(in *s3.PutObjectInput) { in.ObjectLockMode = "abc"; in.ObjectLockRetainUntilDate = aws.Time(until) }, "InvalidArgument"},
		{"past date", func(in *s3.PutObjectInput) {
			in.ObjectLockMode = types.ObjectLockModeCompliance
			in.ObjectLockRetainUntilDate = aws.Time(time.Now().Add(-time.Minute))
		}, "InvalidArgument"},
		{"bad legal hold", func(in *s3.PutObjectInput) { in.ObjectLockLegalHoldStatus = "maybe" }, "InvalidArgument"},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			_, err := e.putIn(b, "bad", "x", c.mod)
			wantCode(t, err, c.code)
		})
	}
	if _, err := e.c.HeadObject(e.ctx, &s3.HeadObjectInput{Bucket: aws.String(b), Key: aws.String("bad")}); err == nil {
		t.Fatal("a refused PUT stored an object")
	}
	_, err = e.putIn(e.bucket, "k", "abc", func(in *s3.PutObjectInput) { in.ObjectLockLegalHoldStatus = types.ObjectLockLegalHoldStatusOn })
	wantCode(t, err, "InvalidRequest")

	// A retention without Content-MD5 or a checksum is refused.
	req := e.newRaw(http.MethodPut, "/"+b+"/nodigest", []byte("abc"))
	req.Header.Set(hdrMode, "GOVERNANCE")
	req.Header.Set(hdrUntil, "2130-01-01T00:00:00Z")
	e.signWith(req, "UNSIGNED-PAYLOAD")
	e.do(req).wantError(t, 400, "InvalidRequest")
	// A signed payload hash is an integrity check as good as Content-MD5.
	req = e.newRaw(http.MethodPut, "/"+b+"/signed", []byte("abc"))
	req.Header.Set(hdrMode, "GOVERNANCE")
	req.Header.Set(hdrUntil, "2130-01-01T00:00:00Z")
	e.sign(req, []byte("abc"))
	if r := e.do(req); r.status != 200 {
		t.Fatalf("signed payload with retention: %d %s", r.status, r.body)
	}
}

const (
	hdrMode  = "X-Amz-Object-Lock-Mode"
	hdrUntil = "X-Amz-Object-Lock-Retain-Until-Date"
)

func TestObjectLockDefaultRetention(t *testing.T) {
	e := newEnv(t)
	b := e.newLockedBucket()
	wantNoErr(t, e.putLockConfig(b, &types.DefaultRetention{Mode: types.ObjectLockRetentionModeCompliance, Days: aws.Int32(2)}))
	before := time.Now().UTC()
	_, err := e.putIn(b, "d", "abc")
	wantNoErr(t, err)
	r, err := e.retention(b, "d", "")
	wantNoErr(t, err)
	until := aws.ToTime(r.RetainUntilDate)
	if r.Mode != comp || until.Before(before.AddDate(0, 0, 2).Add(-time.Second)) || until.After(time.Now().AddDate(0, 0, 2).Add(time.Millisecond)) {
		t.Fatalf("default retention gave %v until %v", r.Mode, until)
	}
	// A request's own retention wins over the default.
	own := time.Date(2131, 5, 6, 7, 8, 9, 0, time.UTC)
	_, err = e.putIn(b, "own", "abc", func(in *s3.PutObjectInput) {
		in.ObjectLockMode = types.ObjectLockModeGovernance
		in.ObjectLockRetainUntilDate = aws.Time(own)
	})
	wantNoErr(t, err)
	r, err = e.retention(b, "own", "")
	wantNoErr(t, err)
	if r.Mode != gov || !aws.ToTime(r.RetainUntilDate).Equal(own) {
		t.Fatalf("own retention %v %v", r.Mode, r.RetainUntilDate)
	}
	// The default needs an integrity check on PUT, as an explicit one does.
	req := e.newRaw(http.MethodPut, "/"+b+"/nodigest", []byte("abc"))
	e.signWith(req, "UNSIGNED-PAYLOAD")
	e.do(req).wantError(t, 400, "InvalidRequest")
}
