package server

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"time"
)

// errClientGone cancels the work of a request whose client left after
// sending its whole body, once finishGrace has passed.
var errClientGone = errors.New("client closed the connection after its request")

// finishGrace is how long a request whose body arrived whole may go on
// after its client closed the connection: long enough to commit what was
// received, short enough that an abandoned request does not run on.
var finishGrace = time.Minute

// detach returns a copy of r whose context a client that closes (or
// half-closes) its connection after the whole body does not cancel at
// once. net/http cancels a request's context when a read on the
// connection fails, and it starts reading again as soon as the body ends:
// a client that shuts down its sending side after a complete, valid PUT
// had its commit canceled and got 500. Such a request keeps finishGrace
// to finish; before the end of the body a failed connection still cancels
// at once. release must be called when the handler returns.
func detach(r *http.Request, body *stallBody) (*http.Request, func()) {
	parent := r.Context()
	ctx, cancel := context.WithCancelCause(context.WithoutCancel(parent))
	var mu sync.Mutex
	var grace *time.Timer
	released := false
	stop := context.AfterFunc(parent, func() {
		if !body.complete() {
			cancel(context.Cause(parent))
			return
		}
		mu.Lock()
		defer mu.Unlock()
		if !released {
			grace = time.AfterFunc(finishGrace, func() { cancel(errClientGone) })
		}
	})
	release := func() {
		stop()
		mu.Lock()
		released = true
		if grace != nil {
			grace.Stop()
		}
		mu.Unlock()
		cancel(nil)
	}
	return r.WithContext(ctx), release
}
