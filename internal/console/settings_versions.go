package console

import (
	"context"
	"encoding/json"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// Versioning and object lock, as S3 lets them change: versioning goes
// from unversioned to Enabled and between Enabled and Suspended, never
// back; object lock, once on, stays on, and only its default retention
// changes. The S3 endpoint enforces all of it (Suspended on a locked
// bucket, say); the console only refuses documents it cannot express.
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

// objectLockJSON is the console's form of ObjectLockConfiguration: Mode
// is "" when there is no default retention; then Days and Years are 0.
type objectLockJSON struct {
	Enabled bool   `json:"enabled"`
	Mode    string `json:"mode"`
	Days    int32  `json:"days"`
	Years   int32  `json:"years"`
}

func getObjectLock(ctx context.Context, cl *s3.Client, b string) (any, error) {
	out, err := cl.GetObjectLockConfiguration(ctx, &s3.GetObjectLockConfigurationInput{Bucket: &b})
	if err != nil {
		return nil, err
	}
	c := out.ObjectLockConfiguration
	if c == nil || c.ObjectLockEnabled != types.ObjectLockEnabledEnabled {
		return objectLockJSON{}, nil
	}
	v := objectLockJSON{Enabled: true}
	if c.Rule != nil && c.Rule.DefaultRetention != nil {
		d := c.Rule.DefaultRetention
		v.Mode, v.Days, v.Years = string(d.Mode), aws.ToInt32(d.Days), aws.ToInt32(d.Years)
	}
	return v, nil
}

// putObjectLock writes the configuration with the given default
// retention, or none. On a versioned bucket without object lock this
// turns object lock on, which S3 allows and never undoes.
func putObjectLock(ctx context.Context, cl *s3.Client, b string, raw json.RawMessage) error {
	var v objectLockJSON
	if err := decodeValue(raw, &v); err != nil {
		return err
	}
	cfg := &types.ObjectLockConfiguration{ObjectLockEnabled: types.ObjectLockEnabledEnabled}
	switch mode := types.ObjectLockRetentionMode(v.Mode); {
	case mode == "" && v.Days == 0 && v.Years == 0:
	case mode != types.ObjectLockRetentionModeGovernance && mode != types.ObjectLockRetentionModeCompliance:
		return &badValue{msg: "The default retention mode is GOVERNANCE or COMPLIANCE (or none)."}
	case (v.Days > 0) == (v.Years > 0):
		return &badValue{msg: "A default retention needs a positive number of days or of years (one of the two)."}
	default:
		d := &types.DefaultRetention{Mode: mode}
		if v.Days > 0 {
			d.Days = &v.Days
		} else {
			d.Years = &v.Years
		}
		cfg.Rule = &types.ObjectLockRule{DefaultRetention: d}
	}
	_, err := cl.PutObjectLockConfiguration(ctx, &s3.PutObjectLockConfigurationInput{Bucket: &b, ObjectLockConfiguration: cfg})
	return err
}
