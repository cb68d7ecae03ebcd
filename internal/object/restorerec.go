package object

import (
	"encoding/binary"
	"time"
)

// restoreFlag, or'ed into a record's version byte, says that a restore
// block follows the version block (when there is one): the state of a
// RestoreObject of an archived version. Records without a restore encode
// as before.
const restoreFlag = 0x20

// restoreState is the restore of an archived version: requested and
// running (Ongoing, done at ReadyAt), or done with a readable copy until
// Expiry. Copies are the blobs of that copy in the data directory, in
// the order of the record's blobIDs; none when the archive already lives
// in the data directory (no tier is configured for its class).
type restoreState struct {
	Ongoing bool
	Tier    string // Expedited, Standard or Bulk
	Days    int
	ReadyAt int64 // Unix nanoseconds; while Ongoing
	Expiry  int64 // Unix nanoseconds; once done
	Copies  []string
}

func (r *restoreState) append(b []byte) []byte {
	b = append(b, boolByte(r.Ongoing))
	b = appendString(b, r.Tier)
	b = binary.AppendUvarint(b, uint64(r.Days))
	b = binary.AppendVarint(b, r.ReadyAt)
	b = binary.AppendVarint(b, r.Expiry)
	b = binary.AppendUvarint(b, uint64(len(r.Copies)))
	for _, c := range r.Copies {
		b = appendString(b, c)
	}
	return b
}

func decodeRestore(d *decoder) *restoreState {
	r := &restoreState{}
	switch d.byte() {
	case 0:
	case 1:
		r.Ongoing = true
	default:
		d.err = errCorrupt
	}
	r.Tier = d.str()
	r.Days = int(d.uvarint())
	r.ReadyAt = d.varint()
	r.Expiry = d.varint()
	if n := d.count(); n > 0 {
		r.Copies = make([]string, n)
		for i := range r.Copies {
			r.Copies[i] = d.str()
		}
	}
	return r
}

// RestoreStatus is what HEAD shows of a restore (x-amz-restore).
type RestoreStatus struct {
	Ongoing bool
	Expiry  time.Time // set once the restore is done
}

func (r *restoreState) status() *RestoreStatus {
	if r == nil {
		return nil
	}
	st := &RestoreStatus{Ongoing: r.Ongoing}
	if !r.Ongoing {
		st.Expiry = time.Unix(0, r.Expiry).UTC()
	}
	return st
}

// readable reports whether an archived record can be read now: it is
// restored and the copy has not expired (the expiry job may lag behind
// the clock; a copy past its expiry is not read even while it exists).
func (r *record) readable(now time.Time) bool {
	if r.itArchived() {
		return false // a restore moves it out of the archive tier
	}
	if !ArchiveClass(r.StorageClass) {
		return true
	}
	return r.Restore != nil && !r.Restore.Ongoing && now.UnixNano() < r.Restore.Expiry
}
