package pebblemeta

import "github.com/cockroachdb/pebble/v2"

// Metrics returns Pebble's own counters for monitoring, or nil once the
// store is closed.
func (s *Store) Metrics() *pebble.Metrics {
	s.life.RLock()
	defer s.life.RUnlock()
	if s.closed {
		return nil
	}
	return s.db.Metrics()
}
