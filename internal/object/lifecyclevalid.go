package object

import (
	"errors"
	"fmt"
	"time"
	"unicode/utf8"
)

// LifecycleError is a lifecycle configuration S3 refuses. Code is the S3
// error code (InvalidArgument, InvalidRequest or MalformedXML) and Msg the
// message S3 gives with it; the wire layer sends both unchanged.
type LifecycleError struct {
	Code string
	Msg  string
}

func (e *LifecycleError) Error() string { return e.Code + ": " + e.Msg }

// Unwrap lets callers that do not know the type still see a bad argument.
func (e *LifecycleError) Unwrap() error { return ErrInvalidArgument }

func lcInvalid(format string, args ...any) error {
	return &LifecycleError{Code: "InvalidArgument", Msg: fmt.Sprintf(format, args...)}
}

func lcRequest(format string, args ...any) error {
	return &LifecycleError{Code: "InvalidRequest", Msg: fmt.Sprintf(format, args...)}
}

// errLCMalformed is a document S3's schema refuses.
var errLCMalformed = &LifecycleError{Code: "MalformedXML",
	Msg: "The XML you provided was not well-formed or did not validate against our published schema"}

// ErrLifecycleMalformed lets the wire layer raise the same error for
// documents it cannot map onto the typed configuration.
var ErrLifecycleMalformed error = errLCMalformed

// MaxLifecycleRuleID is S3's limit on a rule ID.
const MaxLifecycleRuleID = 255

// TransitionClasses are the storage classes a transition may target.
var TransitionClasses = map[string]bool{
	"STANDARD_IA": true, "ONEZONE_IA": true, "INTELLIGENT_TIERING": true,
	"GLACIER_IR": true, "GLACIER": true, "DEEP_ARCHIVE": true,
}

// infrequentClasses need objects 30 days old before a transition to them.
var infrequentClasses = map[string]bool{"STANDARD_IA": true, "ONEZONE_IA": true}

func validLifecycle(c *LifecycleConfiguration) error {
	if c.TransitionMinSize != TransitionMinSize128K && c.TransitionMinSize != TransitionMinSizeByClass {
		return lcInvalid("Invalid value for x-amz-transition-default-minimum-object-size: %q", c.TransitionMinSize)
	}
	if len(c.Rules) == 0 {
		return errLCMalformed
	}
	if len(c.Rules) > MaxLifecycleRules {
		return lcInvalid("The number of lifecycle rules must not exceed the allowed limit of %d rules", MaxLifecycleRules)
	}
	ids := make(map[string]bool, len(c.Rules))
	for i := range c.Rules {
		r := &c.Rules[i]
		if err := validRule(r); err != nil {
			return err
		}
		if r.ID == "" {
			continue
		}
		if ids[r.ID] {
			return lcInvalid("Rule ID must be unique. Found same ID for more than one rule")
		}
		ids[r.ID] = true
	}
	return nil
}

func validRule(r *LifecycleRule) error {
	if len(r.ID) > MaxLifecycleRuleID {
		return lcInvalid("ID length should not exceed allowed limit of %d", MaxLifecycleRuleID)
	}
	if !utf8.ValidString(r.ID) {
		return lcInvalid("ID must be valid UTF-8")
	}
	if err := validFilter(&r.Filter); err != nil {
		return err
	}
	if r.Expiration == nil && r.NoncurrentExpiration == nil && len(r.Transitions) == 0 &&
		len(r.NoncurrentTransitions) == 0 && r.AbortIncompleteDays == 0 {
		return lcRequest("At least one action needs to be specified in a rule")
	}
	for _, check := range []func(*LifecycleRule) error{validExpiration, validNoncurrent, validTransitions, validAbort} {
		if err := check(r); err != nil {
			return err
		}
	}
	return nil
}

func validFilter(f *LifecycleFilter) error {
	if len(f.Prefix) > MaxKeyLength {
		return lcInvalid("The maximum size of a prefix is %d", MaxKeyLength)
	}
	if len(f.Tags) > 0 {
		if err := validTagSet(f.Tags, MaxTags); err != nil {
			if errors.Is(err, ErrInvalidTag) && duplicateTags(f.Tags) {
				return lcInvalid("Duplicate Tag Keys are not allowed.")
			}
			return lcInvalid("The tag provided was not a valid tag.")
		}
	}
	gt, lt := f.SizeGreaterThan, f.SizeLessThan
	if gt != nil && *gt < 0 || lt != nil && *lt < 0 {
		return lcInvalid("Object size filters must be non-negative")
	}
	if lt != nil && *lt == 0 {
		return lcInvalid("ObjectSizeLessThan must be greater than 0")
	}
	if gt != nil && lt != nil && *gt >= *lt {
		return lcInvalid("ObjectSizeGreaterThan must be less than ObjectSizeLessThan")
	}
	return nil
}

func duplicateTags(tags []Tag) bool {
	seen := make(map[string]bool, len(tags))
	for _, t := range tags {
		if seen[t.Key] {
			return true
		}
		seen[t.Key] = true
	}
	return false
}

