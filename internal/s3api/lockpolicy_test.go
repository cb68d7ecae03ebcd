package s3api_test

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// The object lock condition keys reach the policy engine from headers
// (PutObject) and from bodies (PutObjectRetention, PutObjectLegalHold).
func TestObjectLockConditionKeys(t *testing.T) {
	e := newEnv(t)
	b := e.newLockedBucket()
	res := `["arn:aws:s3:::` + b + `/*"]`
	u := e.newUser(
		allowDoc(`["s3:PutObject","s3:GetObject"]`, res),
		allowDoc(`["s3:PutObjectRetention"]`, res,
			`{"NumericLessThanEquals":{"s3:object-lock-remaining-retention-days":"30"},"StringEquals":{"s3:object-lock-mode":"GOVERNANCE"}}`),
		allowDoc(`["s3:PutObjectLegalHold"]`, res, `{"StringEquals":{"s3:object-lock-legal-hold":"OFF"}}`),
		allowDoc(`["s3:PutObjectRetention"]`, `["arn:aws:s3:::`+b+`/dated/*"]`,
			`{"DateLessThan":{"s3:object-lock-retain-until-date":"2131-01-01T00:00:00Z"}}`),
	)
	put := func(key string, mode types.ObjectLockMode, until time.Time, hold types.ObjectLockLegalHoldStatus) error {
		in := &s3.PutObjectInput{Bucket: aws.String(b), Key: aws.String(key), Body: strings.NewReader("x"),
			ObjectLockLegalHoldStatus: hold}
		if mode != "" {
			in.ObjectLockMode, in.ObjectLockRetainUntilDate = mode, aws.Time(until)
		}
		_, err := u.c.PutObject(e.ctx, in)
		return err
	}
	soon := time.Now().Add(10 * 24 * time.Hour)
	wantNoErr(t, put("a", types.ObjectLockModeGovernance, soon, ""))
	wantCode(t, put("b", types.ObjectLockModeGovernance, time.Now().Add(40*24*time.Hour), ""), "AccessDenied")
	wantCode(t, put("c", types.ObjectLockModeCompliance, soon, ""), "AccessDenied")
	wantCode(t, put("d", "", time.Time{}, types.ObjectLockLegalHoldStatusOn), "AccessDenied")
	wantNoErr(t, put("e", "", time.Time{}, types.ObjectLockLegalHoldStatusOff))
	wantNoErr(t, put("dated/x", types.ObjectLockModeCompliance, time.Date(2130, 1, 1, 0, 0, 0, 0, time.UTC), ""))
	wantCode(t, put("dated/y", types.ObjectLockModeCompliance, time.Date(2132, 1, 1, 0, 0, 0, 0, time.UTC), ""), "AccessDenied")

	// The same keys from the bodies of the lock calls.
	wantNoErr(t, e.setRetention(u.c, b, "e", "", gov, soon, false))
	wantCode(t, e.setRetention(u.c, b, "e", "", gov, time.Now().Add(31*24*time.Hour), false), "AccessDenied")
	wantNoErr(t, e.legalHold(u.c, b, "e", "", false))
	wantCode(t, e.legalHold(u.c, b, "e", "", true), "AccessDenied")
	wantNoErr(t, e.legalHold(e.c, b, "e", "", true))
	h, err := e.c.HeadObject(e.ctx, &s3.HeadObjectInput{Bucket: aws.String(b), Key: aws.String("e")})
	wantNoErr(t, err)
	if h.ObjectLockLegalHoldStatus != types.ObjectLockLegalHoldStatusOn {
		t.Fatalf("legal hold %v", h.ObjectLockLegalHoldStatus)
	}

	// Lock headers on HEAD only for callers allowed to read them.
	h, err = u.c.HeadObject(e.ctx, &s3.HeadObjectInput{Bucket: aws.String(b), Key: aws.String("a")})
	wantNoErr(t, err)
	if h.ObjectLockMode != "" || h.ObjectLockRetainUntilDate != nil {
		t.Fatalf("retention shown without s3:GetObjectRetention: %v %v", h.ObjectLockMode, h.ObjectLockRetainUntilDate)
	}
}
