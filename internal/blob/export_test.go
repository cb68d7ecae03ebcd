package blob

import "time"

// SetClock lets tests move GC's notion of now.
func SetClock(d *Dir, now func() time.Time) { d.now = now }

// SetDirectWrites turns O_DIRECT for large blobs on or off; it returns
// the previous setting.
func SetDirectWrites(on bool) bool { old := directWrites; directWrites = on; return old }
