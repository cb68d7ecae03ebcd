package tlsconf

import (
	"context"
	"time"
)

// DefaultPoll is how often Watch looks at the certificate files. Polling
// sees what cert-manager and certbot do (a rename over the file, or a
// symbolic link switched to a new directory) on every file system,
// without a notification API.
const DefaultPoll = 2 * time.Second

// Watch reloads the certificates whenever their files change, until ctx
// ends. A change that does not load is logged once and retried at the
// next change.
func (s *Store) Watch(ctx context.Context, every time.Duration) {
	if s.src.Empty() {
		return
	}
	if every <= 0 {
		every = DefaultPoll
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if s.changed() {
			s.Reload()
		}
	}
}
