package object

import (
	"context"
	"slices"
	"strings"
	"time"
)

// LifecycleDay is the length of a lifecycle "day". S3's is 24 hours, and
// S3 rounds a due time up to the next midnight UTC; a shorter day (for
// tests and demos) counts exactly, so that Days=1 with a ten-second day is
// due ten seconds after the object was written.
type LifecycleDay time.Duration

// S3Day is Amazon S3's lifecycle day.
const S3Day = LifecycleDay(24 * time.Hour)

// After returns when days lifecycle days have passed since t.
func (d LifecycleDay) After(t time.Time, days int) time.Time {
	if d <= 0 {
		d = S3Day
	}
	due := t.UTC().Add(time.Duration(days) * time.Duration(d))
	if d != S3Day {
		return due
	}
	mid := due.Truncate(24 * time.Hour)
	if mid.Equal(due) {
		return due
	}
	return mid.Add(24 * time.Hour)
}

// NeedsTags reports whether matching the rule needs the object's tags.
func (r *LifecycleRule) NeedsTags() bool { return len(r.Filter.Tags) > 0 }

// MatchesKey reports whether the key is in the rule's prefix.
func (r *LifecycleRule) MatchesKey(key string) bool { return strings.HasPrefix(key, r.Filter.Prefix) }

// Matches reports whether the rule applies to an object of that key,
// size and tags (every tag of the filter must be among them).
func (r *LifecycleRule) Matches(key string, size int64, tags []Tag) bool {
	f := &r.Filter
	if !r.Enabled || !strings.HasPrefix(key, f.Prefix) {
		return false
	}
	if f.SizeGreaterThan != nil && size <= *f.SizeGreaterThan {
		return false
	}
	if f.SizeLessThan != nil && size >= *f.SizeLessThan {
		return false
	}
	return hasTags(tags, f.Tags)
}

// hasTags reports whether every tag of want is among tags, as filters of
// lifecycle, Intelligent-Tiering and replication rules match.
func hasTags(tags, want []Tag) bool {
	for _, w := range want {
		if !slices.Contains(tags, w) {
			return false
		}
	}
	return true
}

// ExpiresAt returns when the rule expires a current version written at
// mod: Days after it, or on Date. ok is false when the rule does not
// expire current versions.
func (r *LifecycleRule) ExpiresAt(mod time.Time, day LifecycleDay) (at time.Time, ok bool) {
	e := r.Expiration
	switch {
	case e == nil:
		return time.Time{}, false
	case e.Days > 0:
		return day.After(mod, e.Days), true
	case !e.Date.IsZero():
		return e.Date, true
	}
	return time.Time{}, false
}

// Expiry is when a lifecycle rule will act on an object or upload.
type Expiry struct {
	At     time.Time
	RuleID string
}

// ObjectExpiration returns when the bucket's lifecycle rules will expire
// the object info describes (the latest version of its key), for S3's
// x-amz-expiration header; ok is false when no rule will. Dates follow
// S3's calendar whatever the server's lifecycle day, as S3 states them.
func (s *Service) ObjectExpiration(ctx context.Context, info *ObjectInfo) (Expiry, bool, error) {
	c, err := s.bucketLifecycle(ctx, s.meta, info.Bucket)
	if err != nil || c == nil {
		return Expiry{}, false, err
	}
	var tags []Tag
	loaded := false
	var best Expiry
	for i := range c.Rules {
		r := &c.Rules[i]
		at, ok := r.ExpiresAt(info.LastModified, S3Day)
		if !ok || !r.Enabled || !r.MatchesKey(info.Key) {
			continue
		}
		if r.NeedsTags() && !loaded && info.TagCount > 0 {
			loaded = true
			if tags, _, err = s.GetObjectTagging(ctx, info.Bucket, info.Key, info.VersionID); err != nil {
				return Expiry{}, false, err
			}
		}
		if !r.Matches(info.Key, info.Size, tags) {
			continue
		}
		if best.RuleID == "" || at.Before(best.At) {
			best = Expiry{At: at, RuleID: r.ID}
		}
	}
	return best, best.RuleID != "", nil
}

// UploadAbortDate returns when an AbortIncompleteMultipartUpload rule
// will abort an upload of key initiated at the given time (S3's
// x-amz-abort-date and x-amz-abort-rule-id); ok is false when none will.
func (s *Service) UploadAbortDate(ctx context.Context, bucket, key string, initiated time.Time) (Expiry, bool, error) {
	c, err := s.bucketLifecycle(ctx, s.meta, bucket)
	if err != nil || c == nil {
		return Expiry{}, false, err
	}
	best, ok := c.AbortRule(key, initiated, S3Day)
	return best, ok, nil
}

// AbortRule returns the earliest abort of an upload of key initiated at
// the given time, counted in days of the given length.
func (c *LifecycleConfiguration) AbortRule(key string, initiated time.Time, day LifecycleDay) (Expiry, bool) {
	var best Expiry
	for i := range c.Rules {
		r := &c.Rules[i]
		if !r.Enabled || r.AbortIncompleteDays == 0 || !r.MatchesKey(key) {
			continue
		}
		at := day.After(initiated, r.AbortIncompleteDays)
		if best.RuleID == "" || at.Before(best.At) {
			best = Expiry{At: at, RuleID: r.ID}
		}
	}
	return best, best.RuleID != ""
}
