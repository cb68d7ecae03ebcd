package object

import (
	"fmt"
	"time"
)

// Storage classes a general purpose bucket accepts. S3's API also names
// OUTPOSTS, SNOW, EXPRESS_ONEZONE, FSX_OPENZFS and FSX_ONTAP, which exist
// only on Outposts, Snow devices, directory buckets and FSx access points:
// S3 refuses them on a general purpose bucket with InvalidStorageClass, and
// so does Hoard.
const (
	ClassStandard           = "STANDARD"
	ClassReducedRedundancy  = "REDUCED_REDUNDANCY"
	ClassStandardIA         = "STANDARD_IA"
	ClassOneZoneIA          = "ONEZONE_IA"
	ClassIntelligentTiering = "INTELLIGENT_TIERING"
	ClassGlacierIR          = "GLACIER_IR"
	ClassGlacier            = "GLACIER"
	ClassDeepArchive        = "DEEP_ARCHIVE"
)

// StorageClasses lists the accepted classes in S3's order.
var StorageClasses = []string{ClassStandard, ClassReducedRedundancy, ClassStandardIA, ClassOneZoneIA,
	ClassIntelligentTiering, ClassGlacierIR, ClassGlacier, ClassDeepArchive}

// ValidStorageClass checks a requested class; "" means STANDARD.
func ValidStorageClass(c string) error {
	if c == "" {
		return nil
	}
	for _, x := range StorageClasses {
		if c == x {
			return nil
		}
	}
	return fmt.Errorf("storage class %q: %w", c, ErrInvalidStorageClass)
}

// ArchiveClass reports whether a class's objects must be restored before
// they can be read (S3 Glacier Flexible Retrieval and Deep Archive).
func ArchiveClass(c string) bool { return c == ClassGlacier || c == ClassDeepArchive }

// storedClass is the class as records store it: "" for STANDARD, so that
// records of STANDARD objects encode as they always did.
func storedClass(c string) string {
	if c == ClassStandard {
		return ""
	}
	return c
}

// tierOf is the tier that holds a class's data ("" for the data
// directory).
func (s *Service) tierOf(class string) string {
	if class == "" {
		class = ClassStandard
	}
	return s.cfg.ClassTiers[class]
}

// Restore tiers (GlacierJobParameters Tier) and their default delays:
// short, as the delays of a store that keeps archives on disks are a
// setting, not physics.
const (
	RestoreExpedited = "Expedited"
	RestoreStandard  = "Standard"
	RestoreBulk      = "Bulk"
)

// DefaultRestoreDelays are used for tiers Config.RestoreDelays leaves out.
var DefaultRestoreDelays = map[string]time.Duration{
	RestoreExpedited: time.Second,
	RestoreStandard:  5 * time.Second,
	RestoreBulk:      15 * time.Second,
}

func (s *Service) restoreDelay(tier string) time.Duration {
	if d, ok := s.cfg.RestoreDelays[tier]; ok {
		return d
	}
	return DefaultRestoreDelays[tier]
}

// restoreDay is the length of a restore's "day" (Days in RestoreObject).
func (s *Service) restoreDay() time.Duration {
	if s.cfg.RestoreDay > 0 {
		return s.cfg.RestoreDay
	}
	return 24 * time.Hour
}
