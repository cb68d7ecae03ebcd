package s3api

import (
	"errors"
	"net/http"
	"testing"

	"github.com/hoard-s3/hoard/internal/object"
)

// FuzzObjectLockBodies feeds hostile documents to the object lock bodies
// (ObjectLockConfiguration, Retention, LegalHold) and hostile values to
// the lock headers. Decoding ends in a value or a client error, never a
// panic; whatever is accepted is a configuration the service accepts or
// refuses with one of its lock sentinels.
func FuzzObjectLockBodies(f *testing.F) {
	for _, s := range []string{
		`<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Mode>GOVERNANCE</Mode><Days>1</Days></DefaultRetention></Rule></ObjectLockConfiguration>`,
		`<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Mode>COMPLIANCE</Mode><Years>99999999999999999999</Years></DefaultRetention></Rule></ObjectLockConfiguration>`,
		`<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule/></ObjectLockConfiguration>`,
		`<Retention><Mode>COMPLIANCE</Mode><RetainUntilDate>2030-01-01T00:00:00.000Z</RetainUntilDate></Retention>`,
		`<Retention><Mode>GOVERNANCE</Mode><RetainUntilDate>2030-01-01T00:00:00+25:00</RetainUntilDate><X/></Retention>`,
		`<LegalHold><Status>ON</Status></LegalHold>`,
		`<LegalHold><Status>ON</Status><Status>OFF</Status></LegalHold>`,
	} {
		f.Add([]byte(s), "GOVERNANCE", "2030-01-01T00:00:00Z", "ON")
	}
	f.Fuzz(func(t *testing.T, doc []byte, mode, until, hold string) {
		clientErr := func(err error) bool {
			return errors.Is(err, errMalformedXML) || errors.Is(err, errMissingBody)
		}
		var cfg objectLockConfiguration
		if err := decodeXML(doc, &cfg); err == nil {
			if c, err := lockConfigFromXML(&cfg); err == nil {
				if err := object.ValidLockConfig(c); err != nil &&
					!errors.Is(err, object.ErrMalformedLockConfig) && !errors.Is(err, object.ErrInvalidRetentionPeriod) {
					t.Fatalf("lock configuration %+v: unexpected %v", c, err)
				}
			} else if !clientErr(err) {
				t.Fatalf("lock configuration: unexpected %v", err)
			}
		} else if !clientErr(err) {
			t.Fatalf("decode lock configuration: %v", err)
		}
		var r retentionXML
		if err := decodeXML(doc, &r); err == nil {
			parseLockDate(r.RetainUntilDate)
			object.ParseLockMode(r.Mode)
		} else if !clientErr(err) {
			t.Fatalf("decode retention: %v", err)
		}
		var lh legalHoldXML
		if err := decodeXML(doc, &lh); err != nil && !clientErr(err) {
			t.Fatalf("decode legal hold: %v", err)
		}
		hd := http.Header{}
		hd.Set(hdrLockMode, mode)
		hd.Set(hdrLockUntil, until)
		hd.Set(hdrLockLegalHold, hold)
		l, err := lockFromHeaders(hd)
		var api *apiError
		switch {
		case err != nil && !errors.As(err, &api):
			t.Fatalf("lock headers: %v", err)
		case err == nil && l != nil && (l.Mode == object.LockNone) != l.RetainUntil.IsZero():
			t.Fatalf("lock headers gave a half retention: %+v", l)
		}
	})
}
