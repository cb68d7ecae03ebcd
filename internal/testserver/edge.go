package testserver

import "github.com/hoard-s3/hoard/internal/server"

// WithEdgeSecret makes the server trust edges that share secret.
func WithEdgeSecret(secret []byte) Option {
	return func(c *server.Config) { c.EdgeSecret = secret }
}

// WithH2C makes the server accept HTTP/2 without TLS as well.
func WithH2C() Option { return func(c *server.Config) { c.H2C = true } }
