package adminapi

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/hoard-s3/hoard/internal/object"
)

// ExistingReplicator queues a bucket's existing versions for replication
// (*object.Service); a run resumes where an interrupted one stopped.
type ExistingReplicator interface {
	ReplicateExisting(ctx context.Context, bucket string) (run, total int, err error)
}

// ReplicateExistingJSON is the answer of POST /replicate-existing/BUCKET.
type ReplicateExistingJSON struct {
	Bucket string `json:"bucket"`
	Queued int    `json:"queued"` // by this run
	Total  int    `json:"total"`  // by every run of the job
}

// WithReplication serves POST /replicate-existing/BUCKET over r.
func (h *Handler) WithReplication(r ExistingReplicator) *Handler {
	h.repl = r
	return h
}

func (h *Handler) replicationRoute(ctx context.Context, r *http.Request, path string) (any, int, bool, error) {
	rest, ok := strings.CutPrefix(path, "/replicate-existing/")
	if !ok {
		return nil, 0, false, nil
	}
	if r.Method != http.MethodPost {
		return nil, 0, true, &apiError{http.StatusMethodNotAllowed, "MethodNotAllowed", "use POST"}
	}
	if h.repl == nil {
		return nil, 0, true, &apiError{http.StatusNotImplemented, "NotImplemented", "this server does not replicate"}
	}
	bucket, _ := url.PathUnescape(rest)
	run, total, err := h.repl.ReplicateExisting(ctx, bucket)
	switch {
	case errors.Is(err, object.ErrNoSuchBucket):
		return nil, 0, true, &apiError{http.StatusNotFound, "NoSuchBucket", "the bucket does not exist"}
	case errors.Is(err, object.ErrNoSuchBucketConfig):
		return nil, 0, true, &apiError{http.StatusNotFound, "ReplicationConfigurationNotFoundError", "the bucket has no replication configuration"}
	case err != nil:
		return nil, 0, true, err
	}
	h.log.InfoContext(ctx, "existing versions queued for replication", "bucket", bucket, "queued", run, "total", total)
	return ReplicateExistingJSON{Bucket: bucket, Queued: run, Total: total}, http.StatusOK, true, nil
}

// ReplicateExisting queues a bucket's existing versions for replication.
func (c *Client) ReplicateExisting(ctx context.Context, bucket string) (*ReplicateExistingJSON, error) {
	var out ReplicateExistingJSON
	return &out, c.do(ctx, http.MethodPost, "/replicate-existing/"+url.PathEscape(bucket), []byte{}, http.StatusOK, &out)
}
