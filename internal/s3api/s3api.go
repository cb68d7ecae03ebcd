// Package s3api is the HTTP wire layer of the S3 API: routing, request
// decoding, authentication, XML and S3 errors. It never touches disks.
//
// A request flows through ServeHTTP: the router resolves bucket, key and
// operation; the verifier authenticates; a controller decodes the request,
// calls the object service and returns a response value or an error. Only
// response.go writes HTTP and only errors.go turns errors into S3 errors.
package s3api

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/hoard-s3/hoard/internal/adminapi"
	"github.com/hoard-s3/hoard/internal/iamapi"
	"github.com/hoard-s3/hoard/internal/kmsapi"
	"github.com/hoard-s3/hoard/internal/object"
	"github.com/hoard-s3/hoard/internal/sigv4"
)

// Config wires the wire layer to the services below it.
type Config struct {
	Service  *object.Service
	Verifier *sigv4.Verifier
	Region   string
	Domain   string // enables virtual-hosted-style addressing: BUCKET.Domain
	Logger   *slog.Logger
	// KMS serves the KMS API at the same endpoint; nil leaves it off.
	KMS *kmsapi.Handler
	// IAM serves the IAM and STS query APIs at the same endpoint; nil
	// leaves them off.
	IAM *iamapi.Handler
	// Admin serves the operator's admin API (accounts); nil leaves it off.
	Admin *adminapi.Handler
	// Identities resolves access keys to principals for authorization;
	// nil treats every signed request as the account root's.
	Identities Identities
	// Accounts resolves bucket owners to accounts; nil means the one
	// account of Identities owns every bucket.
	Accounts Accounts
	// BucketDefaults are the settings of buckets created from now on
	// (SecureBucketDefaults unless set).
	BucketDefaults BucketDefaults
	// EdgeSecret is shared with the edges allowed to relay requests
	// (see accelerate.go); nil trusts no edge.
	EdgeSecret []byte
	// Observe, when set, is told about every finished request, from the
	// same place as the access log (metrics use it).
	Observe func(op string, status int, bytesIn, bytesOut int64, d time.Duration)
	// AllowSSECOverHTTP accepts customer keys (SSE-C) on requests that
	// did not travel over TLS, which S3 refuses; for development only.
	AllowSSECOverHTTP bool
}

// New returns the S3 API handler.
func New(cfg Config) http.Handler {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	return &handler{cfg: cfg, svc: cfg.Service, log: cfg.Logger}
}

// handler serves the S3 API.
type handler struct {
	cfg Config
	svc *object.Service
	log *slog.Logger
}
