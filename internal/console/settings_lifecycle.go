package console

import (
	"context"
	"encoding/json"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// Lifecycle rules as a bucket setting. The page edits rules as a form
// (lcRule), shows the XML they become beside it, and saves them through
// PutBucketLifecycleConfiguration; the S3 endpoint judges them and its
// error (S3's message) is what the page shows.

type lcTag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

type lcMove struct {
	Days         int32  `json:"days"`
	StorageClass string `json:"storageClass"`
}

// lcRule is the page's view of one rule. Zero numbers mean "not set".
type lcRule struct {
	ID                        string   `json:"id"`
	Enabled                   bool     `json:"enabled"`
	Prefix                    string   `json:"prefix"`
	Tags                      []lcTag  `json:"tags,omitempty"`
	SizeGreaterThan           int64    `json:"sizeGreaterThan,omitempty"`
	SizeLessThan              int64    `json:"sizeLessThan,omitempty"`
	ExpireDays                int32    `json:"expireDays,omitempty"`
	ExpireDate                string   `json:"expireDate,omitempty"` // YYYY-MM-DD
	ExpiredObjectDeleteMarker bool     `json:"expiredObjectDeleteMarker,omitempty"`
	NoncurrentDays            int32    `json:"noncurrentDays,omitempty"`
	NewerNoncurrent           int32    `json:"newerNoncurrent,omitempty"`
	AbortDays                 int32    `json:"abortDays,omitempty"`
	Transitions               []lcMove `json:"transitions,omitempty"`
	NoncurrentTransitions     []lcMove `json:"noncurrentTransitions,omitempty"`
}

func init() {
	settings["lifecycle"] = setting{absent: "NoSuchLifecycleConfiguration", get: getLifecycle, put: putLifecycle, del: deleteLifecycle}
}

func getLifecycle(ctx context.Context, cl *s3.Client, b string) (any, error) {
	out, err := cl.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: &b})
	if err != nil {
		return nil, err
	}
	rules := make([]lcRule, 0, len(out.Rules))
	for _, r := range out.Rules {
		rules = append(rules, ruleForm(r))
	}
	return rules, nil
}

func putLifecycle(ctx context.Context, cl *s3.Client, b string, raw json.RawMessage) error {
	var rules []lcRule
	if err := decodeValue(raw, &rules); err != nil {
		return err
	}
	in := &types.BucketLifecycleConfiguration{}
	for _, f := range rules {
		r, err := sdkRule(f)
		if err != nil {
			return err
		}
		in.Rules = append(in.Rules, r)
	}
	_, err := cl.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{Bucket: &b, LifecycleConfiguration: in})
	return err
}

func deleteLifecycle(ctx context.Context, cl *s3.Client, b string) error {
	_, err := cl.DeleteBucketLifecycle(ctx, &s3.DeleteBucketLifecycleInput{Bucket: &b})
	return err
}

// sdkRule turns a form into a rule: one filter condition goes in the
// Filter itself, several in an And, as S3 requires.
func sdkRule(f lcRule) (types.LifecycleRule, error) {
	r := types.LifecycleRule{ID: aws.String(f.ID), Status: types.ExpirationStatusDisabled, Filter: sdkFilter(f)}
	if f.Enabled {
		r.Status = types.ExpirationStatusEnabled
	}
	if f.ExpireDays > 0 || f.ExpireDate != "" || f.ExpiredObjectDeleteMarker {
		r.Expiration = &types.LifecycleExpiration{}
		if f.ExpireDays > 0 {
			r.Expiration.Days = aws.Int32(f.ExpireDays)
		}
		if f.ExpireDate != "" {
			d, err := time.Parse(time.DateOnly, f.ExpireDate)
			if err != nil {
				return r, &badValue{msg: "The expiry date must be a date (YYYY-MM-DD)."}
			}
			r.Expiration.Date = &d
		}
		if f.ExpiredObjectDeleteMarker {
			r.Expiration.ExpiredObjectDeleteMarker = aws.Bool(true)
		}
	}
	if f.NoncurrentDays > 0 {
		r.NoncurrentVersionExpiration = &types.NoncurrentVersionExpiration{NoncurrentDays: aws.Int32(f.NoncurrentDays)}
		if f.NewerNoncurrent > 0 {
			r.NoncurrentVersionExpiration.NewerNoncurrentVersions = aws.Int32(f.NewerNoncurrent)
		}
	}
	if f.AbortDays > 0 {
		r.AbortIncompleteMultipartUpload = &types.AbortIncompleteMultipartUpload{DaysAfterInitiation: aws.Int32(f.AbortDays)}
	}
	for _, m := range f.Transitions {
		r.Transitions = append(r.Transitions, types.Transition{Days: aws.Int32(m.Days), StorageClass: types.TransitionStorageClass(m.StorageClass)})
	}
	for _, m := range f.NoncurrentTransitions {
		r.NoncurrentVersionTransitions = append(r.NoncurrentVersionTransitions, types.NoncurrentVersionTransition{
			NoncurrentDays: aws.Int32(m.Days), StorageClass: types.TransitionStorageClass(m.StorageClass)})
	}
	return r, nil
}

