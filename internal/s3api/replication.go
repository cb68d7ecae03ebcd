package s3api

import (
	"errors"
	"net/http"

	"github.com/hoard-s3/hoard/internal/object"
)

// Bucket replication configuration: the object service validates and
// keeps it (and the replicator below it applies it); this file speaks
// its XML.

var (
	opPutBucketReplication    = operation{"PutBucketReplication", (*handler).putBucketReplication}
	opDeleteBucketReplication = operation{"DeleteBucketReplication", (*handler).deleteBucketReplication}
)

// maxReplicationXML fits S3's 1,000 rules.
const maxReplicationXML = 2 << 20

func (h *handler) getBucketReplication(req *request) (*response, error) {
	c, err := h.svc.GetBucketReplication(req.ctx, req.bucket)
	if errors.Is(err, object.ErrNoSuchBucketConfig) {
		return nil, errNoReplication
	}
	if err != nil {
		return nil, err
	}
	return xmlResponse(replicationToXML(c)), nil
}

func (h *handler) putBucketReplication(req *request) (*response, error) {
	body, err := readVerifiedBody(req, maxReplicationXML, true)
	if err != nil {
		return nil, err
	}
	var doc replicationXML
	if err := decodeXML(body, &doc); err != nil {
		return nil, err
	}
	c, err := replicationFromXML(&doc)
	if err != nil {
		return nil, err
	}
	if err := h.svc.PutBucketReplication(req.ctx, req.bucket, c); err != nil {
		return nil, replicationAPIError(err)
	}
	return newResponse(http.StatusOK), nil
}

func (h *handler) deleteBucketReplication(req *request) (*response, error) {
	if err := h.svc.DeleteBucketReplication(req.ctx, req.bucket); err != nil {
		return nil, err
	}
	return newResponse(http.StatusNoContent), nil
}

// replicationAPIError sends the service's refusal with S3's code and
// message; other errors go through the common table.
func replicationAPIError(err error) error {
	var re *object.ReplicationError
	if errors.As(err, &re) {
		return newErr(re.Code, http.StatusBadRequest, re.Msg)
	}
	return err
}
