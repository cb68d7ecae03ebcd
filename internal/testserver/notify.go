package testserver

import (
	"time"

	"github.com/hoard-s3/hoard/internal/notify"
	"github.com/hoard-s3/hoard/internal/outbox"
	"github.com/hoard-s3/hoard/internal/server"
)

// WithNotifyTargets declares event notification targets, with delivery
// retried quickly (tests wait for failures to heal).
func WithNotifyTargets(specs ...notify.Spec) Option {
	return func(c *server.Config) {
		c.Notify.Targets = append(c.Notify.Targets, specs...)
		c.Notify.Dispatcher.Poll = 50 * time.Millisecond
		c.Notify.Dispatcher.MinBackoff = 20 * time.Millisecond
		c.Notify.Dispatcher.MaxBackoff = 200 * time.Millisecond
	}
}

// WithOutboxLimits bounds the outbox.
func WithOutboxLimits(l outbox.Limits) Option {
	return func(c *server.Config) { c.Notify.Limits = l }
}