func sdkFilter(f lcRule) *types.LifecycleRuleFilter {
	var tags []types.Tag
	for _, t := range f.Tags {
		tags = append(tags, types.Tag{Key: aws.String(t.Key), Value: aws.String(t.Value)})
	}
	var gt, lt *int64
	if f.SizeGreaterThan > 0 {
		gt = aws.Int64(f.SizeGreaterThan)
	}
	if f.SizeLessThan > 0 {
		lt = aws.Int64(f.SizeLessThan)
	}
	n := len(tags)
	for _, set := range []bool{f.Prefix != "", gt != nil, lt != nil} {
		if set {
			n++
		}
	}
	switch {
	case n > 1:
		a := &types.LifecycleRuleAndOperator{Tags: tags, ObjectSizeGreaterThan: gt, ObjectSizeLessThan: lt}
		if f.Prefix != "" {
			a.Prefix = aws.String(f.Prefix)
		}
		return &types.LifecycleRuleFilter{And: a}
	case len(tags) == 1:
		return &types.LifecycleRuleFilter{Tag: &tags[0]}
	case gt != nil || lt != nil:
		return &types.LifecycleRuleFilter{ObjectSizeGreaterThan: gt, ObjectSizeLessThan: lt}
	}
	return &types.LifecycleRuleFilter{Prefix: aws.String(f.Prefix)}
}

func ruleForm(r types.LifecycleRule) lcRule {
	f := lcRule{ID: aws.ToString(r.ID), Enabled: r.Status == types.ExpirationStatusEnabled, Prefix: aws.ToString(r.Prefix)}
	if fl := r.Filter; fl != nil {
		if fl.Prefix != nil {
			f.Prefix = *fl.Prefix
		}
		if fl.Tag != nil {
			f.Tags = []lcTag{{Key: aws.ToString(fl.Tag.Key), Value: aws.ToString(fl.Tag.Value)}}
		}
		f.SizeGreaterThan, f.SizeLessThan = aws.ToInt64(fl.ObjectSizeGreaterThan), aws.ToInt64(fl.ObjectSizeLessThan)
		if a := fl.And; a != nil {
			f.Prefix = aws.ToString(a.Prefix)
			for _, t := range a.Tags {
				f.Tags = append(f.Tags, lcTag{Key: aws.ToString(t.Key), Value: aws.ToString(t.Value)})
			}
			f.SizeGreaterThan, f.SizeLessThan = aws.ToInt64(a.ObjectSizeGreaterThan), aws.ToInt64(a.ObjectSizeLessThan)
		}
	}
	if e := r.Expiration; e != nil {
		f.ExpireDays, f.ExpiredObjectDeleteMarker = aws.ToInt32(e.Days), aws.ToBool(e.ExpiredObjectDeleteMarker)
		if e.Date != nil {
			f.ExpireDate = e.Date.UTC().Format(time.DateOnly)
		}
	}
	if n := r.NoncurrentVersionExpiration; n != nil {
		f.NoncurrentDays, f.NewerNoncurrent = aws.ToInt32(n.NoncurrentDays), aws.ToInt32(n.NewerNoncurrentVersions)
	}
	if a := r.AbortIncompleteMultipartUpload; a != nil {
		f.AbortDays = aws.ToInt32(a.DaysAfterInitiation)
	}
	for _, t := range r.Transitions {
		f.Transitions = append(f.Transitions, lcMove{Days: aws.ToInt32(t.Days), StorageClass: string(t.StorageClass)})
	}
	for _, t := range r.NoncurrentVersionTransitions {
		f.NoncurrentTransitions = append(f.NoncurrentTransitions, lcMove{Days: aws.ToInt32(t.NoncurrentDays), StorageClass: string(t.StorageClass)})
	}
	return f
}
