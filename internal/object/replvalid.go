package object

import (
	"fmt"
	"regexp"
	"strings"
)

// ReplicationError is a replication configuration S3 would refuse, with
// S3's code and message; the wire layer sends them as they are.
type ReplicationError struct {
	Code string
	Msg  string
}

func (e *ReplicationError) Error() string { return e.Code + ": " + e.Msg }

// Unwrap lets callers that do not know the type still see a bad argument.
func (e *ReplicationError) Unwrap() error { return ErrInvalidArgument }

func replInvalid(code, format string, args ...any) error {
	return &ReplicationError{Code: code, Msg: fmt.Sprintf(format, args...)}
}

// MaxReplicationRules is S3's limit.
const MaxReplicationRules = 1000

var (
	bucketARNRE = regexp.MustCompile(`^arn:aws:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
	roleARNRE   = regexp.MustCompile(`^arn:aws:iam::[0-9]{12}:role/[\w+=,.@/-]{1,512}$`)
	accountRE   = regexp.MustCompile(`^[0-9]{12}$`)
)

func validReplication(c *ReplicationConfig) error {
	if c.Role == "" {
		return replInvalid("InvalidArgument", "Role cannot be empty")
	}
	if !roleARNRE.MatchString(c.Role) {
		return replInvalid("InvalidArgument", "Invalid ReplicationConfiguration role ARN: %s", c.Role)
	}
	if len(c.Rules) == 0 {
		return replInvalid("MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema")
	}
	if len(c.Rules) > MaxReplicationRules {
		return replInvalid("InvalidRequest", "Number of rules specified in the replication configuration exceeds the maximum of %d", MaxReplicationRules)
	}
	ids := map[string]bool{}
	prios := map[int]bool{}
	v1, v2 := false, false
	for i := range c.Rules {
		r := &c.Rules[i]
		if len(r.ID) > 255 {
			return replInvalid("InvalidArgument", "ID must be less than or equal to 255 characters")
		}
		if ids[r.ID] {
			return replInvalid("InvalidRequest", "Rule Id must be unique. Found same ID for more than one rule")
		}
		ids[r.ID] = true
		if r.V2() {
			v2 = true
			if prios[r.Priority] {
				return replInvalid("InvalidRequest", "Found duplicate priority %d in the replication configuration", r.Priority)
			}
			prios[r.Priority] = true
		} else {
			v1 = true
		}
		if err := validReplRule(r); err != nil {
			return err
		}
	}
	if v1 && v2 {
		return replInvalid("InvalidRequest", "Rules of the replication configuration must all use Filter or all use Prefix")
	}
	if v2 && len(c.Rules) > 1 {
		for _, r := range c.Rules {
			if !r.HasPriority {
				return replInvalid("InvalidRequest", "Priority must be specified for this version of Cross Region Replication configuration schema")
			}
		}
	}
	return nil
}

func validReplRule(r *ReplicationRule) error {
	if r.V2() {
		if !r.HasDeleteMarker {
			return replInvalid("InvalidRequest", "DeleteMarkerReplication must be specified for this version of Cross Region Replication configuration schema")
		}
		if r.Priority < 0 {
			return replInvalid("InvalidArgument", "Priority must be a non-negative integer")
		}
		if r.DeleteMarkers && len(r.Filter.Tags) > 0 {
			return replInvalid("InvalidRequest", "Delete marker replication is not supported if any Tag filter is specified")
		}
		if err := validReplFilter(r.Filter); err != nil {
			return err
		}
	} else if r.HasDeleteMarker {
		return replInvalid("InvalidRequest", "DeleteMarkerReplication cannot be specified for this version of Cross Region Replication configuration schema")
	}
	if r.ReplicaModifies != nil && !r.V2() || r.SSEKMS != nil && !r.V2() {
		return replInvalid("InvalidRequest", "SourceSelectionCriteria requires a Filter (this version of Cross Region Replication configuration schema)")
	}
	if len(r.Prefix) > 1024 {
		return replInvalid("InvalidArgument", "Prefix must be at most 1024 characters")
	}
	return validReplDestination(r)
}

func validReplFilter(f *ReplicationFilter) error {
	if len(f.Prefix) > 1024 {
		return replInvalid("InvalidArgument", "Prefix must be at most 1024 characters")
	}
	if !f.And && len(f.Tags) > 1 {
		return replInvalid("MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema")
	}
	if f.And && len(f.Tags) == 0 && f.Prefix == "" {
		return replInvalid("MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema")
	}
	if err := validTagSet(f.Tags, MaxTags); err != nil {
		return replInvalid("InvalidArgument", "Invalid tag in the replication filter: %v", err)
	}
	return nil
}

func validReplDestination(r *ReplicationRule) error {
	d := &r.Destination
	if d.Bucket == "" {
		return replInvalid("InvalidArgument", "Destination bucket must be specified")
	}
	if !bucketARNRE.MatchString(d.Bucket) || strings.Contains(d.Bucket, "..") {
		return replInvalid("InvalidArgument", "Invalid bucket ARN: %s", d.Bucket)
	}
	if d.StorageClass != "" {
		if err := ValidStorageClass(d.StorageClass); err != nil {
			return replInvalid("InvalidStorageClass", "The storage class you specified is not valid")
		}
	}
	if d.Account != "" && !accountRE.MatchString(d.Account) {
		return replInvalid("InvalidArgument", "Invalid destination account: %s", d.Account)
	}
	if d.OwnerOverride && d.Account == "" {
		return replInvalid("InvalidRequest", "Account must be specified when AccessControlTranslation is specified")
	}
	sseKMS := r.SSEKMS != nil && *r.SSEKMS
	if sseKMS && d.ReplicaKMSKey == "" {
		return replInvalid("InvalidRequest", "ReplicaKmsKeyID must be specified if SseKmsEncryptedObjects tag is present")
	}
	if d.ReplicaKMSKey != "" && !sseKMS {
		return replInvalid("InvalidRequest", "SseKmsEncryptedObjects must be specified if EncryptionConfiguration is present")
	}
	rtc := d.RTC != nil && *d.RTC
	if d.RTC != nil && d.RTCMinutes != 15 {
		return replInvalid("InvalidArgument", "ReplicationTime Minutes must be 15")
	}
	if d.Metrics != nil && *d.Metrics && d.MetricsMinutes != 0 && d.MetricsMinutes != 15 {
		return replInvalid("InvalidArgument", "Metrics EventThreshold Minutes must be 15")
	}
	if rtc && (d.Metrics == nil || !*d.Metrics) {
		return replInvalid("InvalidRequest", "Replication Time Control must be used in conjunction with Metrics")
	}
	return nil
}
