package console

import (
	"context"
	"errors"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
)

// The replication card: a bucket's replication rules, read with the
// user's own credentials (GetBucketReplication, so S3 authorization
// applies), and, for the account root only, the server's replication
// figures (backlog, lag, failures), which are the operator's.

// ReplicationStats are the server's replication figures.
type ReplicationStats struct {
	Backlog   int64   `json:"backlog"`
	Completed int64   `json:"completed"`
	Failures  int64   `json:"failures"`
	LagP50    float64 `json:"lagP50Seconds"`
	LagP99    float64 `json:"lagP99Seconds"`
}

type replRuleJSON struct {
	ID            string `json:"id"`
	Enabled       bool   `json:"enabled"`
	Priority      int32  `json:"priority"`
	Prefix        string `json:"prefix"`
	Destination   string `json:"destination"`
	DeleteMarkers bool   `json:"deleteMarkers"`
}

type replicationJSON struct {
	Rules []replRuleJSON    `json:"rules"`
	Stats *ReplicationStats `json:"stats,omitempty"` // root only
}

func (c *Console) getReplication(w http.ResponseWriter, r *http.Request, s *session) {
	bucket := r.URL.Query().Get("bucket")
	if !plausibleBucket(bucket) {
		writeError(w, http.StatusBadRequest, "InvalidBucketName", "That is not a bucket name.")
		return
	}
	rules, err := replicationRules(r.Context(), c.s3Client(s), bucket)
	if err != nil {
		writeAPIError(w, err)
		return
	}
	out := replicationJSON{Rules: rules}
	if s.root && c.cfg.ReplicationStatus != nil {
		st, err := c.cfg.ReplicationStatus(r.Context())
		if err != nil {
			c.log.Error("replication figures", "err", err)
			writeError(w, http.StatusInternalServerError, "InternalError", "The replication figures could not be read.")
			return
		}
		out.Stats = &st
	}
	writeJSON(w, http.StatusOK, out)
}

func replicationRules(ctx context.Context, cl *s3.Client, bucket string) ([]replRuleJSON, error) {
	rules := []replRuleJSON{}
	out, err := cl.GetBucketReplication(ctx, &s3.GetBucketReplicationInput{Bucket: aws.String(bucket)})
	var ae smithy.APIError
	if errors.As(err, &ae) && ae.ErrorCode() == "ReplicationConfigurationNotFoundError" {
		return rules, nil
	}
	if err != nil {
		return nil, err
	}
	for _, r := range out.ReplicationConfiguration.Rules {
		j := replRuleJSON{ID: deref(r.ID), Enabled: r.Status == "Enabled", Priority: aws.ToInt32(r.Priority), Prefix: deref(r.Prefix)}
		if r.Filter != nil {
			switch {
			case r.Filter.Prefix != nil:
				j.Prefix = *r.Filter.Prefix
			case r.Filter.And != nil:
				j.Prefix = deref(r.Filter.And.Prefix)
			}
		}
		if r.Destination != nil {
			j.Destination = deref(r.Destination.Bucket)
		}
		j.DeleteMarkers = r.Filter == nil || r.DeleteMarkerReplication != nil && r.DeleteMarkerReplication.Status == "Enabled"
		rules = append(rules, j)
	}
	return rules, nil
}
