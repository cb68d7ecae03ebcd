package logdelivery

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"time"

	"github.com/hoard-s3/hoard/internal/object"
	"github.com/hoard-s3/hoard/internal/outbox"
)

// AuditSink writes audit records as CloudTrail log files:
//
//	[Prefix/]AWSLogs/ACCOUNT/CloudTrail/REGION/YYYY/MM/DD/ACCOUNT_CloudTrail_REGION_YYYYMMDDTHHmmZ_UNIQUE.json.gz
//
// each a gzipped {"Records":[...]} document. A missing bucket keeps the
// records queued (the operator named it; it may be created later).
type AuditSink struct {
	Service *object.Service
	Bucket  string
	Prefix  string
	Account string
	Region  string
}

// Deliver writes one log file of recs.
func (a *AuditSink) Deliver(ctx context.Context, _ string, recs []outbox.Record, now time.Time) error {
	var body bytes.Buffer
	zw := gzip.NewWriter(&body)
	zw.Write([]byte(`{"Records":[`))
	for i, r := range recs {
		if i > 0 {
			zw.Write([]byte{','})
		}
		zw.Write(r.Payload)
	}
	zw.Write([]byte("]}\n"))
	if err := zw.Close(); err != nil {
		return fmt.Errorf("compress audit log: %w", err)
	}
	key := a.key(now, uniqueString())
	_, err := a.Service.PutObject(ctx, object.PutInput{
		Bucket: a.Bucket, Key: key, Body: &body, Size: int64(body.Len()),
		Metadata: object.Metadata{ContentType: "application/x-gzip"},
	})
	if err != nil {
		return fmt.Errorf("write audit log %s/%s: %w", a.Bucket, key, err)
	}
	return nil
}

func (a *AuditSink) key(now time.Time, unique string) string {
	p := a.Prefix
	if p != "" {
		p += "/"
	}
	now = now.UTC()
	return p + "AWSLogs/" + a.Account + "/CloudTrail/" + a.Region + "/" + now.Format("2006/01/02") + "/" +
		a.Account + "_CloudTrail_" + a.Region + "_" + now.Format("20060102T1504Z") + "_" + unique + ".json.gz"
}
