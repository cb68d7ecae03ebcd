package blob

import "time"

// SetClock lets tests move GC's notion of now.
func SetClock(d *Dir, now func() time.Time) { d.now = now }