func validExpiration(r *LifecycleRule) error {
	e := r.Expiration
	if e == nil {
		return nil
	}
	set := 0
	for _, b := range []bool{e.Days != 0, !e.Date.IsZero(), e.HasMarkerFlag} {
		if b {
			set++
		}
	}
	switch {
	case set == 0:
		return errLCMalformed
	case e.HasMarkerFlag && set > 1:
		return lcInvalid("ExpiredObjectDeleteMarker cannot be specified with expiration days or date.")
	case set > 1:
		return errLCMalformed
	case e.Days < 0:
		return lcInvalid("'Days' for Expiration action must be a positive integer")
	case !e.Date.IsZero() && !midnightUTC(e.Date):
		return lcInvalid("'Date' must be at midnight GMT")
	case e.ExpiredObjectDeleteMarker && len(r.Filter.Tags) > 0:
		return lcInvalid("ExpiredObjectDeleteMarker cannot be specified with a tag-based filter.")
	}
	return nil
}

// ValidExpirationDays reports S3's error for Expiration Days the wire
// layer read as zero (zero is "absent" in LifecycleExpiration).
func ValidExpirationDays(days int) error {
	if days <= 0 {
		return lcInvalid("'Days' for Expiration action must be a positive integer")
	}
	return nil
}

func validNoncurrent(r *LifecycleRule) error {
	n := r.NoncurrentExpiration
	if n == nil {
		return nil
	}
	if n.NoncurrentDays <= 0 {
		return lcInvalid("'NoncurrentDays' for NoncurrentVersionExpiration action must be a positive integer")
	}
	return validNewer(n.NewerNoncurrentVersions, "NoncurrentVersionExpiration")
}

func validNewer(n int, action string) error {
	if n < 0 || n > 100 {
		return lcInvalid("'NewerNoncurrentVersions' for %s action must be a positive integer up to 100", action)
	}
	return nil
}

func validTransitions(r *LifecycleRule) error {
	classes := map[string]bool{}
	byDate, byDays := false, false
	for _, t := range r.Transitions {
		if !TransitionClasses[t.StorageClass] {
			return errLCMalformed
		}
		if t.HasDays == !t.Date.IsZero() {
			return errLCMalformed
		}
		byDays, byDate = byDays || t.HasDays, byDate || !t.Date.IsZero()
		switch {
		case t.HasDays && t.Days < 0:
			return lcInvalid("'Days' in Transition action must be a non-negative integer")
		case t.HasDays && infrequentClasses[t.StorageClass] && t.Days < 30:
			return lcInvalid("'Days' in Transition action must be greater than or equal to 30 for storageClass '%s'", t.StorageClass)
		case !t.Date.IsZero() && !midnightUTC(t.Date):
			return lcInvalid("'Date' must be at midnight GMT")
		case classes[t.StorageClass]:
			return lcInvalid("'StorageClass' must be different for 'Transition' actions in same 'Rule' with %s", filterName(r))
		}
		classes[t.StorageClass] = true
		if e := r.Expiration; e != nil && t.HasDays && e.Days > 0 && e.Days <= t.Days {
			return lcInvalid("'Days' in the Expiration action for %s must be greater than 'Days' in the Transition action", filterName(r))
		}
	}
	if byDate && byDays {
		return lcInvalid("Found mixed 'Date' and 'Days' based Transition actions in lifecycle rule for %s", filterName(r))
	}
	for _, t := range r.NoncurrentTransitions {
		if !TransitionClasses[t.StorageClass] {
			return errLCMalformed
		}
		switch {
		case t.NoncurrentDays < 0:
			return lcInvalid("'NoncurrentDays' in NoncurrentVersionTransition action must be a non-negative integer")
		case infrequentClasses[t.StorageClass] && t.NoncurrentDays < 30:
			return lcInvalid("'NoncurrentDays' in NoncurrentVersionTransition action must be greater than or equal to 30 for storageClass '%s'", t.StorageClass)
		}
		if err := validNewer(t.NewerNoncurrentVersions, "NoncurrentVersionTransition"); err != nil {
			return err
		}
	}
	return nil
}

func validAbort(r *LifecycleRule) error {
	if r.AbortIncompleteDays < 0 {
		return lcInvalid("'DaysAfterInitiation' for AbortIncompleteMultipartUpload action must be a positive integer")
	}
	if r.AbortIncompleteDays == 0 {
		return nil
	}
	if len(r.Filter.Tags) > 0 {
		return lcInvalid("AbortIncompleteMultipartUpload cannot be specified with Tags.")
	}
	if r.Filter.SizeGreaterThan != nil || r.Filter.SizeLessThan != nil {
		return lcInvalid("AbortIncompleteMultipartUpload cannot be specified with an object size filter.")
	}
	return nil
}

// ValidAbortDays reports S3's error for a DaysAfterInitiation the wire
// layer read as zero.
func ValidAbortDays(days int) error {
	if days <= 0 {
		return lcInvalid("'DaysAfterInitiation' for AbortIncompleteMultipartUpload action must be a positive integer")
	}
	return nil
}

// filterName is how S3's messages name a rule's scope.
func filterName(r *LifecycleRule) string {
	if r.LegacyPrefix {
		return fmt.Sprintf("prefix '%s'", r.Filter.Prefix)
	}
	return fmt.Sprintf("filter '(prefix=%s)'", r.Filter.Prefix)
}

func midnightUTC(t time.Time) bool {
	u := t.UTC()
	return u.Hour() == 0 && u.Minute() == 0 && u.Second() == 0 && u.Nanosecond() == 0
}
