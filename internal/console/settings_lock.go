package console

import (
	"context"
	"encoding/json"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// Versioning and object lock as bucket settings, changed as S3 lets them
// change: versioning goes from unversioned to Enabled and between Enabled
// and Suspended, never back; object lock, once on, stays on, and only its
// default retention changes. Neither can be removed. What S3 refuses
// (suspending a locked bucket, object lock without versioning, a period
// out of bounds) the page learns from the S3 error; the console refuses
// only what it cannot express.

// lockValue is the page's view of an object lock configuration: Mode ""
// means no default retention.
type lockValue struct {
	Enabled bool   `json:"enabled"`
	Mode    string `json:"mode"`
	Days    int32  `json:"days,omitempty"`
	Years   int32  `json:"years,omitempty"`
}

func init() {
	settings["versioning"] = setting{get: getVersioning, put: putVersioning}
	settings["objectLock"] = setting{absent: "ObjectLockConfigurationNotFoundError", get: getObjectLock, put: putObjectLock}
}

// getVersioning answers "Enabled", "Suspended", or "" for a bucket that
// was never versioned.
func getVersioning(ctx context.Context, cl *s3.Client, b string) (any, error) {
	out, err := cl.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: &b})
	if err != nil {
		return nil, err
	}
	return string(out.Status), nil
}

func putVersioning(ctx context.Context, cl *s3.Client, b string, raw json.RawMessage) error {
	var v string
	if err := decodeValue(raw, &v); err != nil {
		return err
	}
	status := types.BucketVersioningStatus(v)
	if status != types.BucketVersioningStatusEnabled && status != types.BucketVersioningStatusSuspended {
		return &badValue{msg: "Versioning can be Enabled or Suspended; a bucket never returns to unversioned."}
	}
	_, err := cl.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: &b,
		VersioningConfiguration: &types.VersioningConfiguration{Status: status}})
	return err
}

func getObjectLock(ctx context.Context, cl *s3.Client, b string) (any, error) {
	out, err := cl.GetObjectLockConfiguration(ctx, &s3.GetObjectLockConfigurationInput{Bucket: &b})
	if err != nil {
		return nil, err
	}
	c := out.ObjectLockConfiguration
	if c == nil {
		return nil, nil
	}
	v := lockValue{Enabled: c.ObjectLockEnabled == types.ObjectLockEnabledEnabled}
	if c.Rule != nil && c.Rule.DefaultRetention != nil {
		d := c.Rule.DefaultRetention
		v.Mode, v.Days, v.Years = string(d.Mode), aws.ToInt32(d.Days), aws.ToInt32(d.Years)
	}
	return v, nil
}

// putObjectLock enables object lock (S3 requires versioning Enabled) and
// sets or clears the default retention. The period goes as given, so the
// S3 endpoint judges it (InvalidRetentionPeriod, or MalformedXML for both
// days and years).
func putObjectLock(ctx context.Context, cl *s3.Client, b string, raw json.RawMessage) error {
	var v lockValue
	if err := decodeValue(raw, &v); err != nil {
		return err
	}
	if !v.Enabled {
		return &badValue{msg: "Object lock cannot be turned off once on; send enabled: true."}
	}
	c := &types.ObjectLockConfiguration{ObjectLockEnabled: types.ObjectLockEnabledEnabled}
	if v.Mode != "" {
		d := &types.DefaultRetention{Mode: types.ObjectLockRetentionMode(v.Mode)}
		if v.Years != 0 {
			d.Years = aws.Int32(v.Years)
		}
		if v.Days != 0 || v.Years == 0 {
			d.Days = aws.Int32(v.Days)
		}
		c.Rule = &types.ObjectLockRule{DefaultRetention: d}
	} else if v.Days != 0 || v.Years != 0 {
		return &badValue{msg: "A retention period needs a mode (GOVERNANCE or COMPLIANCE)."}
	}
	_, err := cl.PutObjectLockConfiguration(ctx, &s3.PutObjectLockConfigurationInput{Bucket: &b, ObjectLockConfiguration: c})
	return err
}
