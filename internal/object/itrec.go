package object

import (
	"encoding/binary"
	"time"
)

// tieringFlag, or'ed into a record's version byte, says that a tiering
// block follows the restore block (or the version block): the access
// state of an INTELLIGENT_TIERING version. Records without one encode as
// before.
const tieringFlag = 0x40

// Archive tiers as the tiering block stores them.
const (
	itArchiveNone = 0
	itArchive     = 1
	itDeepArchive = 2
)

// itState is an INTELLIGENT_TIERING version's access state. LastRead is
// when it was last read (0: never since it was written, so ModTime
// counts). Archive says whether its data sits in an archive tier; the
// frequent, infrequent and archive instant tiers are only a matter of
// time since the last read and need no state.
type itState struct {
	Archive  byte
	LastRead int64 // Unix nanoseconds
}

func (t *itState) append(b []byte) []byte {
	b = append(b, t.Archive)
	return binary.AppendVarint(b, t.LastRead)
}

func decodeTiering(d *decoder) *itState {
	t := &itState{Archive: d.byte(), LastRead: d.varint()}
	if t.Archive > itDeepArchive {
		d.err = errCorrupt
	}
	return t
}

// archiveTier names the archive tier the data is in ("" for none).
func (t *itState) archiveTier() string {
	if t == nil {
		return ""
	}
	switch t.Archive {
	case itArchive:
		return TierArchive
	case itDeepArchive:
		return TierDeepArchive
	}
	return ""
}

func archiveCode(tier string) byte {
	switch tier {
	case TierArchive:
		return itArchive
	case TierDeepArchive:
		return itDeepArchive
	}
	return itArchiveNone
}

// archiveClass is the storage class whose tier holds the data of an
// Intelligent-Tiering archive tier: Glacier Flexible Retrieval's for
// ARCHIVE_ACCESS, Deep Archive's for DEEP_ARCHIVE_ACCESS.
func archiveClass(tier string) string {
	if tier == TierDeepArchive {
		return ClassDeepArchive
	}
	return ClassGlacier
}

// lastRead is when an IT version was last read, or written.
func (r *record) lastRead() time.Time {
	if r.Tiering != nil && r.Tiering.LastRead > r.ModTime {
		return time.Unix(0, r.Tiering.LastRead).UTC()
	}
	return time.Unix(0, r.ModTime).UTC()
}

// itArchived reports whether an IT version's data is in an archive tier
// (so it must be restored before it can be read).
func (r *record) itArchived() bool {
	return r.StorageClass == ClassIntelligentTiering && r.Tiering != nil && r.Tiering.Archive != itArchiveNone
}

// Days without a read after which S3 Intelligent-Tiering moves an
// object to the infrequent and the archive instant access tiers.
const (
	itInfrequentDays     = 30
	itArchiveInstantDays = 90
)

// AccessTier names the access tier of an object of class whose data is
// in archive ("" when in none) and that was last read at lastRead; ""
// for classes other than INTELLIGENT_TIERING.
func (s *Service) AccessTier(class, archive string, lastRead time.Time) string {
	if class != ClassIntelligentTiering {
		return ""
	}
	if archive != "" {
		return archive
	}
	day := s.lifecycleDay()
	idle := s.cfg.Now().Sub(lastRead)
	switch {
	case idle >= time.Duration(itArchiveInstantDays)*day:
		return TierArchiveInstant
	case idle >= time.Duration(itInfrequentDays)*day:
		return TierInfrequent
	}
	return TierFrequent
}

func (s *Service) recordTier(r *record) string {
	return s.AccessTier(r.StorageClass, r.Tiering.archiveTier(), r.lastRead())
}

// lifecycleDay is the length of a lifecycle day (24 hours unless the
// server shortens it for tests and demonstrations).
func (s *Service) lifecycleDay() time.Duration {
	if s.cfg.LifecycleDay > 0 {
		return s.cfg.LifecycleDay
	}
	return time.Duration(S3Day)
}
