package testserver

import "github.com/hoard-s3/hoard/internal/server"

// WithAudit keeps an audit trail.
func WithAudit(a server.AuditConfig) Option { return func(c *server.Config) { c.Audit = a } }
