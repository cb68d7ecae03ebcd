package logdelivery

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hoard-s3/hoard/internal/object"
	"github.com/hoard-s3/hoard/internal/outbox"
)

// AccessSink writes server access log objects into the target bucket the
// source bucket's logging configuration names at delivery time, as S3
// does: records of a bucket whose logging was turned off, or whose
// target is gone, are dropped.
type AccessSink struct {
	Service *object.Service
	Account string // the source bucket's account id, for PartitionedPrefix
}

// Deliver writes one log object per day of the records' dates (one
// object, keyed by the delivery time, unless the key format partitions
// by event time).
func (a *AccessSink) Deliver(ctx context.Context, source string, recs []outbox.Record, now time.Time) error {
	cfg, err := a.Service.BucketLoggingOf(ctx, source)
	if err != nil {
		return err
	}
	if cfg == nil {
		return fmt.Errorf("logging of %q is off: %w", source, ErrDrop)
	}
	src, err := a.Service.HeadBucket(ctx, source)
	if errors.Is(err, object.ErrNoSuchBucket) {
		return fmt.Errorf("source %q is gone: %w", source, ErrDrop)
	}
	if err != nil {
		return err
	}
	for _, part := range splitByDay(recs, cfg.KeyFormat.DateSource == object.LogDateEventTime) {
		key := AccessLogKey(cfg, a.Account, src.Region, source, part[0].Time, now, uniqueString())
		ok, err := a.permitted(ctx, cfg.TargetBucket, key, source)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("the policy of %q refuses the logging service: %w", cfg.TargetBucket, ErrDrop)
		}
		if err := a.put(ctx, cfg.TargetBucket, key, part); err != nil {
			return err
		}
	}
	return nil
}

func (a *AccessSink) put(ctx context.Context, bucket, key string, recs []outbox.Record) error {
	body := logBody(recs)
	_, err := a.Service.PutObject(ctx, object.PutInput{
		Bucket: bucket, Key: key, Body: body, Size: int64(body.Len()),
		Metadata: object.Metadata{ContentType: "text/plain"},
	})
	if errors.Is(err, object.ErrNoSuchBucket) {
		return fmt.Errorf("target %q is gone: %w", bucket, ErrDrop)
	}
	if err != nil {
		return fmt.Errorf("write access log %s/%s: %w", bucket, key, err)
	}
	return nil
}

// splitByDay keeps recs together unless byEvent, when it cuts them where
// the UTC date of the event changes (records are in time order).
func splitByDay(recs []outbox.Record, byEvent bool) [][]outbox.Record {
	if !byEvent {
		return [][]outbox.Record{recs}
	}
	var out [][]outbox.Record
	start := 0
	for i := 1; i <= len(recs); i++ {
		if i == len(recs) || recs[i].Time.UTC().Format(time.DateOnly) != recs[start].Time.UTC().Format(time.DateOnly) {
			out = append(out, recs[start:i])
			start = i
		}
	}
	return out
}

// AccessLogKey is S3's log object key:
//
//	SimplePrefix:      [TargetPrefix]YYYY-mm-DD-HH-MM-SS-[UniqueString]
//	PartitionedPrefix: [TargetPrefix][SourceAccountId]/[SourceRegion]/[SourceBucket]/YYYY/mm/DD/YYYY-mm-DD-HH-MM-SS-[UniqueString]
//
// The time in the name is the delivery time; the partition date is the
// event's or the delivery's, as configured.
func AccessLogKey(cfg *object.BucketLogging, account, region, source string, event, delivery time.Time, unique string) string {
	name := delivery.UTC().Format("2006-01-02-15-04-05") + "-" + unique
	if !cfg.KeyFormat.Partitioned {
		return cfg.TargetPrefix + name
	}
	day := delivery
	if cfg.KeyFormat.DateSource == object.LogDateEventTime {
		day = event
	}
	return cfg.TargetPrefix + account + "/" + region + "/" + source + "/" + day.UTC().Format("2006/01/02") + "/" + name
}

// uniqueString is the 16 upper-case hex characters S3 ends log keys with.
func uniqueString() string {
	var b [8]byte
	rand.Read(b[:])
	return strings.ToUpper(hex.EncodeToString(b[:]))
}
