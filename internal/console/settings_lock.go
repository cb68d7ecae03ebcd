package console

import (
	"context"
	"encoding/json"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// Versioning and object lock as bucket settings. Neither can be removed:
// S3 never returns a bucket to unversioned, nor turns object lock off.
// What S3 refuses (suspending a locked bucket, object lock without
// versioning) the page learns from the S3 error.

// lockValue is the page's view of an object lock configuration: Mode ""
// means object lock without a default retention.
type lockValue struct {
	Enabled bool   `json:"enabled"`
	Mode    string `json:"mode"`
	Days    int32  `json:"days,omitempty"`
	Years   int32  `json:"years,omitempty"`
}

func init() {
	settings["versioning"] = setting{
		get: func(ctx context.Context, cl *s3.Client, b string) (any, error) {
			out, err := cl.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: &b})
			if err != nil {
				return nil, err
			}
			return string(out.Status), nil
		},
		put: func(ctx context.Context, cl *s3.Client, b string, raw json.RawMessage) error {
			var v string
			if err := decodeValue(raw, &v); err != nil {
				return err
			}
			_, err := cl.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: &b,
				VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatus(v)}})
			return err
		},
	}
	settings["objectLock"] = setting{
		absent: "ObjectLockConfigurationNotFoundError",
		get:    getObjectLock,
		put:    putObjectLock,
	}
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
// sets or clears the default retention.
func putObjectLock(ctx context.Context, cl *s3.Client, b string, raw json.RawMessage) error {
	var v lockValue
	if err := decodeValue(raw, &v); err != nil {
		return err
	}
	c := &types.ObjectLockConfiguration{ObjectLockEnabled: types.ObjectLockEnabledEnabled}
	if v.Mode != "" {
		d := &types.DefaultRetention{Mode: types.ObjectLockRetentionMode(v.Mode)}
		if v.Years != 0 {
			d.Years = aws.Int32(v.Years)
		} else {
			d.Days = aws.Int32(v.Days)
		}
		c.Rule = &types.ObjectLockRule{DefaultRetention: d}
	}
	_, err := cl.PutObjectLockConfiguration(ctx, &s3.PutObjectLockConfigurationInput{Bucket: &b, ObjectLockConfiguration: c})
	return err
}
